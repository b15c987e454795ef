// Modified Bessel functions of integer order 0 and 1, plain and scaled:
//
//   BesselI0(x)  = I0(x)               BesselI0e(x) = exp(-|x|) I0(x)
//   BesselI1(x)  = I1(x)               BesselI1e(x) = exp(-|x|) I1(x)
//   BesselK0(x)  = K0(x)               BesselK0e(x) = exp(x) K0(x)
//   BesselK1(x)  = K1(x)               BesselK1e(x) = exp(x) K1(x)
//
// as tf.math.bessel_i0/_i0e/_i1/_i1e and tf.math.special.bessel_k0/_k0e/_k1/_k1e, for
// double and float. The float overloads evaluate in double and round once, which keeps
// them within 1 ulp of the correctly rounded value (nearly always they are it). The double
// functions have a relative error below 2e-15 wherever the result is a normal number
// (below 8e-16 except for K0 and K1 on 1.3 < x <= 2, where the logarithmic series
// cancels), and are within one step of 2^-1074 where it is subnormal.
//
// Method. Each function has two pieces, each a fixed polynomial evaluated by Horner's rule;
// the coefficients come from tools/special/fit_bessel_ik.py (relative-minimax fits to
// mpmath; see that script). The cost does not grow with |x|.
//   |x| <= 12:  I0(x) = P(x^2), I1(x) = x P(x^2); the scaled forms multiply by exp(-|x|).
//   |x| > 12:   I0e(x), I1e(x) = P(12/|x|) / sqrt(|x|), accurate for any |x|; the plain
//               forms multiply by exp(|x|), as exp(|x|/2) twice, so that they overflow
//               only where I itself exceeds DBL_MAX (|x| > 713.98), not where exp does.
//   0 < x <= 2: K0(x) = P(x^2) - ln(x/2) I0(x), K1(x) = 1/x + x (ln(x/2) I1(x)/x + P(x^2))
//               (DLMF 10.31.1), with short polynomials for I0 and I1/x; the scaled forms
//               multiply by exp(x).
//   x > 2:      K0e(x), K1e(x) = P(2/x) / sqrt(x); the plain forms multiply by exp(-x),
//               and reach the subnormal range (x > 705.34) and 0 (x > 742.05) as K does.
//
// Special values, as TensorFlow 2.21 gives them (float32 and float64):
//   NaN -> NaN for all eight functions.
//   I0(+-inf) = I1(+-inf) = NaN: TensorFlow computes exp(|x|) I0e(x) = inf * 0; the same
//   product arises here. I0e(+-inf) = 0, I1e(+inf) = +0, I1e(-inf) = -0.
//   I1(-0) = I1e(-0) = +0 (TensorFlow drops the sign of zero).
//   K*(x) = +inf for x <= 0, including -0 and -inf (not NaN); K*(+inf) = 0.
// Where TensorFlow 2.21's result is wrong, these functions return the right value instead:
//   - TF's I0 and I1 are exp(|x|) I0e(x), which overflows for |x| > 709.78 (float: 88.72)
//     although I0 and I1 stay finite up to |x| = 713.98 (float: 91.9).
//   - TF's CPU kernels flush subnormal results to zero (TF: K0(709.0) = 0, float
//     K0(88.0f) = 0, I1(3e-308) = 0) and read subnormal inputs as zero (TF: K0(1e-310) =
//     inf, float K0(1e-40f) = inf, I1(-5e-324) = +0).
//   - TF's K0 and K1 take ln(x/2) with x/2 flushed to zero for x in [DBL_MIN, 2 DBL_MIN)
//     (float: [FLT_MIN, 2 FLT_MIN)), giving K0 = inf and K1 = NaN there.
#ifndef OPKIT_SPECIAL_BESSEL_IK_H_
#define OPKIT_SPECIAL_BESSEL_IK_H_

#include <cmath>

#include "opkit/special/detail.h"

namespace opkit {
namespace special {
namespace bessel_ik_detail {

// Where the pieces meet (tools/special/fit_bessel_ik.py: I_SPLIT, K_SPLIT).
inline constexpr double kISplit = 12.0;
inline constexpr double kKSplit = 2.0;
inline constexpr double kLn2 = 0.693147180559945309417232121458176568;

// BEGIN GENERATED TABLES (tools/special/fit_bessel_ik.py); do not edit by hand.
// I0(x) = P(x^2), |x| <= 12; error 1.8e-17.
inline constexpr double kI0Small[19] = {
    1.0,
    0.25,
    0.015625000000000017,
    0.0004340277777777675,
    6.781684027780623e-06,
    6.781684027732076e-08,
    4.709502797534789e-10,
    2.4028075463006182e-12,
    9.385967147226178e-15,
    2.896902837929207e-17,
    7.242272969725249e-20,
    1.496305998544494e-22,
    2.5982223536171407e-25,
    3.8382351085583092e-28,
    4.940429313483263e-31,
    5.210688810059302e-34,
    6.329101518983176e-37,
    1.7454089293544101e-40,
    8.12786703254759e-43,
};
// I1(x) = x P(x^2), |x| <= 12; error 7.2e-18.
inline constexpr double kI1Small[19] = {
    0.5,
    0.0625,
    0.002604166666666668,
    5.4253472222221664e-05,
    6.781684027779163e-07,
    5.651403356461235e-09,
    3.363930569524927e-11,
    1.5017547172256305e-13,
    5.214426161877999e-16,
    1.448451508307584e-18,
    3.291940348544934e-21,
    6.234638911908763e-24,
    9.992795828859873e-27,
    1.3711264336049326e-29,
    1.6446588456438186e-32,
    1.6383649732737886e-35,
    1.8300711810119722e-38,
    5.442201624543068e-42,
    2.087844410899786e-44,
};
// I0e(x) = P(12/x) / sqrt(x), x > 12; error 6.2e-17.
inline constexpr double kI0Large[17] = {
    0.3989422804014327,
    0.004155648754177125,
    0.00019479603576123564,
    1.690936321715163e-05,
    2.157990574015813e-06,
    3.608420624548985e-07,
    1.012362779320083e-07,
    -1.0987707163388203e-07,
    4.850957714939307e-07,
    -1.2889202691152344e-06,
    2.539397312573507e-06,
    -3.6375479286947065e-06,
    3.7438241742170796e-06,
    -2.683330527811992e-06,
    1.2648491850566192e-06,
    -3.4985861091006784e-07,
    4.269432675963699e-08,
};
// I1e(x) = P(12/x) / sqrt(x), x > 12; error 8.0e-17.
inline constexpr double kI1Large[17] = {
    0.39894228040143265,
    -0.012466946262540012,
    -0.0003246600593549285,
    -2.3673113563251527e-05,
    -2.77449436353644e-06,
    -4.415791535448066e-07,
    -1.1642353077688516e-07,
    1.1330716368065447e-07,
    -5.085382064737618e-07,
    1.3470547929483223e-06,
    -2.648885789210854e-06,
    3.7864919481921855e-06,
    -3.888759347256225e-06,
    2.7807548175708892e-06,
    -1.307399119182671e-06,
    3.605475939797298e-07,
    -4.384146686699274e-08,
};
// I0(x) = P(x^2), 0 < x <= 2; error 1.4e-17.
inline constexpr double kI0Near[10] = {
    1.0,
    0.25,
    0.015624999999999951,
    0.00043402777777793925,
    6.781684027504144e-06,
    6.781684054256127e-08,
    4.709501245160067e-10,
    2.4028635822131787e-12,
    9.373800123138516e-15,
    3.04219983938299e-17,
};
// I1(x) = x P(x^2), 0 < x <= 2; error 1.5e-18.
inline constexpr double kI1Near[10] = {
    0.5,
    0.0625,
    0.0026041666666666644,
    5.42534722222303e-05,
    6.781684027643675e-07,
    5.651403369227845e-09,
    3.363929833662836e-11,
    1.501780930017113e-13,
    5.208799544276886e-16,
    1.5149887030701381e-18,
};
// K0(x) = P(x^2) - ln(x/2) I0(x), 0 < x <= 2 (error relative to K0); error 5.2e-17.
inline constexpr double kK0Reg[11] = {
    -0.5772156649015329,
    0.10569608377461678,
    0.01441850523591355,
    0.0005451899602568537,
    1.021401413596467e-05,
    1.1570350940826564e-07,
    8.819883108749815e-10,
    4.843196689618329e-12,
    2.009250496381366e-14,
    6.514227800100655e-17,
    1.7902709477853743e-19,
};
// K1(x) = 1/x + x (ln(x/2) I1(x)/x + P(x^2)), 0 < x <= 2 (error relative to K1/x); error 1.5e-17.
inline constexpr double kK1Reg[11] = {
    0.03860783245076643,
    -0.042049020943654196,
    -0.0028371119837633696,
    -7.493042905988463e-05,
    -1.0892182538740899e-06,
    -1.0112909397174087e-08,
    -6.540197256077766e-11,
    -3.1208577500121065e-13,
    -1.1452166692337657e-15,
    -3.3297876870032745e-18,
    -8.279223633736747e-21,
};
// K0e(x) = P(2/x) / sqrt(x), x > 2; error 1.5e-16.
inline constexpr double kK0Large[23] = {
    1.2533141373155001,
    -0.0783321335821966,
    0.02203091256581763,
    -0.011474433313653694,
    0.00878510042383777,
    -0.008894605076428124,
    0.011205826506784429,
    -0.016849603457385877,
    0.029110391556600657,
    -0.055116081386794885,
    0.1076917061637025,
    -0.20384187872529397,
    0.3539984254554937,
    -0.5413531107641103,
    0.7074783624496799,
    -0.7718876620945142,
    0.6884542936762992,
    -0.49080105356303966,
    0.2719266602243233,
    -0.11254147469532208,
    0.03267777629501536,
    -0.005929899031186009,
    0.0005055264720733698,
};
// K1e(x) = P(2/x) / sqrt(x), x > 2; error 1.5e-16.
inline constexpr double kK1Large[23] = {
    1.2533141373155003,
    0.23499640074663394,
    -0.03671818761240693,
    0.016064206756944387,
    -0.011295132313390518,
    0.010871241318342892,
    -0.013243966631052548,
    0.019448367718058246,
    -0.033036162965124606,
    0.06183206565051705,
    -0.1199710027563301,
    0.2262854270549113,
    -0.39252192776402317,
    0.6004576696394215,
    -0.7856467775974089,
    0.8585943899685863,
    -0.7672501456063192,
    0.5480810857847368,
    -0.30428712184817713,
    0.12619190370928002,
    -0.036714809015856366,
    0.006675472186462942,
    -0.0005701602161816468,
};
// END GENERATED TABLES

// I0(ax) for 0 <= ax <= kISplit.
inline double I0Small(double ax) { return detail::Polynomial(ax * ax, kI0Small); }
// I1(ax) for 0 <= ax <= kISplit.
inline double I1Small(double ax) { return ax * detail::Polynomial(ax * ax, kI1Small); }
// exp(-ax) I0(ax) and exp(-ax) I1(ax) for ax > kISplit (ax = inf gives 0).
inline double I0eLarge(double ax) {
  return detail::Polynomial(kISplit / ax, kI0Large) / std::sqrt(ax);
}
inline double I1eLarge(double ax) {
  return detail::Polynomial(kISplit / ax, kI1Large) / std::sqrt(ax);
}
// exp(ax) * scaled for ax > kISplit, finite as long as the product is: exp(ax / 2) twice.
// ax = inf gives (inf * 0) * inf = NaN, which is also TensorFlow's I0(inf).
inline double Unscale(double scaled, double ax) {
  const double half = std::exp(0.5 * ax);
  return (half * scaled) * half;
}

// ln(x/2) for x > 0: 0.5 * x is exact for x >= 1 (not for subnormal x); below 1, ln(x) - ln 2
// has no cancellation to fear.
inline double LogHalf(double x) { return x < 1.0 ? std::log(x) - kLn2 : std::log(0.5 * x); }
// K0(x) and K1(x) for 0 < x <= kKSplit.
inline double K0Small(double x) {
  const double s = x * x;
  return detail::Polynomial(s, kK0Reg) - LogHalf(x) * detail::Polynomial(s, kI0Near);
}
inline double K1Small(double x) {
  const double s = x * x;
  return 1.0 / x +
         x * (LogHalf(x) * detail::Polynomial(s, kI1Near) + detail::Polynomial(s, kK1Reg));
}
// exp(x) K0(x) and exp(x) K1(x) for x > kKSplit (x = inf gives 0).
inline double K0eLarge(double x) {
  return detail::Polynomial(kKSplit / x, kK0Large) / std::sqrt(x);
}
inline double K1eLarge(double x) {
  return detail::Polynomial(kKSplit / x, kK1Large) / std::sqrt(x);
}
// K for x <= 0 (+inf, as TensorFlow) or NaN (NaN).
inline double KOutside(double x) { return std::isnan(x) ? x : detail::Inf<double>(); }

}  // namespace bessel_ik_detail

// --- I0, I0e: even -------------------------------------------------------------------------

inline double BesselI0(double x) {
  namespace d = bessel_ik_detail;
  const double ax = std::fabs(x);
  if (ax <= d::kISplit) return d::I0Small(ax);
  return d::Unscale(d::I0eLarge(ax), ax);
}

inline double BesselI0e(double x) {
  namespace d = bessel_ik_detail;
  const double ax = std::fabs(x);
  if (ax <= d::kISplit) return std::exp(-ax) * d::I0Small(ax);
  return d::I0eLarge(ax);
}

// --- I1, I1e: odd (with I1(-0) = +0, as TensorFlow) -----------------------------------------

inline double BesselI1(double x) {
  namespace d = bessel_ik_detail;
  const double ax = std::fabs(x);
  const double r = ax <= d::kISplit ? d::I1Small(ax) : d::Unscale(d::I1eLarge(ax), ax);
  return x < 0.0 ? -r : r;
}

inline double BesselI1e(double x) {
  namespace d = bessel_ik_detail;
  const double ax = std::fabs(x);
  const double r = ax <= d::kISplit ? std::exp(-ax) * d::I1Small(ax) : d::I1eLarge(ax);
  return x < 0.0 ? -r : r;
}

// --- K0, K0e, K1, K1e: x > 0; +inf for x <= 0, as TensorFlow --------------------------------

inline double BesselK0(double x) {
  namespace d = bessel_ik_detail;
  if (!(x > 0.0)) return d::KOutside(x);
  if (x <= d::kKSplit) return d::K0Small(x);
  return d::K0eLarge(x) * std::exp(-x);
}

inline double BesselK0e(double x) {
  namespace d = bessel_ik_detail;
  if (!(x > 0.0)) return d::KOutside(x);
  if (x <= d::kKSplit) return d::K0Small(x) * std::exp(x);
  return d::K0eLarge(x);
}

inline double BesselK1(double x) {
  namespace d = bessel_ik_detail;
  if (!(x > 0.0)) return d::KOutside(x);
  if (x <= d::kKSplit) return d::K1Small(x);
  return d::K1eLarge(x) * std::exp(-x);
}

inline double BesselK1e(double x) {
  namespace d = bessel_ik_detail;
  if (!(x > 0.0)) return d::KOutside(x);
  if (x <= d::kKSplit) return d::K1Small(x) * std::exp(x);
  return d::K1eLarge(x);
}

// --- float: evaluated in double, rounded once ------------------------------------------------

inline float BesselI0(float x) { return static_cast<float>(BesselI0(static_cast<double>(x))); }
inline float BesselI0e(float x) { return static_cast<float>(BesselI0e(static_cast<double>(x))); }
inline float BesselI1(float x) { return static_cast<float>(BesselI1(static_cast<double>(x))); }
inline float BesselI1e(float x) { return static_cast<float>(BesselI1e(static_cast<double>(x))); }
inline float BesselK0(float x) { return static_cast<float>(BesselK0(static_cast<double>(x))); }
inline float BesselK0e(float x) { return static_cast<float>(BesselK0e(static_cast<double>(x))); }
inline float BesselK1(float x) { return static_cast<float>(BesselK1(static_cast<double>(x))); }
inline float BesselK1e(float x) { return static_cast<float>(BesselK1e(static_cast<double>(x))); }

}  // namespace special
}  // namespace opkit

#endif  // OPKIT_SPECIAL_BESSEL_IK_H_
