// FresnelCos: y = fresnel_cos(x), elementwise, as tf.math.special.fresnel_cos.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/integrals.h"

namespace tflite {
namespace ops {
namespace custom {
namespace fresnel_cos {

struct Math {
  static constexpr char kName[] = "FresnelCos";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::FresnelCos(x); }
  static double Apply(double x) { return opkit::special::FresnelCos(x); }
};

}  // namespace fresnel_cos

TfLiteRegistration* Register_FRESNEL_COS() {
  return opkit::catalog::Unary<fresnel_cos::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
