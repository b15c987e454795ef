// Acos: y = acos(x), elementwise, as tf.math.acos.
//
// TensorFlow Lite Micro flavour. Math: the C library's acos (acosf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace acos {

struct Math {
  static constexpr char kName[] = "Acos";
  static float Apply(float x) { return std::acos(x); }
  static double Apply(double x) { return std::acos(x); }
};

}  // namespace acos

TFLMRegistration Register_ACOS() {
  return opkit::catalog::UnaryMicro<acos::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
