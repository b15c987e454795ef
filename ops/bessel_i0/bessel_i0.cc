// BesselI0: y = bessel_i0(x), elementwise, as tf.math.bessel_i0.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_i0 {

struct Math {
  static constexpr char kName[] = "BesselI0";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselI0(x); }
  static double Apply(double x) { return opkit::special::BesselI0(x); }
};

}  // namespace bessel_i0

TfLiteRegistration* Register_BESSEL_I0() {
  return opkit::catalog::Unary<bessel_i0::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
