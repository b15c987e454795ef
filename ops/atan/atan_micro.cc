// Atan: y = atan(x), elementwise, as tf.math.atan.
//
// TensorFlow Lite Micro flavour. Math: the C library's atan (atanf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace atan {

struct Math {
  static constexpr char kName[] = "Atan";
  static float Apply(float x) { return std::atan(x); }
  static double Apply(double x) { return std::atan(x); }
};

}  // namespace atan

TFLMRegistration Register_ATAN() {
  return opkit::catalog::UnaryMicro<atan::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
