// Cosh: y = cosh(x), elementwise, as tf.math.cosh.
//
// TensorFlow Lite Micro flavour. Math: the C library's cosh (coshf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace cosh {

struct Math {
  static constexpr char kName[] = "Cosh";
  static float Apply(float x) { return std::cosh(x); }
  static double Apply(double x) { return std::cosh(x); }
};

}  // namespace cosh

TFLMRegistration Register_COSH() {
  return opkit::catalog::UnaryMicro<cosh::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
