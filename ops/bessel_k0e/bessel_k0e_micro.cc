// BesselK0e: y = bessel_k0e(x), elementwise, as tf.math.special.bessel_k0e.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_k0e {

struct Math {
  static constexpr char kName[] = "BesselK0e";
  static float Apply(float x) { return opkit::special::BesselK0e(x); }
  static double Apply(double x) { return opkit::special::BesselK0e(x); }
};

}  // namespace bessel_k0e

TFLMRegistration Register_BESSEL_K0E() {
  return opkit::catalog::UnaryMicro<bessel_k0e::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
