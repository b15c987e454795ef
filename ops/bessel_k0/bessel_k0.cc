// BesselK0: y = bessel_k0(x), elementwise, as tf.math.special.bessel_k0.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_k0 {

struct Math {
  static constexpr char kName[] = "BesselK0";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselK0(x); }
  static double Apply(double x) { return opkit::special::BesselK0(x); }
};

}  // namespace bessel_k0

TfLiteRegistration* Register_BESSEL_K0() {
  return opkit::catalog::Unary<bessel_k0::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
