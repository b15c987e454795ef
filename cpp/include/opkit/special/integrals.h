// Dawson's integral, the exponential integral Ei and the Fresnel integrals:
// the functions of tf.math.special.dawsn, expint, fresnel_cos and fresnel_sin.
//
//   Dawsn(x)      D(x) = exp(-x^2) integral_0^x exp(t^2) dt
//   Expint(x)     Ei(x) = -PV integral_-x^inf exp(-t)/t dt  (scipy.special.expi)
//   FresnelCos(x) C(x) = integral_0^x cos(pi t^2 / 2) dt
//   FresnelSin(x) S(x) = integral_0^x sin(pi t^2 / 2) dt
//
// Accuracy: the double functions are within a few ulp (relative error below
// 1e-15) of the true values over the whole range, including the root of Ei at
// x0 = 0.37250741078... (Ei is evaluated relative to x0 there); the float
// functions evaluate in double and round once, so they are within 1 ulp of the
// correctly rounded value (nearly always correctly rounded).
//
// Method: piecewise polynomials in a variable that makes each piece slowly
// varying (x^2, x^4, 1/x, 1/x^2), with coefficients fitted to mpmath values by
// tools/special/fit_integrals.py (which reproduces every table below); for
// large arguments the polynomials represent the asymptotic behaviour
// (D ~ 1/(2x), Ei ~ e^x/x, the Fresnel auxiliary functions f ~ 1/(pi x),
// g ~ 1/(pi^2 x^3)), so the cost does not grow with |x|. For the Fresnel phase
// pi x^2 / 2, x^2 is reduced modulo 4 exactly (only a term below 1 is rounded)
// to q + s, |s| <= 1/2, and sin, cos of pi s / 2 are polynomials in s^2 too:
// the only <cmath> calls are exp, log and log1p (in Ei).
//
// Special values follow TensorFlow 2.21 (tf.math.special, float32 and float64):
//   Dawsn:  NaN -> NaN; +-inf -> +0; +-0 -> +0; odd otherwise.
//   Expint: NaN, x < 0, -inf and +inf -> NaN (TensorFlow defines Ei on x > 0
//           only, unlike scipy.special.expi); +-0 -> -inf; Ei(x) overflows to
//           +inf above x = 716.355 (double) / 93.247 (float).
//   FresnelCos, FresnelSin: NaN -> NaN; +-inf -> +-0.5; +-0 -> +0; odd.
// Where TensorFlow's own results are wrong these functions return the true
// value instead: TensorFlow flushes subnormal arguments and results to zero in
// most of these kernels, returns D(x) > 0 for x <= -1e9, inf for Ei(x) on
// (709.78, 716.355] (float: (88.72, 93.247]) and NaN for Ei(x) with
// x > 4.5e307 (float: 8.6e37); it is also far less accurate next to the root
// of Ei and for Fresnel integrals of large arguments.
#ifndef OPKIT_SPECIAL_INTEGRALS_H_
#define OPKIT_SPECIAL_INTEGRALS_H_

#include <cmath>

#include "opkit/special/detail.h"

namespace opkit {
namespace special {
namespace integrals_detail {

// BEGIN GENERATED TABLES (tools/special/fit_integrals.py); do not edit by hand.
// x0, the positive root of Ei, and ln(x0), each as a sum of two doubles.
inline constexpr double kExpintRootHi = 0.3725074107813666;
inline constexpr double kExpintRootLo = 1.3140183414386028e-17;
inline constexpr double kLogExpintRootHi = -0.9874983466453419;
inline constexpr double kLogExpintRootLo = 1.0504707614307875e-17;

// 0 <= x < 1: D(x) = x P(t), t = x^2 - 1, fitting D(x)/x in v = x^2.
// 13 terms; relative error 1.3e-18 (rounded coefficients 3.7e-17); condition number 1.00.
inline constexpr double kDawsonSmall[13] = {
    0.5380795069127684, -0.3071192603691524, 0.11485932200506953, -0.031629455549230794,
    0.006868306995180794, -0.0012292465592839618, 0.0001869660595921118,
    -2.47137452852511e-05, 2.888449349717683e-06, -3.015996203588995e-07,
    2.933506831539533e-08, -2.098854172511633e-09, 3.215441791117794e-10,
};

// k <= x < k+1 (k = 1, 2, 3, 4; row k-1): D(x) = P(t), t = x - (k+1).
// 19 terms; relative error 5.4e-18 (rounded coefficients 6.5e-17); condition number 1.37.
inline constexpr double kDawsonMid[4][19] = {
    {
        0.30134038892379195, -0.20536155569516903, 0.1093827224664039,
        -0.008935926165261865, -0.04575543524151259, 0.04017871597144285,
        -0.011534026547442625, -0.004888960421920647, 0.005326936934990919,
        -0.0012852198362192726, -0.0005636404061132432, 0.00041028719307817867,
        -9.309621298515067e-05, -0.0001032330364358076, -2.920381436997043e-05,
        -3.531328663320502e-05, -2.0529891959376686e-05, -4.49915669325966e-06,
        -3.137318474772149e-07,
    },
    {
        0.1782710306105583, -0.06962618366334987, 0.03060752037947345,
        -0.01479758498424495, 0.006892617264528206, -0.002352107068530045,
        5.4564405071604346e-05, 0.0006252350556732199, -0.0004827057859557799,
        0.00018231231599321788, -1.451370906988594e-05, -2.9121308949078043e-05,
        9.95319694407767e-06, -9.938277683872377e-06, -7.735171944488552e-06,
        -4.224854265894127e-06, -2.698767106612999e-06, -8.322906236872043e-07,
        -8.857468784841659e-08,
    },
    {
        0.12934800123600512, -0.03478400988804093, 0.009788038316158322,
        -0.0029120955844081646, 0.0009301720103924257, -0.0003234369883558952,
        0.00012119192263297867, -4.609492422585953e-05, 1.5794536547074855e-05,
        -3.806225600576106e-06, -1.4545864410291676e-07, 7.204242523318641e-07,
        -6.042001985155672e-07, 3.9630856481806726e-08, -1.9329928425020402e-07,
        -1.314633846785634e-07, -6.422772177276575e-08, -2.9785998423104034e-08,
        -5.030234698098479e-09,
    },
    {
        0.10213407442427684, -0.021340744242768356, 0.004569646789564957,
        -0.00100499313670326, 0.00022765944700205986, -5.332163890928495e-05,
        1.2982920149825561e-05, -3.3122434182021634e-06, 8.947410996340997e-07,
        -2.57439854493598e-07, 8.049364663333542e-08, -2.172157995431046e-08,
        1.3017081210615218e-08, 4.856572807173326e-09, 6.899768981001828e-09,
        4.555972253771282e-09, 2.085037852944686e-09, 6.616074107450136e-10,
        6.929604845047645e-11,
    },
};

// x >= 5: D(x) = P(t) / (2x), t = 50/x^2 - 1, fitting 2x D(x) in v = 1/x^2.
// 18 terms; relative error 1.8e-17 (rounded coefficients 2.2e-17); condition number 1.02.
inline constexpr double kDawsonLarge[18] = {
    1.01031615649186, 0.010649746347064405, 0.0003524366198123013,
    2.0415560329251175e-05, 1.7463312492814691e-06, 2.0365649303432495e-07,
    3.098971372767949e-08, 6.005166012335104e-09, 1.4705558773870264e-09,
    4.5091093548339336e-10, 1.6633034455134243e-10, 1.0047690136573836e-10,
    9.007274169349905e-11, 2.4419017984294913e-11, -4.339358778473471e-11,
    -2.9235143282721514e-11, 5.18358257791171e-12, 5.759773881478011e-12,
};

// 0 < x <= 4: Ei(x) = ln(x/x0) + d P(d), d = x - x0, where x0 is the root of Ei;
// fitting T(x) = (Ei(x) - ln(x/x0)) / (x - x0), an entire function, in powers of
// d (its Taylor coefficients at x0 are positive: Horner's rule is stable).
// 18 terms; relative error 4.6e-18 (rounded coefficients 4.4e-17); condition number 1.22.
inline constexpr double kExpintSmall[18] = {
    1.2117053830864597, 0.3216900454331977, 0.07364911783692596, 0.01405845787460396,
    0.0022764039044644714, 0.00031888587134588665, 3.9299458242353254e-05,
    4.32000770375688e-06, 4.283875544459551e-07, 3.868294029149441e-08,
    3.2048704097195637e-09, 2.461063218466274e-10, 1.7110027867119586e-11,
    1.2939366397311756e-12, 3.697958112983507e-14, 1.0588739590179152e-14,
    -4.86896934731631e-16, 5.596924813603874e-17,
};

// 2^k <= x < 2^(k+1) (k = 2, 3, 4; row k-2): Ei(x) = e^x/x P(t), t = x/2^(k-1) - 3.
// 23 terms; relative error 5.9e-18 (rounded coefficients 9.2e-17); condition number 1.24.
inline constexpr double kExpintMid[3][23] = {
    {
        1.2788838604895616, -0.13147310081593602, 0.03851181398608216,
        -0.0007373884745223546, -0.005927043347998713, 0.003654544472063521,
        -0.0013717421124812734, 0.0003704797283102565, -7.09280214351594e-05,
        6.70758557353501e-06, 1.5983280876193824e-06, -1.1330313633972199e-06,
        4.1477375172644495e-07, -1.2269919496629865e-07, 3.283362560784544e-08,
        -8.401987547829844e-09, 2.1337182733862093e-09, -5.578160426227411e-10,
        1.472413935081096e-10, -3.372631817350091e-11, 9.23255775952277e-12,
        -5.038057350877546e-12, 1.4595687394255855e-12,
    },
    {
        1.1029745449067592, -0.044239997991449946, 0.019830299378393822,
        -0.008981544439256453, 0.003868368719669095, -0.0014732902025681313,
        0.00044995379789084395, -8.362160691856668e-05, -1.2276094264053083e-05,
        2.1027116488818768e-05, -1.2381266166764063e-05, 5.330257245156849e-06,
        -1.8816794205516472e-06, 5.629863749241246e-07, -1.425076360843932e-07,
        2.9177274051194078e-08, -3.915283783792646e-09, -2.7101881998604363e-10,
        4.1681518165452407e-10, -1.5418575329092147e-10, 5.822332934512608e-11,
        -3.439656632926205e-11, 9.816577093008596e-12,
    },
    {
        1.0456658121249738, -0.016771226291465876, 0.006197155665898786,
        -0.002306564590646998, 0.000866119502452732, -0.0003288473225046554,
        0.00012659827865056395, -4.955102662876357e-05, 1.9739354452364078e-05,
        -7.981899075793778e-06, 3.250211869815718e-06, -1.3152813915464788e-06,
        5.198929365236541e-07, -1.9657230892368895e-07, 6.957153092385353e-08,
        -2.2594528576525958e-08, 6.128726030956146e-09, -7.654697771470607e-10,
        -1.7760909458018712e-10, -2.922312008077889e-11, -5.96911914704316e-11,
        1.5017185394893094e-10, -5.48780533604772e-11,
    },
};

// x >= 32: Ei(x) = e^x/x P(t), t = 64/x - 1, fitting x e^-x Ei(x) in v = 1/x.
// 17 terms; relative error 4.9e-18 (rounded coefficients 8.9e-17); condition number 1.03.
inline constexpr double kExpintLarge[17] = {
    1.0161377234943254, 0.01667658014249535, 0.0005668325989430171,
    2.9987684211504195e-05, 2.2000508601824606e-06, 2.1041215700668834e-07,
    2.5264542126468164e-08, 3.7165333361456508e-09, 6.59293240583772e-10,
    1.4086120232773912e-10, 3.5625779266126205e-11, 8.34537766930639e-12,
    2.8624984103219037e-12, 4.040183728336328e-12, 2.179369580897975e-12,
    -5.23429502948389e-13, -5.110105001712249e-13,
};

// 0 <= x < sqrt(2): C(x) = x P(t), t = x^4/4 - 1, fitting C(x)/x in v = x^4.
// 11 terms; relative error 2.0e-18 (rounded coefficients 5.1e-17); condition number 1.00.
inline constexpr double kFresnelCosSmall[11] = {
    0.37398283341573235, -0.3434957083539329, 0.21468481772121528, -0.058205234112781376,
    0.00873861052585338, -0.0008347232412796919, 5.5279208296225e-05,
    -2.6900510117950867e-06, 1.0035049272128889e-07, -2.9404285497760254e-09,
    7.897574884022828e-11,
};

// 0 <= x < sqrt(2): S(x) = x^3 P(t), t = x^4/4 - 1, fitting S(x)/x^3 in v = x^4.
// 11 terms; relative error 1.9e-19 (rounded coefficients 7.5e-17); condition number 1.00.
inline constexpr double kFresnelSinSmall[11] = {
    0.25242729705684325, -0.18932047279263245, 0.06748064326887282,
    -0.012769871117451845, 0.0014785164620336037, -0.0001152376552761155,
    6.455558947358018e-06, -2.7246609437621976e-07, 8.978459492030572e-09,
    -2.3600417163958217e-10, 5.683382787005005e-12,
};

// x >= sqrt(2): auxiliary function f(x) = P(t) / (pi x), in v = 1/x^2. Row k = 0,
// 1, 2 for 2^-(k+2) <= v < 2^-(k+1), t = 2^(k+3) v - 3; row 3 for v < 1/16,
// t = 32 v - 1.
// 16 terms; relative error 5.1e-18 (rounded coefficients 5.2e-17); condition number 1.04.
inline constexpr double kFresnelF[4][16] = {
    {
        0.9681936491435036, -0.016865017036707584, -0.0009048342309351949,
        0.0002639463066618913, -3.7834147622999515e-05, 3.7432306027013156e-06,
        -1.0326311289433133e-07, -7.143118181496425e-08, 2.5315173477923237e-08,
        -5.9484980150521755e-09, 1.141172431919945e-09, -1.8166217590902956e-10,
        2.204207186450621e-11, -5.894105333166521e-13, -1.250616593775842e-12,
        4.5041410889878044e-13,
    },
    {
        0.9903455239990671, -0.005884880210456715, -0.0006781606474659393,
        6.872477616124757e-05, -2.649058485056925e-06, -3.2909751894079325e-07,
        9.051224059814324e-08, -1.2161409810733683e-08, 9.069989700036783e-10,
        4.7797177510519387e-11, -3.372914598784299e-11, 7.838245464986027e-12,
        -1.2874463327831011e-12, 1.4686580055107577e-13, 1.4688624241013935e-15,
        -4.767997055642211e-15,
    },
    {
        0.9974053823361739, -0.00168213056097047, -0.0002507665267635071,
        8.590657193032074e-06, 2.776123314251412e-07, -5.4141245787171485e-08,
        2.846630451993628e-09, 1.3007937110275494e-10, -4.2915721597143136e-11,
        4.432152441378789e-12, -1.2226250630880773e-13, -4.4286934744979637e-14,
        1.0083190476934634e-14, -1.1839458465574195e-15, 3.5326006336511636e-17,
        1.5470993022233856e-17,
    },
    {
        0.9997041787056348, -0.0005896257647524603, -0.00029081732072873504,
        3.9207656677343495e-06, 8.893701538836489e-07, -5.090208527219216e-08,
        -5.707768630302919e-09, 9.915984987522891e-10, 1.8644812454286725e-11,
        -2.2907911803179328e-11, 2.1536491298667673e-12, 4.243240404185585e-13,
        -1.4436492503996442e-13, 7.077165779562222e-15, 5.359402743033966e-15,
        -1.2206218887740436e-15,
    },
};

// x >= sqrt(2): auxiliary function g(x) = P(t) / (pi^2 x^3); rows as kFresnelF.
// 17 terms; relative error 8.3e-18 (rounded coefficients 4.9e-17); condition number 1.15.
inline constexpr double kFresnelG[4][17] = {
    {
        0.8670035469232581, -0.06145306188133928, 0.00022686236523840114,
        0.0009396046034377916, -0.00022821041054476692, 3.745806748345376e-05,
        -4.34252985831996e-06, 1.436453306608297e-07, 1.0913771686589166e-07,
        -4.451043316040988e-08, 1.1978576926048192e-08, -2.648855819539986e-09,
        4.998030468167031e-10, -7.959802224255823e-11, 8.100955044264692e-12,
        2.1497620499732886e-12, -1.1044916679469357e-12,
    },
    {
        0.9550362427363268, -0.025792568400961485, -0.002153757266427246,
        0.0004174960294902998, -3.3714451933439113e-05, -3.6163208196048493e-07,
        6.658799119758545e-07, -1.388850127280652e-07, 1.800005021673205e-08,
        -1.1160922246865096e-09, -1.9104240699886187e-10, 8.8277601025786e-11,
        -2.0652462694885185e-11, 3.5908016576905463e-12, -4.4306921354893646e-13,
        -5.623688827871418e-15, 1.625064614293693e-14,
    },
    {
        0.9873125989703511, -0.008055590004073495, -0.0010992008043429582,
        6.679729630541959e-05, 8.742736092095676e-07, -4.930750072874656e-07,
        4.246952948086421e-08, -1.0876459146101724e-10, -4.902311327542786e-10,
        7.68765348285776e-11, -5.490190693474987e-12, -2.9457768349159465e-13,
        1.5936392622301542e-13, -2.758735061247638e-14, 2.6810377911770687e-15,
        7.64880635221555e-17, -7.547677561748644e-17,
    },
    {
        0.9985249271761298, -0.0029321465771723213, -0.0014305620096372704,
        3.456032090521283e-05, 7.495310532266839e-06, -6.284161616163671e-07,
        -6.031861359162104e-08, 1.5172294874617104e-08, -9.53787512800757e-11,
        -3.9217858591174493e-10, 5.4557070503889263e-11, 6.29669142819175e-12,
        -3.4187069143220155e-12, 3.3957036081134273e-13, 1.1433213848590114e-13,
        -3.7353502060306536e-14, 1.2485614822003374e-15,
    },
};

// |s| <= 1/2: sin(pi s/2) = s P(t), t = 4 s^2 - 1, fitting sin(pi s/2)/s in v = s^2.
// 7 terms; relative error 3.5e-18 (rounded coefficients 6.8e-17); condition number 1.00.
inline constexpr double kSinHalfPi[7] = {
    1.4142135623730951, -0.15174641391675125, 0.004765057318214048,
    -7.068038324455205e-05, 6.093580651568943e-07, -3.431771822518791e-09,
    1.3754721146332652e-11,
};

// |s| <= 1/2: cos(pi s/2) = P(t), t = 4 s^2 - 1, fitting cos(pi s/2) in v = s^2.
// 8 terms; relative error 4.3e-20 (rounded coefficients 6.8e-17); condition number 1.00.
inline constexpr double kCosHalfPi[8] = {
    0.7071067811865476, -0.2776801836348979, 0.014897669349045645,
    -0.00031187227218421824, 3.469515199002396e-06, -2.3929435508874973e-08,
    1.1230438797703425e-10, -3.8581890073416675e-13,
};
// END GENERATED TABLES

inline constexpr double kInvPi = 1.0 / detail::kPi;
inline constexpr double kInvPiSquared = kInvPi * kInvPi;
// Scale and offset of t for the rows of kExpintMid, kFresnelF and kFresnelG.
inline constexpr double kExpintMidScale[3] = {0.5, 0.25, 0.125};
inline constexpr double kFresnelScale[4] = {8.0, 16.0, 32.0, 32.0};
inline constexpr double kFresnelOffset[4] = {3.0, 3.0, 3.0, 1.0};
// Signs of sin and cos of theta + q pi/2 (q = 0..3) in terms of sin, cos theta.
inline constexpr double kQuadrantSinSign[4] = {1.0, 1.0, -1.0, -1.0};
inline constexpr double kQuadrantCosSign[4] = {1.0, -1.0, -1.0, 1.0};

// D(x) for x >= 0, x finite or NaN.
inline double DawsnNonNegative(double x) {
  if (x < 1.0) return x * detail::Polynomial(x * x - 1.0, kDawsonSmall);
  if (x < 5.0) {
    const int k = static_cast<int>(x);  // 1, 2, 3 or 4
    return detail::Polynomial((x - static_cast<double>(k)) - 1.0, kDawsonMid[k - 1]);
  }
  const double r = 1.0 / x;  // NaN stays NaN
  return (0.5 * detail::Polynomial(50.0 * (r * r) - 1.0, kDawsonLarge)) / x;
}

// Ei(x) for 0 < x < inf.
inline double ExpintPositive(double x) {
  if (x <= 4.0) {
    // Ei(x) = ln(x/x0) + d T(x), d = x - x0: relative accuracy near the root.
    const double d = (x - kExpintRootHi) - kExpintRootLo;  // x - hi exact near x0
    const double log_ratio =
        (x > 0.5 * kExpintRootHi && x < 2.0 * kExpintRootHi)
            ? std::log1p(d / kExpintRootHi)
            : (std::log(x) - kLogExpintRootHi) - kLogExpintRootLo;
    return log_ratio + d * detail::Polynomial(d, kExpintSmall);
  }
  if (x < 32.0) {
    const int k = (x >= 8.0) + (x >= 16.0);
    const double t = x * kExpintMidScale[k] - 3.0;  // exact
    return (std::exp(x) / x) * detail::Polynomial(t, kExpintMid[k]);
  }
  // e^x/x P = (e^(x/2) P/x) e^(x/2): finite up to the true overflow at 716.355.
  const double p = detail::Polynomial(64.0 / x - 1.0, kExpintLarge);
  const double h = std::exp(0.5 * x);
  return (h * (p / x)) * h;
}

// x^2 = 4m + q + s with m an integer, q in {0, 1, 2, 3} and |s| <= 1/2, for
// finite x >= 1; returns s and sets *quadrant = q. With x = n + f (n integer,
// 0 <= f < 1), x^2 = n^2 + 2nf + f^2, where n^2 = n mod 2 (mod 4), and 2nf is
// exact in double (n f has at most 53 significant bits because n and f share
// the 53 bits of x) and is reduced exactly; only f^2 and its sum with the
// rest are rounded, so s has an absolute error of about 2^-53 for every x.
inline double ReduceSquareMod4(double x, int* quadrant) {
  if (!(x < 4611686018427387904.0)) {  // x >= 2^62 is a multiple of 2^10
    *quadrant = 0;
    return 0.0;
  }
  const long long n = static_cast<long long>(x);  // floor(x)
  const double f = x - static_cast<double>(n);
  double a = (static_cast<double>(n) * f) * 2.0;  // exact, below 2^54
  a -= 4.0 * static_cast<double>(static_cast<long long>(0.25 * a));  // [0, 4)
  double s = static_cast<double>(n & 1) + a;  // exact, in [0, 5)
  const int q1 = static_cast<int>(s + 0.5);
  s = (s - static_cast<double>(q1)) + f * f;  // in [-0.5, 1.5)
  const int q2 = static_cast<int>(s + 0.5);
  s -= static_cast<double>(q2);
  *quadrant = (q1 + q2) & 3;
  return s;
}

// The auxiliary functions f, g of C and S (DLMF 7.2(iv)) and sin, cos of the
// phase pi x^2 / 2, for finite x >= sqrt(2):
//   C(x) = 1/2 + f sin(pi x^2/2) - g cos(pi x^2/2),
//   S(x) = 1/2 - f cos(pi x^2/2) - g sin(pi x^2/2).
struct FresnelAsymptotic {
  double f, g, sin, cos;
};

inline FresnelAsymptotic FresnelLarge(double x) {
  const double r = 1.0 / x;
  const double v = r * r;
  const int k = (v < 0.25) + (v < 0.125) + (v < 0.0625);
  const double t = v * kFresnelScale[k] - kFresnelOffset[k];
  FresnelAsymptotic out;
  out.f = detail::Polynomial(t, kFresnelF[k]) * kInvPi * r;
  out.g = detail::Polynomial(t, kFresnelG[k]) * kInvPiSquared * r * v;
  int q;
  const double s = ReduceSquareMod4(x, &q);  // pi x^2 / 2 = theta + q pi/2 (mod 2 pi)
  const double u = 4.0 * (s * s) - 1.0;      // theta = pi s / 2, |theta| <= pi/4
  const double sin_theta = s * detail::Polynomial(u, kSinHalfPi);
  const double cos_theta = detail::Polynomial(u, kCosHalfPi);
  // sin and cos of theta + q pi/2, without branches on q.
  const double sin_cos[2] = {sin_theta, cos_theta};
  out.sin = kQuadrantSinSign[q] * sin_cos[q & 1];
  out.cos = kQuadrantCosSign[q] * sin_cos[(q & 1) ^ 1];
  return out;
}

}  // namespace integrals_detail

// Dawson's integral D(x) (tf.math.special.dawsn).
inline double Dawsn(double x) {
  if (std::isinf(x)) return 0.0;  // TensorFlow: +0 for both infinities
  const double r = integrals_detail::DawsnNonNegative(std::fabs(x));
  return x < 0.0 ? -r : r;  // D(-0) = +0, as in TensorFlow
}

inline float Dawsn(float x) {
  return static_cast<float>(Dawsn(static_cast<double>(x)));
}

// The exponential integral Ei(x) (tf.math.special.expint): NaN for x < 0 and
// for +-inf, -inf at +-0, as TensorFlow returns.
inline double Expint(double x) {
  if (std::fpclassify(x) == FP_ZERO) return -detail::Inf<double>();
  if (!(x > 0.0) || std::isinf(x)) return detail::NaN<double>();
  return integrals_detail::ExpintPositive(x);
}

inline float Expint(float x) {
  return static_cast<float>(Expint(static_cast<double>(x)));
}

// The Fresnel cosine integral C(x) (tf.math.special.fresnel_cos).
inline double FresnelCos(double x) {
  const double ax = std::fabs(x);
  double r;
  if (ax < detail::kSqrt2) {
    const double u = (ax * ax) * (ax * ax);
    r = ax * detail::Polynomial(0.25 * u - 1.0, integrals_detail::kFresnelCosSmall);
  } else if (ax < detail::Inf<double>()) {
    const integrals_detail::FresnelAsymptotic a = integrals_detail::FresnelLarge(ax);
    r = 0.5 + (a.f * a.sin - a.g * a.cos);
  } else {
    r = std::isnan(ax) ? ax : 0.5;
  }
  return x < 0.0 ? -r : r;  // C(-0) = +0, as in TensorFlow
}

inline float FresnelCos(float x) {
  return static_cast<float>(FresnelCos(static_cast<double>(x)));
}

// The Fresnel sine integral S(x) (tf.math.special.fresnel_sin).
inline double FresnelSin(double x) {
  const double ax = std::fabs(x);
  double r;
  if (ax < detail::kSqrt2) {
    const double u = (ax * ax) * (ax * ax);
    const double p = detail::Polynomial(0.25 * u - 1.0, integrals_detail::kFresnelSinSmall);
    r = ((p * ax) * ax) * ax;  // one rounding into the subnormal range
  } else if (ax < detail::Inf<double>()) {
    const integrals_detail::FresnelAsymptotic a = integrals_detail::FresnelLarge(ax);
    r = 0.5 - (a.f * a.cos + a.g * a.sin);
  } else {
    r = std::isnan(ax) ? ax : 0.5;
  }
  return x < 0.0 ? -r : r;  // S(-0) = +0, as in TensorFlow
}

inline float FresnelSin(float x) {
  return static_cast<float>(FresnelSin(static_cast<double>(x)));
}

}  // namespace special
}  // namespace opkit

#endif  // OPKIT_SPECIAL_INTEGRALS_H_
