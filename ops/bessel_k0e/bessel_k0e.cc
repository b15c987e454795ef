// BesselK0e: y = bessel_k0e(x), elementwise, as tf.math.special.bessel_k0e.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_k0e {

struct Math {
  static constexpr char kName[] = "BesselK0e";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselK0e(x); }
  static double Apply(double x) { return opkit::special::BesselK0e(x); }
};

}  // namespace bessel_k0e

TfLiteRegistration* Register_BESSEL_K0E() {
  return opkit::catalog::Unary<bessel_k0e::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
