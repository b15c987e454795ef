// Spence: y = spence(x), elementwise, as tf.math.special.spence.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/gamma_error.h"

namespace tflite {
namespace micro {
namespace custom {
namespace spence {

struct Math {
  static constexpr char kName[] = "Spence";
  static float Apply(float x) { return opkit::special::Spence(x); }
  static double Apply(double x) { return opkit::special::Spence(x); }
};

}  // namespace spence

TFLMRegistration Register_SPENCE() {
  return opkit::catalog::UnaryMicro<spence::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
