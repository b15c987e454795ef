// The catalog's elementwise kernel: y = f(x) for float32 and float64, where f
// is an op's math (`Op::Apply`, overloaded for float and double) and
// `Op::kNanosPerElement` its rough cost, which decides when threads pay.
//
// One kernel serves all 31 elementwise catalog ops, so each op's source is
// just its math. Speed comes from three places:
//  - the loop is compiled for several instruction sets (target_clones: AVX-512,
//    AVX2, baseline) and the best one the CPU has is picked when the library
//    loads;
//  - with libmvec (see vmath.h) the loop calls vector math, 4 to 16 lanes at a
//    time;
//  - large tensors are split over the interpreter's threads
//    (context->recommended_num_threads, i.e. the interpreter's num_threads).
#ifndef OPKIT_CATALOG_ELEMENTWISE_H_
#define OPKIT_CATALOG_ELEMENTWISE_H_

#include <stdint.h>

#include <algorithm>
#include <exception>
#include <vector>

// Bare-metal toolchains (newlib) have no std::thread: there the catalog's
// TFLite kernels run on the calling thread (opkitCatalog.cmake defines this).
#if !defined(OPKIT_CATALOG_NO_THREADS)
#include <thread>
#endif

#include "opkit/kernel_util.h"

#if defined(OPKIT_CATALOG_ISA_CLONES)
#define OPKIT_ISA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define OPKIT_ISA_CLONES
#endif

namespace opkit {
namespace catalog {

// A thread is started only for at least this much work (starting and joining
// one costs tens of microseconds, and the vectorised ops are fast).
constexpr double kMinNanosPerThread = 200e3;

template <typename Op, typename T>
OPKIT_ISA_CLONES __attribute__((noinline)) void Map(const T* x, T* y, int64_t count) {
#pragma omp simd
  for (int64_t i = 0; i < count; ++i) y[i] = Op::Apply(x[i]);
}

// Runs fn(begin, end) over [0, count) on up to `threads` threads (the calling
// thread included), each getting at least kMinNanosPerThread of work at
// `nanos_per_element`. Falls back to one thread if threads cannot be started.
template <typename Fn>
void ParallelFor(int threads, int64_t count, double nanos_per_element, Fn fn) {
#if defined(OPKIT_CATALOG_NO_THREADS)
  static_cast<void>(threads);
  static_cast<void>(nanos_per_element);
  fn(int64_t{0}, count);
#else
  const int64_t most = std::max<int64_t>(
      1, static_cast<int64_t>(static_cast<double>(count) * nanos_per_element / kMinNanosPerThread));
  const int64_t parts = std::min<int64_t>(std::max(threads, 1), most);
  if (parts <= 1) {
    fn(int64_t{0}, count);
    return;
  }
  const int64_t chunk = (count + parts - 1) / parts;
  std::vector<std::thread> workers;
  int64_t begin = chunk;
  try {
    workers.reserve(static_cast<size_t>(parts - 1));
    for (; begin < count; begin += chunk) {
      workers.emplace_back(fn, begin, std::min(count, begin + chunk));
    }
  } catch (const std::exception&) {
    fn(begin, count);  // the part no thread took
  }
  fn(int64_t{0}, std::min(count, chunk));
  for (std::thread& worker : workers) worker.join();
#endif
}

// The same for work of unknown cost per element (taken as 20 ns, like the
// special functions).
template <typename Fn>
void ParallelFor(int threads, int64_t count, Fn fn) {
  ParallelFor(threads, count, 20.0, fn);
}

template <typename Op>
struct Unary {
  static TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
    OPKIT_ENSURE_OK(CheckArity(context, node, Op::kName, 1, 1));
    const TfLiteTensor* input;
    TfLiteTensor* output;
    OPKIT_ENSURE_OK(GetInput(context, node, 0, &input));
    OPKIT_ENSURE_OK(GetOutput(context, node, 0, &output));
    OPKIT_ENSURE_OK(CheckType(context, Op::kName, "input", input->type,
                              {kTfLiteFloat32, kTfLiteFloat64}, "float32, float64"));
    OPKIT_ENSURE_OK(CheckSameType(context, Op::kName, "output", output->type, "input",
                                  input->type));
    return ResizeOutput(context, output, input->dims);
  }

  template <typename T>
  static void EvalImpl(TfLiteContext* context, const TfLiteTensor* input, TfLiteTensor* output) {
    const T* x = Data<T>(input);
    T* y = Data<T>(output);
    ParallelFor(context->recommended_num_threads, NumElements(input), Op::kNanosPerElement,
                [x, y](int64_t begin, int64_t end) { Map<Op, T>(x + begin, y + begin, end - begin); });
  }

  static TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
    const TfLiteTensor* input;
    TfLiteTensor* output;
    OPKIT_ENSURE_OK(GetInput(context, node, 0, &input));
    OPKIT_ENSURE_OK(GetOutput(context, node, 0, &output));
    switch (input->type) {
      case kTfLiteFloat32:
        EvalImpl<float>(context, input, output);
        return kTfLiteOk;
      case kTfLiteFloat64:
        EvalImpl<double>(context, input, output);
        return kTfLiteOk;
      default:
        ReportUnsupportedType(context, Op::kName, "input", input->type, "float32, float64");
        return kTfLiteError;
    }
  }

  static TfLiteRegistration* Registration() {
    static TfLiteRegistration registration =
        MakeRegistration(/*init=*/nullptr, /*free=*/nullptr, Prepare, Eval);
    return &registration;
  }
};

}  // namespace catalog
}  // namespace opkit

#endif  // OPKIT_CATALOG_ELEMENTWISE_H_
