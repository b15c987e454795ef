// Ndtri: y = ndtri(x), elementwise, as tf.math.ndtri.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/gamma_error.h"

namespace tflite {
namespace micro {
namespace custom {
namespace ndtri {

struct Math {
  static constexpr char kName[] = "Ndtri";
  static float Apply(float x) { return opkit::special::Ndtri(x); }
  static double Apply(double x) { return opkit::special::Ndtri(x); }
};

}  // namespace ndtri

TFLMRegistration Register_NDTRI() {
  return opkit::catalog::UnaryMicro<ndtri::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
