// The catalog's elementwise kernel for TensorFlow Lite Micro: y = f(x) for
// float32 and float64, where f is an op's math (`Op::Apply`, overloaded for
// float and double) - the TFLM counterpart of elementwise.h, so that each
// op's <op>_micro.cc is just its math.
//
// TFLM's conventions: shapes are fixed when the model is converted, so
// Prepare checks them rather than resizing; no threads, vector libraries,
// heap or printf. Float32 is computed in float32: a Cortex-M4's FPU is single
// precision, and double is emulated in software.
#ifndef OPKIT_CATALOG_ELEMENTWISE_MICRO_H_
#define OPKIT_CATALOG_ELEMENTWISE_MICRO_H_

// First: it switches opkit's helpers to TFLM's conventions.
#include "opkit/tflm.h"

#include <stdint.h>

#include "opkit/kernel_util.h"

namespace opkit {
namespace catalog {

template <typename Op>
struct UnaryMicro {
  static TfLiteStatus CheckTensors(TfLiteContext* context, const TfLiteTensor* input,
                                   const TfLiteTensor* output) {
    OPKIT_ENSURE(context, input != nullptr,
                 "%s: no input (not connected, or no arena memory for it)", Op::kName);
    OPKIT_ENSURE(context, output != nullptr,
                 "%s: no output (not connected, or no arena memory for it)", Op::kName);
    OPKIT_ENSURE_OK(CheckType(context, Op::kName, "input", input->type,
                              {kTfLiteFloat32, kTfLiteFloat64}, "float32, float64"));
    OPKIT_ENSURE_OK(CheckSameType(context, Op::kName, "output", output->type, "input",
                                  input->type));
    OPKIT_ENSURE(context, SameDims(output->dims, input->dims),
                 "%s: the output must have the shape of the input", Op::kName);
    return kTfLiteOk;
  }

  static TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
    OPKIT_ENSURE_OK(CheckArity(context, node, Op::kName, 1, 1));
    tflite::MicroContext* micro_context = tflite::GetMicroContext(context);
    TfLiteTensor* input = micro_context->AllocateTempInputTensor(node, 0);
    TfLiteTensor* output = micro_context->AllocateTempOutputTensor(node, 0);
    const TfLiteStatus status = CheckTensors(context, input, output);
    if (input != nullptr) micro_context->DeallocateTempTfLiteTensor(input);
    if (output != nullptr) micro_context->DeallocateTempTfLiteTensor(output);
    return status;
  }

  template <typename T>
  static void Map(const TfLiteEvalTensor* input, TfLiteEvalTensor* output) {
    const T* x = Data<T>(input);
    T* y = Data<T>(output);
    const int64_t count = NumElements(output);
    for (int64_t i = 0; i < count; ++i) y[i] = Op::Apply(x[i]);
  }

  static TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
    const TfLiteEvalTensor* input = tflite::micro::GetEvalInput(context, node, 0);
    TfLiteEvalTensor* output = tflite::micro::GetEvalOutput(context, node, 0);
    switch (input->type) {
      case kTfLiteFloat32:
        Map<float>(input, output);
        return kTfLiteOk;
      case kTfLiteFloat64:
        Map<double>(input, output);
        return kTfLiteOk;
      default:
        ReportUnsupportedType(context, Op::kName, "input", input->type, "float32, float64");
        return kTfLiteError;
    }
  }

  static TFLMRegistration Registration() {
    return tflite::micro::RegisterOp(nullptr, Prepare, Eval);
  }
};

}  // namespace catalog
}  // namespace opkit

#endif  // OPKIT_CATALOG_ELEMENTWISE_MICRO_H_
