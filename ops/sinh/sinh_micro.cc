// Sinh: y = sinh(x), elementwise, as tf.math.sinh.
//
// TensorFlow Lite Micro flavour. Math: the C library's sinh (sinhf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace sinh {

struct Math {
  static constexpr char kName[] = "Sinh";
  static float Apply(float x) { return std::sinh(x); }
  static double Apply(double x) { return std::sinh(x); }
};

}  // namespace sinh

TFLMRegistration Register_SINH() {
  return opkit::catalog::UnaryMicro<sinh::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
