// Tan: y = tan(x), elementwise, as tf.math.tan.
//
// Math: the C library's tan, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace tan {

struct Math {
  static constexpr char kName[] = "Tan";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Tan(x); }
  static double Apply(double x) { return opkit::vmath::Tan(x); }
};

}  // namespace tan

TfLiteRegistration* Register_TAN() {
  return opkit::catalog::Unary<tan::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
