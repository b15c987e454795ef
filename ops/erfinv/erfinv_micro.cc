// Erfinv: y = erfinv(x), elementwise, as tf.math.erfinv.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/gamma_error.h"

namespace tflite {
namespace micro {
namespace custom {
namespace erfinv {

struct Math {
  static constexpr char kName[] = "Erfinv";
  static float Apply(float x) { return opkit::special::Erfinv(x); }
  static double Apply(double x) { return opkit::special::Erfinv(x); }
};

}  // namespace erfinv

TFLMRegistration Register_ERFINV() {
  return opkit::catalog::UnaryMicro<erfinv::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
