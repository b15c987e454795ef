// BesselK1e: y = bessel_k1e(x), elementwise, as tf.math.special.bessel_k1e.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_k1e {

struct Math {
  static constexpr char kName[] = "BesselK1e";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselK1e(x); }
  static double Apply(double x) { return opkit::special::BesselK1e(x); }
};

}  // namespace bessel_k1e

TfLiteRegistration* Register_BESSEL_K1E() {
  return opkit::catalog::Unary<bessel_k1e::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
