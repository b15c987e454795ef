// BesselI0: y = bessel_i0(x), elementwise, as tf.math.bessel_i0.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_i0 {

struct Math {
  static constexpr char kName[] = "BesselI0";
  static float Apply(float x) { return opkit::special::BesselI0(x); }
  static double Apply(double x) { return opkit::special::BesselI0(x); }
};

}  // namespace bessel_i0

TFLMRegistration Register_BESSEL_I0() {
  return opkit::catalog::UnaryMicro<bessel_i0::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
