// Atanh: y = atanh(x), elementwise, as tf.math.atanh.
//
// TensorFlow Lite Micro flavour. Math: the C library's atanh (atanhf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace atanh {

struct Math {
  static constexpr char kName[] = "Atanh";
  static float Apply(float x) { return std::atanh(x); }
  static double Apply(double x) { return std::atanh(x); }
};

}  // namespace atanh

TFLMRegistration Register_ATANH() {
  return opkit::catalog::UnaryMicro<atanh::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
