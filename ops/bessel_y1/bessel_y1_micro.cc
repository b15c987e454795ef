// BesselY1: y = bessel_y1(x), elementwise, as tf.math.special.bessel_y1.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_jy.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_y1 {

struct Math {
  static constexpr char kName[] = "BesselY1";
  static float Apply(float x) { return opkit::special::BesselY1(x); }
  static double Apply(double x) { return opkit::special::BesselY1(x); }
};

}  // namespace bessel_y1

TFLMRegistration Register_BESSEL_Y1() {
  return opkit::catalog::UnaryMicro<bessel_y1::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
