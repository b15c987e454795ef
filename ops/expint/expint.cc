// Expint: y = expint(x), elementwise, as tf.math.special.expint.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/integrals.h"

namespace tflite {
namespace ops {
namespace custom {
namespace expint {

struct Math {
  static constexpr char kName[] = "Expint";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Expint(x); }
  static double Apply(double x) { return opkit::special::Expint(x); }
};

}  // namespace expint

TfLiteRegistration* Register_EXPINT() {
  return opkit::catalog::Unary<expint::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
