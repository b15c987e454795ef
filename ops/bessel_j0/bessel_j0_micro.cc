// BesselJ0: y = bessel_j0(x), elementwise, as tf.math.special.bessel_j0.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_j0 {

struct Math {
  static constexpr char kName[] = "BesselJ0";
  static float Apply(float x) { return opkit::special::BesselJ0(x); }
  static double Apply(double x) { return opkit::special::BesselJ0(x); }
};

}  // namespace bessel_j0

TFLMRegistration Register_BESSEL_J0() {
  return opkit::catalog::UnaryMicro<bessel_j0::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
