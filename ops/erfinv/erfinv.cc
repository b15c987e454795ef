// Erfinv: y = erfinv(x), elementwise, as tf.math.erfinv.
//
// Math: opkit's special functions, computed in double and rounded once.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "opkit/special/gamma_error.h"

namespace tflite {
namespace ops {
namespace custom {
namespace erfinv {

struct Math {
  static constexpr char kName[] = "Erfinv";
  static constexpr double kNanosPerElement = 20;  // measured order of magnitude
  static float Apply(float x) { return opkit::special::Erfinv(x); }
  static double Apply(double x) { return opkit::special::Erfinv(x); }
};

}  // namespace erfinv

TfLiteRegistration* Register_ERFINV() {
  return opkit::catalog::Unary<erfinv::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
