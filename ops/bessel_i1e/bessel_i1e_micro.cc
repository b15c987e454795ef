// BesselI1e: y = bessel_i1e(x), elementwise, as tf.math.bessel_i1e.
//
// TensorFlow Lite Micro flavour. Math: opkit's special function, computed in double.
// Checks and loop: the catalog's shared micro kernel
// (ops/_catalog/elementwise_micro.h).
#include "elementwise_micro.h"

#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace micro {
namespace custom {
namespace bessel_i1e {

struct Math {
  static constexpr char kName[] = "BesselI1e";
  static float Apply(float x) { return opkit::special::BesselI1e(x); }
  static double Apply(double x) { return opkit::special::BesselI1e(x); }
};

}  // namespace bessel_i1e

TFLMRegistration Register_BESSEL_I1E() {
  return opkit::catalog::UnaryMicro<bessel_i1e::Math>::Registration();
}

}  // namespace custom
}  // namespace micro
}  // namespace tflite
