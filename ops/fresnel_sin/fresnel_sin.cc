// FresnelSin: y = fresnel_sin(x), elementwise, as tf.math.special.fresnel_sin.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/integrals.h"

namespace tflite {
namespace ops {
namespace custom {
namespace fresnel_sin {

struct Math {
  static constexpr char kName[] = "FresnelSin";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::FresnelSin(x); }
  static double Apply(double x) { return opkit::special::FresnelSin(x); }
};

}  // namespace fresnel_sin

TfLiteRegistration* Register_FRESNEL_SIN() {
  return opkit::catalog::Unary<fresnel_sin::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
