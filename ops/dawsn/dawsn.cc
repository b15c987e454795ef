// Dawsn: y = dawsn(x), elementwise, as tf.math.special.dawsn.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/integrals.h"

namespace tflite {
namespace ops {
namespace custom {
namespace dawsn {

struct Math {
  static constexpr char kName[] = "Dawsn";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Dawsn(x); }
  static double Apply(double x) { return opkit::special::Dawsn(x); }
};

}  // namespace dawsn

TfLiteRegistration* Register_DAWSN() {
  return opkit::catalog::Unary<dawsn::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
