// Sinh: y = sinh(x), elementwise, for float32 and float64 (TF's tf.math.sinh,
// which the converter emits as custom op "Sinh" with options {"T": ...}).
#include <cmath>

#include "opkit/kernel_util.h"

namespace tflite {
namespace ops {
namespace custom {
namespace sinh {

constexpr int kInputTensor = 0;
constexpr int kOutputTensor = 0;

TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
  OPKIT_ENSURE_OK(opkit::CheckArity(context, node, "Sinh", 1, 1));
  const TfLiteTensor* input;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, kInputTensor, &input));
  OPKIT_ENSURE_OK(opkit::GetOutput(context, node, kOutputTensor, &output));
  if (input->type != kTfLiteFloat32 && input->type != kTfLiteFloat64) {
    opkit::ReportUnsupportedType(context, "Sinh", "input", input->type,
                                 "float32, float64");
    return kTfLiteError;
  }
  OPKIT_ENSURE(context, output->type == input->type,
               "Sinh: output type %s differs from input type %s",
               opkit::TypeName(output->type), opkit::TypeName(input->type));
  return opkit::ResizeOutput(context, output, input->dims);
}

template <typename T>
void EvalImpl(const T* x, T* y, int64_t count) {
  for (int64_t i = 0; i < count; ++i) y[i] = std::sinh(x[i]);
}

TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
  const TfLiteTensor* input;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, kInputTensor, &input));
  OPKIT_ENSURE_OK(opkit::GetOutput(context, node, kOutputTensor, &output));
  const int64_t count = opkit::NumElements(input);
  switch (input->type) {
    case kTfLiteFloat32:
      EvalImpl(opkit::Data<float>(input), opkit::Data<float>(output), count);
      return kTfLiteOk;
    case kTfLiteFloat64:
      EvalImpl(opkit::Data<double>(input), opkit::Data<double>(output), count);
      return kTfLiteOk;
    default:
      opkit::ReportUnsupportedType(context, "Sinh", "input", input->type,
                                   "float32, float64");
      return kTfLiteError;
  }
}

}  // namespace sinh

TfLiteRegistration* Register_SINH() {
  static TfLiteRegistration registration = opkit::MakeRegistration(
      /*init=*/nullptr, /*free=*/nullptr, sinh::Prepare, sinh::Eval);
  return &registration;
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
