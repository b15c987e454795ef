// Spence: y = spence(x), elementwise, as tf.math.special.spence.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/gamma_error.h"

namespace tflite {
namespace ops {
namespace custom {
namespace spence {

struct Math {
  static constexpr char kName[] = "Spence";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Spence(x); }
  static double Apply(double x) { return opkit::special::Spence(x); }
};

}  // namespace spence

TfLiteRegistration* Register_SPENCE() {
  return opkit::catalog::Unary<spence::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
