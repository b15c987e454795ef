// Erfc: y = erfc(x), elementwise, as tf.math.erfc.
//
// TensorFlow Lite Micro flavour. Math: the C library's erfc (erfcf for float32).
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include <cmath>

namespace tflite {
namespace micro {
namespace custom {
namespace erfc {

struct Math {
  static constexpr char kName[] = "Erfc";
  static float Apply(float x) { return std::erfc(x); }
  static double Apply(double x) { return std::erfc(x); }
};

}  // namespace erfc

TFLMRegistration Register_ERFC() {
  return opkit::catalog::UnaryMicro<erfc::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
