// Cumprod: the cumulative product along an axis, as tf.math.cumprod.
//
// Inputs x and axis (an int32/int64 scalar, negative counting from the end);
// attributes exclusive and reverse. The products are taken in x's own type,
// one element after the other in scan order, exactly as TensorFlow does, so
// float results are identical to TensorFlow's (same roundings, same overflow
// to inf, same NaN for 0 * inf) and integers wrap around modulo 2^bits.
// float16 and bfloat16 multiply in float, where the product of two 16-bit
// floats is exact, and round each running product back to 16 bits: again
// TensorFlow's arithmetic, bit for bit.
// Axis handling, loops and threads: the catalog's scan kernel
// (ops/_catalog/structured.h).
#include <stdint.h>

#include <type_traits>

#include "structured.h"

namespace tflite {
namespace ops {
namespace custom {
namespace cumprod {

// a * b modulo 2^bits for integers (computed unsigned: no signed overflow,
// and no promotion of 16-bit operands to int); the plain product for floats.
template <typename T>
inline T Multiply(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using Unsigned = std::make_unsigned_t<T>;
    using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned,
                                    Unsigned>;
    const Wide product = static_cast<Wide>(static_cast<Unsigned>(a)) *
                         static_cast<Wide>(static_cast<Unsigned>(b));
    return static_cast<T>(static_cast<Unsigned>(product));
  } else {
    return a * b;
  }
}

struct Op {
  static constexpr char kName[] = "Cumprod";

  template <typename Fn>
  static TfLiteStatus ForType(TfLiteContext* context, TfLiteType type, Fn fn) {
    using opkit::catalog::BFloat16;
    using opkit::catalog::Float16;
    return opkit::Dispatch<float, double, int8_t, uint8_t, int16_t, uint16_t,
                           int32_t, uint32_t, int64_t, uint64_t, Float16,
                           BFloat16>(context, kName, "input x", type, fn);
  }

  template <typename T>
  struct Math {
    static constexpr bool kSmall = opkit::catalog::kIsFloat16<T>;
    // A 16-bit float's running product is held in float (exactly).
    using Acc = std::conditional_t<kSmall, float, T>;
    static Acc Identity() { return Acc(1); }
    static Acc Combine(Acc acc, T x) {
      if constexpr (kSmall) {
        using opkit::catalog::ToFloat;
        return ToFloat(opkit::catalog::FromFloat<T>(acc * ToFloat(x)));
      } else {
        return Multiply(acc, x);
      }
    }
    static T Finish(Acc acc) {
      if constexpr (kSmall) {
        return opkit::catalog::FromFloat<T>(acc);
      } else {
        return acc;
      }
    }
  };
};

}  // namespace cumprod

TfLiteRegistration* Register_CUMPROD() {
  return opkit::catalog::Scan<cumprod::Op>::Registration();
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
