// Ndtri: y = ndtri(x), elementwise, as tf.math.ndtri.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/gamma_error.h"

namespace tflite {
namespace ops {
namespace custom {
namespace ndtri {

struct Math {
  static constexpr char kName[] = "Ndtri";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Ndtri(x); }
  static double Apply(double x) { return opkit::special::Ndtri(x); }
};

}  // namespace ndtri

TfLiteRegistration* Register_NDTRI() {
  return opkit::catalog::Unary<ndtri::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
