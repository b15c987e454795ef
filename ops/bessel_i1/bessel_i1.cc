// BesselI1: y = bessel_i1(x), elementwise, as tf.math.bessel_i1.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/bessel_ik.h"

namespace tflite {
namespace ops {
namespace custom {
namespace bessel_i1 {

struct Math {
  static constexpr char kName[] = "BesselI1";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::BesselI1(x); }
  static double Apply(double x) { return opkit::special::BesselI1(x); }
};

}  // namespace bessel_i1

TfLiteRegistration* Register_BESSEL_I1() {
  return opkit::catalog::Unary<bessel_i1::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
