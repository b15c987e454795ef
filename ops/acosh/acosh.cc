// Acosh: y = acosh(x), elementwise, as tf.math.acosh.
//
// Math: the C library's acosh, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace acosh {

struct Math {
  static constexpr char kName[] = "Acosh";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Acosh(x); }
  static double Apply(double x) { return opkit::vmath::Acosh(x); }
};

}  // namespace acosh

TfLiteRegistration* Register_ACOSH() {
  return opkit::catalog::Unary<acosh::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
