// Asin: y = asin(x), elementwise, as tf.math.asin.
//
// TensorFlow Lite Micro flavour. Math: the C library's asin (asinf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace asin {

struct Math {
  static constexpr char kName[] = "Asin";
  static float Apply(float x) { return std::asin(x); }
  static double Apply(double x) { return std::asin(x); }
};

}  // namespace asin

TFLMRegistration Register_ASIN() {
  return opkit::catalog::UnaryMicro<asin::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
