// Sinh: y = sinh(x), elementwise, as tf.math.sinh.
//
// Math: the C library's sinh, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace sinh {

struct Math {
  static constexpr char kName[] = "Sinh";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Sinh(x); }
  static double Apply(double x) { return opkit::vmath::Sinh(x); }
};

}  // namespace sinh

TfLiteRegistration* Register_SINH() {
  return opkit::catalog::Unary<sinh::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
