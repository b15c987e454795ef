// Digamma: y = digamma(x), elementwise, as tf.math.digamma.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/gamma_error.h"

namespace tflite {
namespace micro {
namespace custom {
namespace digamma {

struct Math {
  static constexpr char kName[] = "Digamma";
  static float Apply(float x) { return opkit::special::Digamma(x); }
  static double Apply(double x) { return opkit::special::Digamma(x); }
};

}  // namespace digamma

TFLMRegistration Register_DIGAMMA() {
  return opkit::catalog::UnaryMicro<digamma::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
