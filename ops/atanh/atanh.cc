// Atanh: y = atanh(x), elementwise, as tf.math.atanh.
//
// Math: the C library's atanh, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace atanh {

struct Math {
  static constexpr char kName[] = "Atanh";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Atanh(x); }
  static double Apply(double x) { return opkit::vmath::Atanh(x); }
};

}  // namespace atanh

TfLiteRegistration* Register_ATANH() {
  return opkit::catalog::Unary<atanh::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
