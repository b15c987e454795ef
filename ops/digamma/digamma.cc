// Digamma: y = digamma(x), elementwise, as tf.math.digamma.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/gamma_error.h"

namespace tflite {
namespace ops {
namespace custom {
namespace digamma {

struct Math {
  static constexpr char kName[] = "Digamma";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Digamma(x); }
  static double Apply(double x) { return opkit::special::Digamma(x); }
};

}  // namespace digamma

TfLiteRegistration* Register_DIGAMMA() {
  return opkit::catalog::Unary<digamma::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
