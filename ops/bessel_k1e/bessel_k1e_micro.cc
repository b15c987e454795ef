// BesselK1e: y = bessel_k1e(x), elementwise, as tf.math.special.bessel_k1e.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_k1e {

struct Math {
  static constexpr char kName[] = "BesselK1e";
  static float Apply(float x) { return opkit::special::BesselK1e(x); }
  static double Apply(double x) { return opkit::special::BesselK1e(x); }
};

}  // namespace bessel_k1e

TFLMRegistration Register_BESSEL_K1E() {
  return opkit::catalog::UnaryMicro<bessel_k1e::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
