// BesselJ0: y = bessel_j0(x), elementwise, as tf.math.special.bessel_j0.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_j0 {

struct Math {
  static constexpr char kName[] = "BesselJ0";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselJ0(x); }
  static double Apply(double x) { return opkit::special::BesselJ0(x); }
};

}  // namespace bessel_j0

TfLiteRegistration* Register_BESSEL_J0() {
  return opkit::catalog::Unary<bessel_j0::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
