// ScaleBy: y = x * scale for float32, where `scale` is a float attribute read
// from custom_options (default 1). A test op for attribute parsing in Init.
#include "opkit/attributes.h"
#include "opkit/kernel_util.h"

namespace tflite {
namespace ops {
namespace custom {
namespace scale_by {

struct OpData {
  float scale = 1.0f;
  char error[192] = "";
};

void* Init(TfLiteContext*, const char* buffer, size_t length) {
  auto* data = new OpData;
  opkit::Attributes attributes(buffer, length);
  attributes.GetFloat("scale", &data->scale);
  snprintf(data->error, sizeof(data->error), "%s", attributes.error());
  return data;
}

void Free(TfLiteContext*, void* buffer) { delete static_cast<OpData*>(buffer); }

TfLiteStatus Prepare(TfLiteContext* context, TfLiteNode* node) {
  const auto* data = static_cast<const OpData*>(node->user_data);
  OPKIT_ENSURE(context, data->error[0] == '\0', "ScaleBy: %s", data->error);
  OPKIT_ENSURE_OK(opkit::CheckArity(context, node, "ScaleBy", 1, 1));
  const TfLiteTensor* input;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, 0, &input));
  OPKIT_ENSURE_OK(opkit::GetOutput(context, node, 0, &output));
  if (input->type != kTfLiteFloat32) {
    opkit::ReportUnsupportedType(context, "ScaleBy", "input", input->type, "float32");
    return kTfLiteError;
  }
  return opkit::ResizeOutput(context, output, input->dims);
}

TfLiteStatus Eval(TfLiteContext* context, TfLiteNode* node) {
  const auto* data = static_cast<const OpData*>(node->user_data);
  const TfLiteTensor* input;
  TfLiteTensor* output;
  OPKIT_ENSURE_OK(opkit::GetInput(context, node, 0, &input));
  OPKIT_ENSURE_OK(opkit::GetOutput(context, node, 0, &output));
  const float* x = opkit::Data<float>(input);
  float* y = opkit::Data<float>(output);
  for (int64_t i = 0; i < opkit::NumElements(input); ++i) y[i] = x[i] * data->scale;
  return kTfLiteOk;
}

}  // namespace scale_by

TfLiteRegistration* Register_SCALE_BY() {
  static TfLiteRegistration registration = opkit::MakeRegistration(
      scale_by::Init, scale_by::Free, scale_by::Prepare, scale_by::Eval);
  return &registration;
}

}  // namespace custom
}  // namespace ops
}  // namespace tflite
