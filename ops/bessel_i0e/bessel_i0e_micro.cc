// BesselI0e: y = bessel_i0e(x), elementwise, as tf.math.bessel_i0e.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_i0e {

struct Math {
  static constexpr char kName[] = "BesselI0e";
  static float Apply(float x) { return opkit::special::BesselI0e(x); }
  static double Apply(double x) { return opkit::special::BesselI0e(x); }
};

}  // namespace bessel_i0e

TFLMRegistration Register_BESSEL_I0E() {
  return opkit::catalog::UnaryMicro<bessel_i0e::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
