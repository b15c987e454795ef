// Asin: y = asin(x), elementwise, as tf.math.asin.
//
// Math: the C library's asin, vectorised through libmvec where available.
// Loop, dtype dispatch and threads: the catalog's shared elementwise kernel
// (ops/_catalog/elementwise.h).
#include "elementwise.h"
#include "vmath.h"

namespace tflite {
namespace ops {
namespace custom {
namespace asin {

struct Math {
  static constexpr char kName[] = "Asin";
  static constexpr double kNanosPerElement = 0.4;  // measured order of magnitude
  static float Apply(float x) { return opkit::vmath::Asin(x); }
  static double Apply(double x) { return opkit::vmath::Asin(x); }
};

}  // namespace asin

TfLiteRegistration* Register_ASIN() {
  return opkit::catalog::Unary<asin::Math>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
