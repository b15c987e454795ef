// BesselJ1: y = bessel_j1(x), elementwise, as tf.math.special.bessel_j1.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_j1 {

struct Math {
  static constexpr char kName[] = "BesselJ1";
  static float Apply(float x) { return opkit::special::BesselJ1(x); }
  static double Apply(double x) { return opkit::special::BesselJ1(x); }
};

}  // namespace bessel_j1

TFLMRegistration Register_BESSEL_J1() {
  return opkit::catalog::UnaryMicro<bessel_j1::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
