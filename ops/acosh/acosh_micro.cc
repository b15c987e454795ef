// Acosh: y = acosh(x), elementwise, as tf.math.acosh.
//
// TensorFlow Lite Micro flavour. Math: the C library's acosh (acoshf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace acosh {

struct Math {
  static constexpr char kName[] = "Acosh";
  static float Apply(float x) { return std::acosh(x); }
  static double Apply(double x) { return std::acosh(x); }
};

}  // namespace acosh

TFLMRegistration Register_ACOSH() {
  return opkit::catalog::UnaryMicro<acosh::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
