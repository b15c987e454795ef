// Cosh: y = cosh(x), elementwise, as tf.math.cosh.
//
// Math: the C library's cosh, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace cosh {

struct Math {
  static constexpr char kName[] = "Cosh";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Cosh(x); }
  static double Apply(double x) { return opkit::vmath::Cosh(x); }
};

}  // namespace cosh

TfLiteRegistration* Register_COSH() {
  return opkit::catalog::Unary<cosh::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
