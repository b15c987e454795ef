// BesselK1: y = bessel_k1(x), elementwise, as tf.math.special.bessel_k1.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_k1 {

struct Math {
  static constexpr char kName[] = "BesselK1";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselK1(x); }
  static double Apply(double x) { return opkit::special::BesselK1(x); }
};

}  // namespace bessel_k1

TfLiteRegistration* Register_BESSEL_K1() {
  return opkit::catalog::Unary<bessel_k1::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
