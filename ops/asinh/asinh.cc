// Asinh: y = asinh(x), elementwise, as tf.math.asinh.
//
// Math: the C library's asinh, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace asinh {

struct Math {
  static constexpr char kName[] = "Asinh";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Asinh(x); }
  static double Apply(double x) { return opkit::vmath::Asinh(x); }
};

}  // namespace asinh

TfLiteRegistration* Register_ASINH() {
  return opkit::catalog::Unary<asinh::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
