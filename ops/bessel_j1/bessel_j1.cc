// BesselJ1: y = bessel_j1(x), elementwise, as tf.math.special.bessel_j1.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_j1 {

struct Math {
  static constexpr char kName[] = "BesselJ1";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselJ1(x); }
  static double Apply(double x) { return opkit::special::BesselJ1(x); }
};

}  // namespace bessel_j1

TfLiteRegistration* Register_BESSEL_J1() {
  return opkit::catalog::Unary<bessel_j1::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
