// Erfc: y = erfc(x), elementwise, as tf.math.erfc.
//
// Math: the C library's erfc, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace erfc {

struct Math {
  static constexpr char kName[] = "Erfc";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Erfc(x); }
  static double Apply(double x) { return opkit::vmath::Erfc(x); }
};

}  // namespace erfc

TfLiteRegistration* Register_ERFC() {
  return opkit::catalog::Unary<erfc::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
