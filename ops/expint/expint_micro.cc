// Expint: y = expint(x), elementwise, as tf.math.special.expint.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/integrals.h"

namespace tflite {
namespace micro {
namespace custom {
namespace expint {

struct Math {
  static constexpr char kName[] = "Expint";
  static float Apply(float x) { return opkit::special::Expint(x); }
  static double Apply(double x) { return opkit::special::Expint(x); }
};

}  // namespace expint

TFLMRegistration Register_EXPINT() {
  return opkit::catalog::UnaryMicro<expint::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
