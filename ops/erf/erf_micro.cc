// Erf: y = erf(x), elementwise, as tf.math.erf.
//
// TensorFlow Lite Micro flavour. Math: the C library's erf (erff for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace erf {

struct Math {
  static constexpr char kName[] = "Erf";
  static float Apply(float x) { return std::erf(x); }
  static double Apply(double x) { return std::erf(x); }
};

}  // namespace erf

TFLMRegistration Register_ERF() {
  return opkit::catalog::UnaryMicro<erf::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
