// EuclideanNorm: sqrt(sum(x * x)) over the given axes, as
// tf.math.reduce_euclidean_norm.
//
// Inputs `input` and `reduction_indices` (int32/int64: a scalar or a list of
// axes, negative counting from the end; an empty list reduces nothing, a
// dimension named twice is an error, as in TensorFlow); attribute keep_dims.
// With constant axes the output shape is set in Prepare; with axes known only
// at run time the output is dynamic and sized in Eval.
//
// Arithmetic, per dtype:
//  - float32, float16 and bfloat16 square and sum in double and round the
//    square root once, so the result is correctly rounded for any realistic
//    size, also where squares in the input's type would overflow or
//    underflow (TensorFlow squares and sums in the input's type: its float32
//    norm of [1e20, 1e20] is inf, this one 1.4142135e20; its float16 norm
//    of [300, 1] is inf, this one 300);
//  - float64 squares and sums in double, like TensorFlow (order differs);
//  - integers follow TensorFlow exactly: squares and sum wrap around modulo
//    2^bits, then the root of the sum is taken in double and truncated. A sum
//    that wrapped to a negative value has no root; TensorFlow then returns
//    what x86 makes of the NaN, which is reproduced here: the type's minimum
//    for int32 and int64, 0 for int8 and int16.
#include <stdint.h>
#include <stdlib.h>

#include <cmath>
#include <limits>
#include <new>
#include <type_traits>

#include "structured.h"

namespace tflite {
namespace ops {
namespace custom {
namespace euclidean_norm {

constexpr char kOpName[] = "EuclideanNorm";
constexpr int kInputTensor = 0;
constexpr int kAxesTensor = 1;
constexpr int kOutputTensor = 0;

using opkit::catalog::kMaxRank;

struct OpData {
  bool keep_dims = false;
  char error[192] = "";
};

void* Init(TfLiteContext*, const char* buffer, size_t length) {
  auto* data = new (std::nothrow) OpData;
  if (data == nullptr) return nullptr;
  opkit::Attributes attributes(buffer, length);
  attributes.GetBool("keep_dims", &data->keep_dims);
  snprintf(data->error, sizeof(data->error), "%s", attributes.error());
  return data;
}

void Free(TfLiteContext*, void* buffer) { delete static_cast<OpData*>(buffer); }

template <typename Fn>
TfLiteStatus ForType(TfLiteContext* context, TfLiteType type, Fn fn) {
  using opkit::catalog::BFloat16;
  using opkit::catalog::Float16;
  return opkit::Dispatch<float, double, int8_t, uint8_t, int16_t, uint16_t,
                         int32_t, uint32_t, int64_t, uint64_t, Float16,
                         BFloat16>(context, kOpName, "input", type, fn);
}

// Squares, their sum and the root, per element type (see the top comment).
template <typename T, typename = void>
struct Norm {  // integers
  using Acc = std::make_unsigned_t<T>;  // wraps like TensorFlow's T
  static Acc Square(T x) {
    using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, Acc>;
    const Wide value = static_cast<Wide>(static_cast<Acc>(x));
    return static_cast<Acc>(value * value);
  }
  static T Finish(Acc sum) {
    const T value = static_cast<T>(sum);
    if constexpr (std::is_signed_v<T>) {
      if (value < 0) {
        return sizeof(T) < sizeof(int32_t) ? T(0) : std::numeric_limits<T>::min();
      }
    }
    return static_cast<T>(std::sqrt(static_cast<double>(value)));
  }
};

template <typename T>
struct Norm<T, std::enable_if_t<std::is_floating_point_v<T> ||
                                opkit::catalog::kIsFloat16<T>>> {
  using Acc = double;
  static Acc Square(T x) {
    const double value = opkit::catalog::Widen(x);
    return value * value;
  }
  static T Finish(Acc sum) { return opkit::catalog::Narrow<T>(std::sqrt(sum)); }
};

// The input with its size-1 dimensions dropped and adjacent dimensions that
// are both reduced or both kept merged into runs; reduced and kept runs then
// alternate. out_stride is a run's step in the output (0 for reduced runs).
struct Layout {
  int runs = 0;
  int64_t size[kMaxRank];
  bool reduced[kMaxRank];
  int64_t out_stride[kMaxRank];
  // Elements of the input below one step of run 0.
  int64_t run0_block = 1;
};

Layout MakeLayout(const TfLiteIntArray* dims, const bool reduce[kMaxRank]) {
  Layout layout;
  for (int d = 0; d < dims->size; ++d) {
    const int64_t size = dims->data[d];
    if (size == 1) continue;
    if (layout.runs > 0 && layout.reduced[layout.runs - 1] == reduce[d]) {
      layout.size[layout.runs - 1] *= size;
    } else {
      layout.size[layout.runs] = size;
      layout.reduced[layout.runs] = reduce[d];
      ++layout.runs;
    }
  }
  int64_t stride = 1;
  for (int r = layout.runs - 1; r >= 0; --r) {
    layout.out_stride[r] = layout.reduced[r] ? 0 : stride;
    if (!layout.reduced[r]) stride *= layout.size[r];
    if (r > 0) layout.run0_block *= layout.size[r];
  }
  return layout;
}

// The sum of the squares of x[0, count), in four independent partial sums
// (faster, and a little more accurate).
template <typename T>
typename Norm<T>::Acc SumOfSquares(const T* x, int64_t count) {
  using N = Norm<T>;
  using Acc = typename N::Acc;
  Acc partial[4] = {Acc(0), Acc(0), Acc(0), Acc(0)};
  int64_t j = 0;
  for (; j + 4 <= count; j += 4) {
    partial[0] += N::Square(x[j]);
    partial[1] += N::Square(x[j + 1]);
    partial[2] += N::Square(x[j + 2]);
    partial[3] += N::Square(x[j + 3]);
  }
  for (; j < count; ++j) partial[0] += N::Square(x[j]);
  return static_cast<Acc>((partial[0] + partial[1]) + (partial[2] + partial[3]));
}

// Adds the squares of input run-0 slices [first, last) into acc (runs >= 2).
template <typename T>
void Accumulate(const T* x, typename Norm<T>::Acc* acc, const Layout& layout,
                int64_t first, int64_t last) {
  using Acc = typename Norm<T>::Acc;
  const int inner_run = layout.runs - 1;
  const int64_t inner = layout.size[inner_run];
  const bool inner_reduced = layout.reduced[inner_run];
  int64_t index[kMaxRank] = {};
  index[0] = first;
  int64_t in_offset = first * layout.run0_block;
  int64_t out_offset = first * layout.out_stride[0];
  const int64_t end = last * layout.run0_block;
  while (in_offset < end) {
    const T* line = x + in_offset;
    if (inner_reduced) {
      acc[out_offset] += SumOfSquares(line, inner);
    } else {
      Acc* out_line = acc + out_offset;
      for (int64_t j = 0; j < inner; ++j) out_line[j] += Norm<T>::Square(line[j]);
    }
    in_offset += inner;
    // The odometer over runs 0 .. inner_run - 1 (run 0 never wraps: the loop
    // ends first).
    for (int r = inner_run - 1; r >= 0; --r) {
      out_offset += layout.out_stride[r];
      if (++index[r] < layout.size[r] || r == 0) break;
      out_offset -= layout.out_stride[r] * layout.size[r];
      index[r] = 0;
    }
  }
}

template <typename T>
TfLiteStatus Reduce(TfLiteContext* context, const TfLiteTensor* input,
                    const bool reduce[kMaxRank], TfLiteTensor* output) {
  using N = Norm<T>;
  using Acc = typename N::Acc;
  const int64_t out_count = opkit::NumElements(output);
  T* out = opkit::Data<T>(output);
  if (out_count == 0) return kTfLiteOk;
  OPKIT_ENSURE(context, out != nullptr, "%s: output has no data", kOpName);
  if (opkit::NumElements(input) == 0) {  // empty sums: the norm is 0
    for (int64_t i = 0; i < out_count; ++i) out[i] = N::Finish(Acc(0));
    return kTfLiteOk;
  }
  OPKIT_ENSURE_OK(opkit::catalog::CheckHasData(context, kOpName, "input", input));
  const T* x = opkit::Data<T>(input);

  // Sums in the output's own memory where the accumulator has T's size.
  constexpr bool kInPlace = sizeof(Acc) == sizeof(T);
  Acc* acc;
  if constexpr (kInPlace) {
    acc = reinterpret_cast<Acc*>(out);
  } else {
    acc = static_cast<Acc*>(malloc(static_cast<size_t>(out_count) * sizeof(Acc)));
    OPKIT_ENSURE(context, acc != nullptr, "%s: out of memory for %lld sums",
                 kOpName, static_cast<long long>(out_count));
  }

  const Layout layout = MakeLayout(input->dims, reduce);
  if (layout.runs == 0) {  // a single element
    acc[0] = N::Square(x[0]);
  } else if (layout.runs == 1 && !layout.reduced[0]) {  // nothing reduced
    for (int64_t i = 0; i < out_count; ++i) acc[i] = N::Square(x[i]);
  } else if (layout.runs == 1) {  // everything reduced
    acc[0] = SumOfSquares(x, layout.size[0]);
  } else {
    for (int64_t i = 0; i < out_count; ++i) acc[i] = Acc(0);
    if (!layout.reduced[0]) {
      // Slices of run 0 write disjoint outputs: they may go to threads.
      opkit::catalog::ParallelForItems(
          context->recommended_num_threads, layout.size[0], layout.run0_block,
          [&](int64_t first, int64_t last) {
            Accumulate<T>(x, acc, layout, first, last);
          });
    } else {
      Accumulate<T>(x, acc, layout, 0, layout.size[0]);
    }
  }
  for (int64_t i = 0; i < out_count; ++i) out[i] = N::Finish(acc[i]);
  if constexpr (!kInPlace) free(acc);
  return kTfLiteOk;
}

TfLiteStatus GetTensors(TfLiteContext* context, TfLiteNode* node,
                        const TfLiteTensor** input, const TfLiteTensor** axes,
                        TfLiteTensor** output) {
  OPKIT_ENSURE_OK(opkit::CheckArity(context, node, kOpName, 2, 1));
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, kInputTensor, input));
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, kAxesTensor, axes));
  return opkit::GetOutput(context, node, kOutputTensor, output);
}

TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
  const auto* data = static_cast<const OpData*>(node->user_data);
  OPKIT_ENSURE(context, data != nullptr, "%s: out of memory", kOpName);
  OPKIT_ENSURE(context, data->error[0] == '\0', "%s: %s", kOpName, data->error);
  const TfLiteTensor* input;
  const TfLiteTensor* axes;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(GetTensors(context, node, &input, &axes, &output));
  OPKIT_ENSURE_OK(ForType(context, input->type, [](auto) { return kTfLiteOk; }));
  OPKIT_ENSURE_OK(opkit::CheckSameType(context, kOpName, "output", output->type,
                                       "input", input->type));
  OPKIT_ENSURE_OK(opkit::catalog::CheckAxisType(context, kOpName,
                                                "reduction_indices", axes));
  if (!opkit::catalog::IsConstantTensor(axes) ||
      input->allocation_type == kTfLiteDynamic) {
    // The axes, or the input's shape, are known only when the model runs:
    // so is the output's shape.
    opkit::SetTensorToDynamic(output);
    return kTfLiteOk;
  }
  bool reduce[kMaxRank];
  OPKIT_ENSURE_OK(opkit::catalog::ReductionAxes(context, kOpName, axes,
                                                opkit::NumDims(input), reduce));
  return opkit::catalog::ResizeOutputTo(
      context, kOpName, output,
      opkit::catalog::ReducedDims(input->dims, reduce, data->keep_dims));
}

TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
  const auto* data = static_cast<const OpData*>(node->user_data);
  OPKIT_ENSURE(context, data != nullptr, "%s: out of memory", kOpName);
  const TfLiteTensor* input;
  const TfLiteTensor* axes;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(GetTensors(context, node, &input, &axes, &output));
  bool reduce[kMaxRank];
  OPKIT_ENSURE_OK(opkit::catalog::ReductionAxes(context, kOpName, axes,
                                                opkit::NumDims(input), reduce));
  OPKIT_ENSURE_OK(opkit::catalog::EnsureOutputDims(
      context, kOpName, output,
      opkit::catalog::ReducedDims(input->dims, reduce, data->keep_dims)));
  return ForType(context, input->type, [&](auto zero) {
    return Reduce<decltype(zero)>(context, input, reduce, output);
  });
}

}  // namespace euclidean_norm

TfLiteRegistration* Register_EUCLIDEAN_NORM() {
  static TfLiteRegistration registration = opkit::MakeRegistration(
      euclidean_norm::Init, euclidean_norm::Free, euclidean_norm::Prepare,
      euclidean_norm::Eval);
  return &registration;
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
