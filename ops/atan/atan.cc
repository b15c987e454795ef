// Atan: y = atan(x), elementwise, as tf.math.atan.
//
// Math: the C library's atan, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace atan {

struct Math {
  static constexpr char kName[] = "Atan";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Atan(x); }
  static double Apply(double x) { return opkit::vmath::Atan(x); }
};

}  // namespace atan

TfLiteRegistration* Register_ATAN() {
  return opkit::catalog::Unary<atan::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
