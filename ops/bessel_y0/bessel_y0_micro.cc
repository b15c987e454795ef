// BesselY0: y = bessel_y0(x), elementwise, as tf.math.special.bessel_y0.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_y0 {

struct Math {
  static constexpr char kName[] = "BesselY0";
  static float Apply(float x) { return opkit::special::BesselY0(x); }
  static double Apply(double x) { return opkit::special::BesselY0(x); }
};

}  // namespace bessel_y0

TFLMRegistration Register_BESSEL_Y0() {
  return opkit::catalog::UnaryMicro<bessel_y0::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
