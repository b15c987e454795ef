// Acos: y = acos(x), elementwise, as tf.math.acos.
//
// Math: the C library's acos, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace acos {

struct Math {
  static constexpr char kName[] = "Acos";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Acos(x); }
  static double Apply(double x) { return opkit::vmath::Acos(x); }
};

}  // namespace acos

TfLiteRegistration* Register_ACOS() {
  return opkit::catalog::Unary<acos::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
