// FresnelSin: y = fresnel_sin(x), elementwise, as tf.math.special.fresnel_sin.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/integrals.h"

namespace tflite {
namespace micro {
namespace custom {
namespace fresnel_sin {

struct Math {
  static constexpr char kName[] = "FresnelSin";
  static float Apply(float x) { return opkit::special::FresnelSin(x); }
  static double Apply(double x) { return opkit::special::FresnelSin(x); }
};

}  // namespace fresnel_sin

TFLMRegistration Register_FRESNEL_SIN() {
  return opkit::catalog::UnaryMicro<fresnel_sin::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
