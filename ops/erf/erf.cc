// Erf: y = erf(x), elementwise, as tf.math.erf.
//
// Math: the C library's erf, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace erf {

struct Math {
  static constexpr char kName[] = "Erf";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Erf(x); }
  static double Apply(double x) { return opkit::vmath::Erf(x); }
};

}  // namespace erf

TfLiteRegistration* Register_ERF() {
  return opkit::catalog::Unary<erf::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
