// Tan: y = tan(x), elementwise, as tf.math.tan.
//
// TensorFlow Lite Micro flavour. Math: the C library's tan (tanf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace tan {

struct Math {
  static constexpr char kName[] = "Tan";
  static float Apply(float x) { return std::tan(x); }
  static double Apply(double x) { return std::tan(x); }
};

}  // namespace tan

TFLMRegistration Register_TAN() {
  return opkit::catalog::UnaryMicro<tan::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
