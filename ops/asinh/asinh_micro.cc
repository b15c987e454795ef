// Asinh: y = asinh(x), elementwise, as tf.math.asinh.
//
// TensorFlow Lite Micro flavour. Math: the C library's asinh (asinhf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace asinh {

struct Math {
  static constexpr char kName[] = "Asinh";
  static float Apply(float x) { return std::asinh(x); }
  static double Apply(double x) { return std::asinh(x); }
};

}  // namespace asinh

TFLMRegistration Register_ASINH() {
  return opkit::catalog::UnaryMicro<asinh::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
