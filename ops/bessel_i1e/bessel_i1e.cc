// BesselI1e: y = bessel_i1e(x), elementwise, as tf.math.bessel_i1e.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_i1e {

struct Math {
  static constexpr char kName[] = "BesselI1e";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselI1e(x); }
  static double Apply(double x) { return opkit::special::BesselI1e(x); }
};

}  // namespace bessel_i1e

TfLiteRegistration* Register_BESSEL_I1E() {
  return opkit::catalog::Unary<bessel_i1e::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
