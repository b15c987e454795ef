// FresnelCos: y = fresnel_cos(x), elementwise, as tf.math.special.fresnel_cos.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/integrals.h"

namespace tflite {
namespace micro {
namespace custom {
namespace fresnel_cos {

struct Math {
  static constexpr char kName[] = "FresnelCos";
  static float Apply(float x) { return opkit::special::FresnelCos(x); }
  static double Apply(double x) { return opkit::special::FresnelCos(x); }
};

}  // namespace fresnel_cos

TFLMRegistration Register_FRESNEL_COS() {
  return opkit::catalog::UnaryMicro<fresnel_cos::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
