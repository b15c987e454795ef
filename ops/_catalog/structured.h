// Shared code of the catalog's structured ops - the ones that work along axes
// (Cumprod, CumulativeLogsumexp, EuclideanNorm):
//
//  - Axis tensors (int32 or int64) are read in Prepare when they are constant
//    (kTfLiteMmapRo / kTfLitePersistentRo) and in Eval otherwise; a bad value
//    is a one-line error naming the op, never a crash.
//  - ReductionAxes / ReducedDims turn a reduction's axes tensor into a bitmap
//    of reduced dimensions and the output shape (keep_dims or not).
//  - Scan<Op> is the whole kernel of a cumulative op: inputs x and a scalar
//    axis, attributes `exclusive` and `reverse`, output shaped like x. An op
//    supplies only its name, its dtypes and its math (see Scan below).
//  - Float16 and BFloat16 hold the elements of float16 and bfloat16 tensors;
//    kernels compute on them in float or double (Widen / Narrow).
#ifndef OPKIT_CATALOG_STRUCTURED_H_
#define OPKIT_CATALOG_STRUCTURED_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <new>
#include <type_traits>

#include "elementwise.h"  // ParallelFor
#include "opkit/attributes.h"
#include "opkit/kernel_util.h"

namespace opkit {
namespace catalog {

// ---- 16-bit floats ----------------------------------------------------------

// The elements of float16 (IEEE binary16) and bfloat16 tensors. TensorFlow
// computes on them in float and rounds every result back to 16 bits, to
// nearest, ties to even; so do these conversions (NaN stays NaN, too large
// values become infinities, small ones float16 subnormals).
struct Float16 {
  uint16_t bits = 0;
};
struct BFloat16 {
  uint16_t bits = 0;
};

template <typename T>
constexpr bool kIsFloat16 =
    std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

inline uint32_t FloatBits(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return bits;
}

inline float FloatFromBits(uint32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

inline float ToFloat(Float16 value) {
  const uint32_t sign = static_cast<uint32_t>(value.bits & 0x8000u) << 16;
  const uint32_t exponent = (value.bits >> 10) & 0x1fu;
  const uint32_t mantissa = value.bits & 0x3ffu;
  if (exponent == 0x1f) {  // infinity or NaN
    return FloatFromBits(sign | 0x7f800000u | (mantissa << 13));
  }
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign != 0 ? -magnitude : magnitude;
  }
  return FloatFromBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

inline float ToFloat(BFloat16 value) {
  return FloatFromBits(static_cast<uint32_t>(value.bits) << 16);
}

template <typename T>
T FromFloat(float value);

template <>
inline Float16 FromFloat<Float16>(float value) {
  const uint32_t bits = FloatBits(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7fffffffu;
  Float16 result;
  if (magnitude > 0x7f800000u) {  // NaN: keep it quiet and its top payload
    result.bits = static_cast<uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
  } else if (magnitude >= 0x477ff000u) {  // >= 65520 (or inf): rounds to inf
    result.bits = static_cast<uint16_t>(sign | 0x7c00u);
  } else if (magnitude >= 0x38800000u) {  // >= 2^-14: a normal float16
    // Rebias the exponent (127 -> 15) and round the 13 dropped bits to
    // nearest even; a carry out of the mantissa correctly bumps the exponent.
    const uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
    result.bits = static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
  } else {  // a subnormal float16 or zero: a multiple of 2^-24
    const float units = FloatFromBits(magnitude) * 0x1p24f;  // exact
    result.bits = static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(units)));
  }
  return result;
}

template <>
inline BFloat16 FromFloat<BFloat16>(float value) {
  const uint32_t bits = FloatBits(value);
  BFloat16 result;
  if ((bits & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep it quiet
    result.bits = static_cast<uint16_t>((bits >> 16) | 0x0040u);
  } else {
    result.bits = static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
  }
  return result;
}

// Float arithmetic on any float type: float and double as they are, 16-bit
// floats widened exactly.
template <typename T>
inline double Widen(T value) {
  if constexpr (kIsFloat16<T>) {
    return static_cast<double>(ToFloat(value));
  } else {
    return static_cast<double>(value);
  }
}

// A double rounded once to float type T. For 16-bit floats the double is
// first rounded to float "to odd" (the inexact case keeps an odd last bit),
// which makes the second rounding exact: no double-rounding error.
template <typename T>
inline T Narrow(double value) {
  if constexpr (kIsFloat16<T>) {
    float narrow = static_cast<float>(value);
    const double back = static_cast<double>(narrow);
    if (back != value && std::isfinite(narrow)) {
      uint32_t bits = FloatBits(narrow);
      if ((bits & 1u) == 0) {
        // The other float bracketing `value` (one step toward it) is odd.
        bits = std::fabs(back) > std::fabs(value) ? bits - 1 : bits + 1;
        narrow = FloatFromBits(bits);
      }
    }
    return FromFloat<T>(narrow);
  } else {
    return static_cast<T>(value);
  }
}

}  // namespace catalog

template <>
struct TypeOf<catalog::Float16> {
  static constexpr TfLiteType value = kTfLiteFloat16;
};
template <>
struct TypeOf<catalog::BFloat16> {
  static constexpr TfLiteType value = kTfLiteBFloat16;
};

namespace catalog {

// ---- Axes -----------------------------------------------------------------

// Highest input rank the axis ops take (their bitmaps are fixed arrays).
constexpr int kMaxRank = 64;

// Constant tensors hold their data from Prepare on; any other tensor's data
// is only valid in Eval.
inline bool IsConstantTensor(const TfLiteTensor* tensor) {
  return tensor->allocation_type == kTfLiteMmapRo ||
         tensor->allocation_type == kTfLitePersistentRo;
}

inline TfLiteStatus CheckAxisType(TfLiteContext* context, const char* op,
                                  const char* what,
                                  const TfLiteTensor* tensor) {
  return CheckType(context, op, what, tensor->type,
                   {kTfLiteInt32, kTfLiteInt64}, "int32, int64");
}

// Element i of an int32 or int64 tensor (the type is checked in Prepare).
inline int64_t IndexValue(const TfLiteTensor* tensor, int64_t i) {
  return tensor->type == kTfLiteInt64 ? Data<int64_t>(tensor)[i]
                                      : Data<int32_t>(tensor)[i];
}

inline TfLiteStatus CheckHasData(TfLiteContext* context, const char* op,
                                 const char* what,
                                 const TfLiteTensor* tensor) {
  OPKIT_ENSURE(context, tensor->data.raw_const != nullptr || NumElements(tensor) == 0,
               "%s: %s has no data", op, what);
  return kTfLiteOk;
}

// The scan axis of a cumulative op: a scalar in [-rank, rank), returned in
// [0, rank). TensorFlow rejects any other axis tensor, and so does this.
inline TfLiteStatus ResolveScanAxis(TfLiteContext* context, const char* op,
                                    const TfLiteTensor* axis, int rank,
                                    int* result) {
  OPKIT_ENSURE(context, NumDims(axis) == 0,
               "%s: axis must be a scalar, but it has rank %d", op,
               NumDims(axis));
  OPKIT_ENSURE(context, rank > 0,
               "%s: input x is a scalar; it needs at least one dimension to "
               "scan along",
               op);
  OPKIT_ENSURE_OK(CheckHasData(context, op, "axis", axis));
  const int64_t value = IndexValue(axis, 0);
  OPKIT_ENSURE(context, value >= -rank && value < rank,
               "%s: axis %lld is out of range for input x of rank %d (expected "
               "%d <= axis < %d)",
               op, static_cast<long long>(value), rank, -rank, rank);
  *result = static_cast<int>(value < 0 ? value + rank : value);
  return kTfLiteOk;
}

// Marks reduce[d] for every dimension d named in `axes` (any shape, read flat,
// as TensorFlow does), each in [-rank, rank). An empty list reduces nothing.
// Naming a dimension twice (e.g. 1 and -1 for rank 2) is an error, as in
// TensorFlow.
inline TfLiteStatus ReductionAxes(TfLiteContext* context, const char* op,
                                  const TfLiteTensor* axes, int rank,
                                  bool reduce[kMaxRank]) {
  OPKIT_ENSURE(context, rank <= kMaxRank,
               "%s: input rank %d is above the supported maximum of %d", op,
               rank, kMaxRank);
  OPKIT_ENSURE_OK(CheckHasData(context, op, "reduction_indices", axes));
  for (int d = 0; d < rank; ++d) reduce[d] = false;
  const int64_t count = NumElements(axes);
  for (int64_t i = 0; i < count; ++i) {
    const int64_t value = IndexValue(axes, i);
    OPKIT_ENSURE(context, value >= -rank && value < rank,
                 "%s: reduction axis %lld is out of range for input of rank %d "
                 "(expected %d <= axis < %d)",
                 op, static_cast<long long>(value), rank, -rank, rank);
    const int64_t d = value < 0 ? value + rank : value;
    OPKIT_ENSURE(context, !reduce[d],
                 "%s: reduction axes name dimension %lld more than once "
                 "(axis %lld)",
                 op, static_cast<long long>(d), static_cast<long long>(value));
    reduce[d] = true;
  }
  return kTfLiteOk;
}

// The shape of a reduction's output: the kept dimensions, and the reduced
// ones as 1 with keep_dims. A malloc'd array (null when out of memory).
inline TfLiteIntArray* ReducedDims(const TfLiteIntArray* dims,
                                   const bool reduce[kMaxRank],
                                   bool keep_dims) {
  const int rank = dims == nullptr ? 0 : dims->size;
  int size = 0;
  for (int d = 0; d < rank; ++d) size += (keep_dims || !reduce[d]) ? 1 : 0;
  TfLiteIntArray* result = NewIntArray(size);
  if (result == nullptr) return nullptr;
  int next = 0;
  for (int d = 0; d < rank; ++d) {
    if (!reduce[d]) {
      result->data[next++] = dims->data[d];
    } else if (keep_dims) {
      result->data[next++] = 1;
    }
  }
  return result;
}

// Resizes `output` to `dims` (taking ownership) unless it already has them.
inline TfLiteStatus ResizeOutputTo(TfLiteContext* context, const char* op,
                                   TfLiteTensor* output,
                                   TfLiteIntArray* dims) {
  OPKIT_ENSURE(context, dims != nullptr, "%s: out of memory", op);
  if (SameDims(output->dims, dims) &&
      (output->data.raw != nullptr || NumElements(dims) == 0)) {
    free(dims);
    return kTfLiteOk;
  }
  return context->ResizeTensor(context, output, dims);
}

// In Eval: makes sure `output` has the shape `dims` (owned) before it is
// written. A dynamic output is resized; an arena output must already match,
// which it does unless an input changed shape after Prepare.
inline TfLiteStatus EnsureOutputDims(TfLiteContext* context, const char* op,
                                     TfLiteTensor* output,
                                     TfLiteIntArray* dims) {
  OPKIT_ENSURE(context, dims != nullptr, "%s: out of memory", op);
  if (output->allocation_type == kTfLiteDynamic) {
    return ResizeOutputTo(context, op, output, dims);
  }
  const bool same = SameDims(output->dims, dims);
  free(dims);
  OPKIT_ENSURE(context, same,
               "%s: the output's shape no longer matches the input's (an "
               "input was resized after Prepare)",
               op);
  return kTfLiteOk;
}

// Runs fn(first, last) over items [0, items) on up to `threads` threads, each
// item costing about `elements_per_item` elements' work (threads start only
// for enough elements; see ParallelFor).
template <typename Fn>
void ParallelForItems(int threads, int64_t items, int64_t elements_per_item,
                      Fn fn) {
  if (items <= 0) return;
  const int64_t per_item = elements_per_item > 0 ? elements_per_item : 1;
  ParallelFor(threads, items * per_item, [per_item, fn](int64_t begin, int64_t end) {
    const int64_t first = (begin + per_item - 1) / per_item;
    const int64_t last = (end + per_item - 1) / per_item;
    if (first < last) fn(first, last);
  });
}

// x viewed as [outer, length, inner] around the axis.
struct AxisView {
  int64_t outer = 1;
  int64_t length = 1;
  int64_t inner = 1;
};

inline AxisView ViewAround(const TfLiteIntArray* dims, int axis) {
  AxisView view;
  for (int d = 0; d < dims->size; ++d) {
    if (d < axis) view.outer *= dims->data[d];
    if (d > axis) view.inner *= dims->data[d];
  }
  view.length = dims->data[axis];
  return view;
}

// ---- The scan kernel ---------------------------------------------------------

// Scan<Op>: y = the running Op along `axis` of x, as tf.math.cumsum & co.:
//   inclusive: y[i] = x[0] (+) ... (+) x[i]
//   exclusive: y[i] = identity (+) x[0] (+) ... (+) x[i-1]
//   reverse:   the same from the other end.
// Op provides:
//   static constexpr char kName[];
//   template <typename Fn> static TfLiteStatus ForType(
//       TfLiteContext*, TfLiteType, Fn fn)   // fn(T()) for the input's type
//   template <typename T> struct Math {
//     using Acc = ...;                       // running value
//     static Acc Identity();
//     static Acc Combine(Acc acc, T x);      // acc (+) x, in this order
//     static T Finish(Acc acc);              // the output element
//   };
template <typename Op>
struct Scan {
  static constexpr int kX = 0;
  static constexpr int kAxis = 1;
  static constexpr int kOut = 0;
  // Lines scanned together: adjacent columns when the axis is not the
  // innermost dimension, rows when it is.
  static constexpr int64_t kBlock = 256;
  static constexpr int64_t kRowGroup = 8;

  struct OpData {
    bool exclusive = false;
    bool reverse = false;
    char error[192] = "";
  };

  static void* Init(TfLiteContext*, const char* buffer, size_t length) {
    auto* data = new (std::nothrow) OpData;
    if (data == nullptr) return nullptr;
    Attributes attributes(buffer, length);
    attributes.GetBool("exclusive", &data->exclusive);
    attributes.GetBool("reverse", &data->reverse);
    snprintf(data->error, sizeof(data->error), "%s", attributes.error());
    return data;
  }

  static void Free(TfLiteContext*, void* buffer) {
    delete static_cast<OpData*>(buffer);
  }

  static TfLiteStatus GetTensors(TfLiteContext* context, TfLiteNode* node,
                                 const TfLiteTensor** x,
                                 const TfLiteTensor** axis,
                                 TfLiteTensor** out) {
    OPKIT_ENSURE_OK(CheckArity(context, node, Op::kName, 2, 1));
    OPKIT_ENSURE_OK(GetInput(context, node, kX, x));
    OPKIT_ENSURE_OK(GetInput(context, node, kAxis, axis));
    return GetOutput(context, node, kOut, out);
  }

  static TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
    const auto* data = static_cast<const OpData*>(node->user_data);
    OPKIT_ENSURE(context, data != nullptr, "%s: out of memory", Op::kName);
    OPKIT_ENSURE(context, data->error[0] == '\0', "%s: %s", Op::kName,
                 data->error);
    const TfLiteTensor* x;
    const TfLiteTensor* axis;
    TfLiteTensor* out;
    OPKIT_ENSURE_OK(GetTensors(context, node, &x, &axis, &out));
    OPKIT_ENSURE_OK(Op::ForType(context, x->type,
                                [](auto) { return kTfLiteOk; }));
    OPKIT_ENSURE_OK(CheckSameType(context, Op::kName, "output", out->type,
                                  "input x", x->type));
    OPKIT_ENSURE_OK(CheckAxisType(context, Op::kName, "axis", axis));
    if (x->allocation_type == kTfLiteDynamic) {
      // x is sized only when its producer runs: so is the output.
      SetTensorToDynamic(out);
      return kTfLiteOk;
    }
    if (IsConstantTensor(axis)) {
      int resolved;
      OPKIT_ENSURE_OK(
          ResolveScanAxis(context, Op::kName, axis, NumDims(x), &resolved));
    } else {
      // Checked in Eval, but the rank-0 and shape errors need no data.
      OPKIT_ENSURE(context, NumDims(axis) == 0,
                   "%s: axis must be a scalar, but it has rank %d", Op::kName,
                   NumDims(axis));
      OPKIT_ENSURE(context, NumDims(x) > 0,
                   "%s: input x is a scalar; it needs at least one dimension "
                   "to scan along",
                   Op::kName);
    }
    return ResizeOutput(context, out, x->dims);
  }

  static TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
    const auto* data = static_cast<const OpData*>(node->user_data);
    OPKIT_ENSURE(context, data != nullptr, "%s: out of memory", Op::kName);
    const TfLiteTensor* x;
    const TfLiteTensor* axis;
    TfLiteTensor* out;
    OPKIT_ENSURE_OK(GetTensors(context, node, &x, &axis, &out));
    int resolved;
    OPKIT_ENSURE_OK(
        ResolveScanAxis(context, Op::kName, axis, NumDims(x), &resolved));
    OPKIT_ENSURE_OK(
        EnsureOutputDims(context, Op::kName, out, CopyIntArray(x->dims)));
    const AxisView view = ViewAround(x->dims, resolved);
    if (view.outer * view.length * view.inner == 0) return kTfLiteOk;
    OPKIT_ENSURE_OK(CheckHasData(context, Op::kName, "input x", x));
    OPKIT_ENSURE(context, out->data.raw != nullptr, "%s: output has no data",
                 Op::kName);
    return Op::ForType(context, x->type, [&](auto zero) {
      using T = decltype(zero);
      Run<T>(context->recommended_num_threads, Data<T>(x), Data<T>(out), view,
             data->exclusive, data->reverse);
      return kTfLiteOk;
    });
  }

  template <typename T>
  static void Run(int threads, const T* x, T* y, const AxisView& view,
                  bool exclusive, bool reverse) {
    if (view.inner == 1) {
      // Rows (the axis is the innermost dimension), kRowGroup at a time.
      const int64_t groups = (view.outer + kRowGroup - 1) / kRowGroup;
      ParallelForItems(
          threads, groups, view.length * std::min(view.outer, kRowGroup),
          [=](int64_t first, int64_t last) {
            for (int64_t group = first; group < last; ++group) {
              const int64_t row = group * kRowGroup;
              const int64_t rows = std::min(kRowGroup, view.outer - row);
              const int64_t base = row * view.length;
              ScanLines<T, false>(x + base, y + base, view.length, /*along=*/1,
                                  /*across=*/view.length, rows, exclusive,
                                  reverse);
            }
          });
      return;
    }
    // Columns (the axis has dimensions inside it), kBlock adjacent ones at a
    // time.
    const int64_t blocks = (view.inner + kBlock - 1) / kBlock;
    ParallelForItems(
        threads, view.outer * blocks, view.length * std::min(view.inner, kBlock),
        [=](int64_t first, int64_t last) {
          // One division per work range, none per element.
          int64_t o = first / blocks;
          int64_t b = first - o * blocks;
          for (int64_t item = first; item < last; ++item) {
            const int64_t column = b * kBlock;
            const int64_t width = std::min(kBlock, view.inner - column);
            const int64_t base = o * view.length * view.inner + column;
            ScanLines<T, true>(x + base, y + base, view.length,
                               /*along=*/view.inner, /*across=*/1, width,
                               exclusive, reverse);
            if (++b == blocks) {
              b = 0;
              ++o;
            }
          }
        });
  }

  // Scans `width` (<= kBlock) lines together: element k of line j is at
  // [k * along + j * across]. Their running values advance in lockstep, so
  // the lines' dependency chains (one Combine after the other) overlap; with
  // kAdjacent (across == 1) the inner loops also run over contiguous memory.
  template <typename T, bool kAdjacent>
  static void ScanLines(const T* x, T* y, int64_t length, int64_t along,
                        int64_t across, int64_t width, bool exclusive,
                        bool reverse) {
    using Math = typename Op::template Math<T>;
    typename Math::Acc acc[kBlock];
    for (int64_t j = 0; j < width; ++j) acc[j] = Math::Identity();
    const int64_t step = reverse ? -along : along;
    int64_t offset = reverse ? (length - 1) * along : 0;
    for (int64_t k = 0; k < length; ++k, offset += step) {
      const T* x_at = x + offset;
      T* y_at = y + offset;
      if (exclusive) {
        for (int64_t j = 0; j < width; ++j) {
          const int64_t at = kAdjacent ? j : j * across;
          y_at[at] = Math::Finish(acc[j]);
          acc[j] = Math::Combine(acc[j], x_at[at]);
        }
      } else {
        for (int64_t j = 0; j < width; ++j) {
          const int64_t at = kAdjacent ? j : j * across;
          acc[j] = Math::Combine(acc[j], x_at[at]);
          y_at[at] = Math::Finish(acc[j]);
        }
      }
    }
  }

  static TfLiteRegistration* Registration() {
    static TfLiteRegistration registration =
        MakeRegistration(Init, Free, Prepare, Eval);
    return &registration;
  }
};

}  // namespace catalog
}  // namespace opkit

#endif  // OPKIT_CATALOG_STRUCTURED_H_
