// The slice of TensorFlow Lite Micro's C++ API that opkit's micro kernels use.
//
// In a firmware build the real TFLM headers are on the include path and are
// used. Without them, opkit declares the same API itself - but only when
// OPKIT_TFLM_STANDIN is defined: these declarations have no implementation
// here (opkit's tests supply a host stand-in runtime), and a class declared
// here would not match a real TFLM library's layout, so silently building a
// firmware against them must be impossible.
#ifndef OPKIT_TFLM_H_
#define OPKIT_TFLM_H_

// opkit's kernel helpers take TFLM's conventions in a TU that includes this
// header first (see kernel_util.h): no printf, no heap.
#if defined(OPKIT_KERNEL_UTIL_H_) && !defined(OPKIT_TFLM_KERNEL)
#error "in a TensorFlow Lite Micro kernel, include opkit/tflm.h before opkit's other headers"
#endif
#ifndef OPKIT_TFLM_KERNEL
#define OPKIT_TFLM_KERNEL 1
#endif

#include <stddef.h>
#include <stdint.h>

#include "opkit/tflite_c.h"

// TFLM builds everything with TF_LITE_STATIC_MEMORY, which changes the layout
// of TfLiteTensor and TfLiteNode: kernels must be compiled with it too (the
// MICRO op libraries of opkit_add_op_library define it).
#if !defined(TF_LITE_STATIC_MEMORY)
#error "TensorFlow Lite Micro kernels must be compiled with TF_LITE_STATIC_MEMORY defined, as TFLM itself is"
#endif

#if !defined(OPKIT_TFLM_STANDIN) && defined(__has_include)
#if __has_include("tensorflow/lite/micro/micro_common.h")
#include "tensorflow/lite/micro/kernels/kernel_util.h"
#include "tensorflow/lite/micro/micro_common.h"
#include "tensorflow/lite/micro/micro_context.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#define OPKIT_HAVE_TFLM_HEADERS 1
#endif
#endif

#ifndef OPKIT_HAVE_TFLM_HEADERS
#define OPKIT_HAVE_TFLM_HEADERS 0
#if !defined(OPKIT_TFLM_STANDIN)
#error "TensorFlow Lite Micro's headers are not on the include path: add your tflite-micro checkout to it (opkit's stand-in declarations, OPKIT_TFLM_STANDIN, are for opkit's own tests)"
#endif

// What a TFLM kernel registers: its functions, and the op it implements.
struct TFLMRegistration {
  void* (*init)(TfLiteContext* context, const char* buffer, size_t length);
  void (*free)(TfLiteContext* context, void* buffer);
  TfLiteStatus (*prepare)(TfLiteContext* context, TfLiteNode* node);
  TfLiteStatus (*invoke)(TfLiteContext* context, TfLiteNode* node);
  void (*reset)(TfLiteContext* context, void* buffer);
  int32_t builtin_code;
  const char* custom_name;
};

namespace tflite {

// The kernels' access to the interpreter (context->impl_ in TFLM).
class MicroContext {
 public:
  virtual ~MicroContext() = default;
  // Memory for the interpreter's lifetime; only in Init and Prepare.
  virtual void* AllocatePersistentBuffer(size_t bytes) = 0;
  // Full tensors for Prepare; each must be given back with
  // DeallocateTempTfLiteTensor before Prepare returns.
  TfLiteTensor* AllocateTempInputTensor(const TfLiteNode* node, int index);
  TfLiteTensor* AllocateTempOutputTensor(const TfLiteNode* node, int index);
  virtual void DeallocateTempTfLiteTensor(TfLiteTensor* tensor) = 0;
  virtual TfLiteTensor* AllocateTempTfLiteTensor(int tensor_index) = 0;
  virtual TfLiteEvalTensor* GetEvalTensor(int tensor_index) = 0;
};

inline MicroContext* GetMicroContext(const TfLiteContext* context) {
  return reinterpret_cast<MicroContext*>(context->impl_);
}

namespace micro {

TFLMRegistration RegisterOp(
    void* (*init)(TfLiteContext* context, const char* buffer, size_t length),
    TfLiteStatus (*prepare)(TfLiteContext* context, TfLiteNode* node),
    TfLiteStatus (*invoke)(TfLiteContext* context, TfLiteNode* node),
    void (*free)(TfLiteContext* context, void* buffer) = nullptr,
    void (*reset)(TfLiteContext* context, void* buffer) = nullptr);

const TfLiteEvalTensor* GetEvalInput(const TfLiteContext* context, const TfLiteNode* node,
                                     int index);
TfLiteEvalTensor* GetEvalOutput(const TfLiteContext* context, const TfLiteNode* node,
                                int index);

}  // namespace micro

// A resolver holding up to tOpCount ops, sized at compile time.
template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
  TfLiteStatus AddCustom(const char* name, const TFLMRegistration* registration);
};

}  // namespace tflite

#endif  // !OPKIT_HAVE_TFLM_HEADERS

#endif  // OPKIT_TFLM_H_
