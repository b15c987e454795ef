// CumulativeLogsumexp: log(cumsum(exp(x))) along an axis, as
// tf.math.cumulative_logsumexp.
//
// Inputs x and axis (an int32/int64 scalar, negative counting from the end);
// attributes exclusive and reverse. The running value is combined with each
// element the way TensorFlow does it, which never exponentiates anything
// above the running maximum (so it cannot overflow):
//   lse(acc, x) = max + log1p(exp(min - max)),  or max when max is -inf,
// with min/max of (acc, x) as std::min/std::max pick them. That choice fixes
// the special values, and they match TensorFlow's:
//   - the start value (and the first output of an exclusive scan) is -inf;
//   - -inf inputs leave the running value unchanged; all -inf gives -inf;
//   - +inf makes it +inf, and a second +inf gives NaN (inf - inf);
//   - a NaN input compares false both ways, so it counts as a copy of the
//     running value: at the start of a scan it gives -inf, later
//     running value + log(2), and a NaN running value stays NaN.
// The running value is held in double for every dtype (float32, float64,
// float16, bfloat16) and rounded once per output, so float32 and the 16-bit
// floats are within an ulp of the exact running log-sum-exp; TensorFlow's
// results in those types drift from it by their own per-step roundings.
// Axis handling, loops and threads: the catalog's scan kernel
// (ops/_catalog/structured.h).
#include <cmath>
#include <limits>

#include "structured.h"

namespace tflite {
namespace ops {
namespace custom {
namespace cumulative_logsumexp {

struct Op {
  static constexpr char kName[] = "CumulativeLogsumexp";

  template <typename Fn>
  static TfLiteStatus ForType(TfLiteContext* context, TfLiteType type, Fn fn) {
    using opkit::catalog::BFloat16;
    using opkit::catalog::Float16;
    return opkit::Dispatch<float, double, Float16, BFloat16>(
        context, kName, "input x", type, fn);
  }

  template <typename T>
  struct Math {
    using Acc = double;
    static Acc Identity() { return -std::numeric_limits<Acc>::infinity(); }
    static Acc Combine(Acc acc, T x) {
      const Acc value = opkit::catalog::Widen(x);
      const Acc low = value < acc ? value : acc;   // std::min(acc, value)
      const Acc high = acc < value ? value : acc;  // std::max(acc, value)
      if (high < std::numeric_limits<Acc>::lowest()) return high;  // -inf
      return std::log1p(std::exp(low - high)) + high;
    }
    static T Finish(Acc acc) { return opkit::catalog::Narrow<T>(acc); }
  };
};

}  // namespace cumulative_logsumexp

TfLiteRegistration* Register_CUMULATIVE_LOGSUMEXP() {
  return opkit::catalog::Scan<cumulative_logsumexp::Op>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
