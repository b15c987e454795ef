// Dawsn: y = dawsn(x), elementwise, as tf.math.special.dawsn.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/integrals.h"

namespace tflite {
namespace micro {
namespace custom {
namespace dawsn {

struct Math {
  static constexpr char kName[] = "Dawsn";
  static float Apply(float x) { return opkit::special::Dawsn(x); }
  static double Apply(double x) { return opkit::special::Dawsn(x); }
};

}  // namespace dawsn

TFLMRegistration Register_DAWSN() {
  return opkit::catalog::UnaryMicro<dawsn::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
