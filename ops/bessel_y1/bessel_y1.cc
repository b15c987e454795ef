// BesselY1: y = bessel_y1(x), elementwise, as tf.math.special.bessel_y1.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_y1 {

struct Math {
  static constexpr char kName[] = "BesselY1";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselY1(x); }
  static double Apply(double x) { return opkit::special::BesselY1(x); }
};

}  // namespace bessel_y1

TfLiteRegistration* Register_BESSEL_Y1() {
  return opkit::catalog::Unary<bessel_y1::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
