// BesselK0: y = bessel_k0(x), elementwise, as tf.math.special.bessel_k0.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_k0 {

struct Math {
  static constexpr char kName[] = "BesselK0";
  static float Apply(float x) { return opkit::special::BesselK0(x); }
  static double Apply(double x) { return opkit::special::BesselK0(x); }
};

}  // namespace bessel_k0

TFLMRegistration Register_BESSEL_K0() {
  return opkit::catalog::UnaryMicro<bessel_k0::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
