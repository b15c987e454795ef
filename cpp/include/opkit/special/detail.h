// Shared building blocks of opkit's special functions (opkit/special/*.h).
//
// Header-only, no heap, no exceptions, no C++ library calls beyond <cmath>'s
// elementary functions: the special functions must build for firmware as
// well as for the desktop op libraries.
#ifndef OPKIT_SPECIAL_DETAIL_H_
#define OPKIT_SPECIAL_DETAIL_H_

#include <stddef.h>

#include <cmath>
#include <limits>

namespace opkit {
namespace special {
namespace detail {

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kSqrtPi = 1.772453850905516027298167483341145182;
constexpr double kSqrt2 = 1.414213562373095048801688724209698079;
constexpr double kEulerGamma = 0.577215664901532860606512090082402431;

template <typename T>
constexpr T NaN() {
  return std::numeric_limits<T>::quiet_NaN();
}
template <typename T>
constexpr T Inf() {
  return std::numeric_limits<T>::infinity();
}

// c[0] + c[1] x + ... + c[N-1] x^(N-1), by Horner's rule.
template <size_t N>
constexpr double Polynomial(double x, const double (&c)[N]) {
  double sum = c[N - 1];
  for (size_t i = N - 1; i-- > 0;) sum = sum * x + c[i];
  return sum;
}

// sum c[k] T_k(t) for t in [-1, 1] (Chebyshev series, Clenshaw's recurrence).
template <size_t N>
constexpr double Chebyshev(double t, const double (&c)[N]) {
  double b1 = 0.0, b2 = 0.0;
  for (size_t k = N - 1; k > 0; --k) {
    const double b0 = 2.0 * t * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0];
}

}  // namespace detail
}  // namespace special
}  // namespace opkit

#endif  // OPKIT_SPECIAL_DETAIL_H_
