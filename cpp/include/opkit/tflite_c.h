/* The slice of the TensorFlow Lite C ABI that opkit kernels and the opkit
 * delegate runtime use.
 *
 * When the real TFLite (or TFLite Micro) headers are on the include path they
 * are used, so a kernel written against this header drops into a TFLite source
 * build unchanged. Otherwise opkit declares the structs itself: no pip wheel
 * ships TFLite's C headers, and the Python interpreters export no TfLite*
 * symbols, so a separately built op library reaches the runtime only through
 * these structs and their function pointers.
 *
 * The declarations below are written from the measured layout in
 * tests/data/tflite_c_abi_layout.json (x86_64/LP64, TFLite v1.4.0 and v2.2.0
 * C headers); tests/test_abi_layout.py compiles a probe and checks every size,
 * offset and enum value listed there. Only fields and enum values that opkit
 * or a kernel needs are named; every struct keeps the full measured size so
 * that arrays of them (context->tensors) index correctly.
 *
 * Define OPKIT_FORCE_OWN_TFLITE_DECLS to use opkit's declarations even when
 * the real headers are visible (the ABI test does this).
 */
#ifndef OPKIT_TFLITE_C_H_
#define OPKIT_TFLITE_C_H_

#if !defined(OPKIT_FORCE_OWN_TFLITE_DECLS) && defined(__has_include)
#if __has_include("tensorflow/lite/core/c/common.h")
#include "tensorflow/lite/core/c/common.h"
#define OPKIT_HAVE_TFLITE_HEADERS 1
#elif __has_include("tensorflow/lite/c/common.h")
#include "tensorflow/lite/c/common.h"
#define OPKIT_HAVE_TFLITE_HEADERS 1
#endif
#if defined(OPKIT_HAVE_TFLITE_HEADERS) && __has_include("tensorflow/lite/builtin_ops.h")
#include "tensorflow/lite/builtin_ops.h"
#endif
#endif

#ifndef OPKIT_HAVE_TFLITE_HEADERS
#define OPKIT_HAVE_TFLITE_HEADERS 0

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum TfLiteStatus {
  kTfLiteOk = 0,
  kTfLiteError = 1,
  kTfLiteDelegateError = 2,
  kTfLiteApplicationError = 3
} TfLiteStatus;

/* Tensor element types. The numbering is TfLiteType's, which differs from the
 * TensorType numbering of the .tflite schema (float32 is 1 here, 0 there). */
typedef enum TfLiteType {
  kTfLiteNoType = 0,
  kTfLiteFloat32 = 1,
  kTfLiteInt32 = 2,
  kTfLiteUInt8 = 3,
  kTfLiteInt64 = 4,
  kTfLiteString = 5,
  kTfLiteBool = 6,
  kTfLiteInt16 = 7,
  kTfLiteComplex64 = 8,
  kTfLiteInt8 = 9,
  kTfLiteFloat16 = 10,
  kTfLiteFloat64 = 11,
  kTfLiteComplex128 = 12,
  kTfLiteUInt64 = 13,
  kTfLiteResource = 14,
  kTfLiteVariant = 15,
  kTfLiteUInt32 = 16,
  kTfLiteUInt16 = 17,
  kTfLiteInt4 = 18,
  kTfLiteBFloat16 = 19
} TfLiteType;

typedef enum TfLiteAllocationType {
  kTfLiteMemNone = 0,
  kTfLiteMmapRo = 1,
  kTfLiteArenaRw = 2,
  kTfLiteArenaRwPersistent = 3,
  kTfLiteDynamic = 4,
  kTfLitePersistentRo = 5,
  kTfLiteCustom = 6,
  kTfLiteVariantObject = 7
} TfLiteAllocationType;

typedef enum TfLiteQuantizationType {
  kTfLiteNoQuantization = 0,
  kTfLiteAffineQuantization = 1
} TfLiteQuantizationType;

/* Delegate flags are a 64-bit field in TfLiteDelegate; only this one matters:
 * without it the runtime prepares every node (and fails on the unresolved
 * custom ops) before the delegate had a chance to claim them. */
enum {
  kTfLiteDelegateFlagsNone = 0,
  kTfLiteDelegateFlagsAllowDynamicTensors = 1
};

/* Selected BuiltinOperator codes (tensorflow/lite/builtin_ops.h numbering). */
typedef enum TfLiteBuiltinOperator {
  kTfLiteBuiltinCustom = 32,
  kTfLiteBuiltinDelegate = 51,
  kTfLiteBuiltinSin = 66
} TfLiteBuiltinOperator;

/* Index used in a node's input list for an omitted optional input. */
#define kTfLiteOptionalTensor (-1)

typedef int TfLiteBufferHandle;

/* Arrays end in a flexible array member; allocate header + n elements with
 * malloc, because the runtime releases dims arrays with free(). */
typedef struct TfLiteIntArray {
  int size;
  int data[];
} TfLiteIntArray;

typedef struct TfLiteFloatArray {
  int size;
  float data[];
} TfLiteFloatArray;

typedef struct TfLiteComplex64 {
  float re, im;
} TfLiteComplex64;

typedef struct TfLiteComplex128 {
  double re, im;
} TfLiteComplex128;

typedef struct TfLiteFloat16 {
  uint16_t data;
} TfLiteFloat16;

typedef struct TfLiteQuantizationParams {
  float scale;
  int32_t zero_point;
} TfLiteQuantizationParams;

typedef struct TfLiteAffineQuantization {
  TfLiteFloatArray* scale;
  TfLiteIntArray* zero_point;
  int32_t quantized_dimension;
} TfLiteAffineQuantization;

typedef struct TfLiteQuantization {
  TfLiteQuantizationType type;
  void* params;
} TfLiteQuantization;

typedef union TfLitePtrUnion {
  int32_t* i32;
  uint32_t* u32;
  int64_t* i64;
  uint64_t* u64;
  float* f;
  TfLiteFloat16* f16;
  double* f64;
  char* raw;
  const char* raw_const;
  uint8_t* uint8;
  bool* b;
  int16_t* i16;
  uint16_t* ui16;
  TfLiteComplex64* c64;
  TfLiteComplex128* c128;
  int8_t* int8;
  void* data;
} TfLitePtrUnion;

struct TfLiteDelegate;
struct TfLiteContext;
struct TfLiteRegistration;
struct TfLiteSparsity;

#ifndef TF_LITE_STATIC_MEMORY
typedef struct TfLiteTensor {
  TfLiteType type;
  TfLitePtrUnion data;
  TfLiteIntArray* dims;
  TfLiteQuantizationParams params;
  TfLiteAllocationType allocation_type;
  size_t bytes;
  const void* allocation;
  const char* name;
  struct TfLiteDelegate* delegate;
  TfLiteBufferHandle buffer_handle;
  bool data_is_stale;
  bool is_variable;
  TfLiteQuantization quantization;
  struct TfLiteSparsity* sparsity;
  const TfLiteIntArray* dims_signature;
} TfLiteTensor;

typedef struct TfLiteNode {
  TfLiteIntArray* inputs;
  TfLiteIntArray* outputs;
  TfLiteIntArray* intermediates;
  TfLiteIntArray* temporaries;
  void* user_data;
  void* builtin_data;
  const void* custom_initial_data;
  int custom_initial_data_size;
  struct TfLiteDelegate* delegate;
  bool might_have_side_effect;
} TfLiteNode;
#else
/* TensorFlow Lite Micro is always built with TF_LITE_STATIC_MEMORY, which
   gives tensors and nodes these reduced layouts: a kernel compiled without it
   would read TFLM's structs at the wrong offsets. Fields a kernel must not use
   there (name, temporaries, ...) are absent, so using one fails to compile. */
typedef struct TfLiteTensor {
  TfLiteQuantization quantization;
  TfLiteQuantizationParams params;
  TfLitePtrUnion data;
  TfLiteIntArray* dims;
  size_t bytes;
  TfLiteType type;
  TfLiteAllocationType allocation_type;
  bool is_variable;
} TfLiteTensor;

typedef struct TfLiteNode {
  TfLiteIntArray* inputs;
  TfLiteIntArray* outputs;
  TfLiteIntArray* intermediates;
  void* user_data;
  void* builtin_data;
  const void* custom_initial_data;
  int custom_initial_data_size;
} TfLiteNode;
#endif  /* TF_LITE_STATIC_MEMORY */

/* TFLite Micro's lighter view of a tensor during Eval. */
typedef struct TfLiteEvalTensor {
  TfLitePtrUnion data;
  TfLiteIntArray* dims;
  TfLiteType type;
} TfLiteEvalTensor;

typedef struct TfLiteDelegateParams {
  struct TfLiteDelegate* delegate;
  TfLiteIntArray* nodes_to_replace;
  TfLiteIntArray* input_tensors;
  TfLiteIntArray* output_tensors;
} TfLiteDelegateParams;

/* Every TfLiteContext field is declared so that the function pointers sit at
 * their measured offsets; signatures of the ones opkit never calls are kept
 * loose (void*) on purpose. */
typedef struct TfLiteContext {
  size_t tensors_size;
  TfLiteStatus (*GetExecutionPlan)(struct TfLiteContext* context,
                                   TfLiteIntArray** execution_plan);
  TfLiteTensor* tensors;
  void* impl_;
  TfLiteStatus (*ResizeTensor)(struct TfLiteContext* context,
                               TfLiteTensor* tensor, TfLiteIntArray* new_size);
  void (*ReportError)(struct TfLiteContext* context, const char* msg, ...);
  TfLiteStatus (*AddTensors)(struct TfLiteContext* context, int tensors_to_add,
                             int* first_new_tensor_index);
  TfLiteStatus (*GetNodeAndRegistration)(
      struct TfLiteContext* context, int node_index, TfLiteNode** node,
      struct TfLiteRegistration** registration);
  /* The registration is passed by value: the struct's size is part of the
   * calling convention, which is why TfLiteRegistration below is complete. */
  TfLiteStatus (*ReplaceNodeSubsetsWithDelegateKernels)(
      struct TfLiteContext* context, struct TfLiteRegistration registration,
      const TfLiteIntArray* nodes_to_replace, struct TfLiteDelegate* delegate);
  int recommended_num_threads;
  void* (*GetExternalContext)(struct TfLiteContext* context, int type);
  void (*SetExternalContext)(struct TfLiteContext* context, int type,
                             void* external_context);
  bool allow_fp32_relax_to_fp16;
  void* profiler;
  void* (*AllocatePersistentBuffer)(struct TfLiteContext* ctx, size_t bytes);
  TfLiteStatus (*AllocateBufferForEval)(struct TfLiteContext* ctx, size_t bytes,
                                        void** ptr);
  TfLiteStatus (*RequestScratchBufferInArena)(struct TfLiteContext* ctx,
                                              size_t bytes, int* buffer_idx);
  void* (*GetScratchBuffer)(struct TfLiteContext* ctx, int buffer_idx);
  TfLiteStatus (*ResizeTensorExplicit)(struct TfLiteContext* ctx,
                                       TfLiteTensor* tensor, int dims,
                                       const int* shape);
  TfLiteStatus (*PreviewDelegatePartitioning)(
      struct TfLiteContext* context, const TfLiteIntArray* nodes_to_replace,
      TfLiteDelegateParams** partition_params_array, int* num_partitions);
  TfLiteTensor* (*GetTensor)(const struct TfLiteContext* context,
                             int tensor_idx);
  TfLiteEvalTensor* (*GetEvalTensor)(const struct TfLiteContext* context,
                                     int tensor_idx);
  TfLiteStatus (*GetModelMetadata)(const struct TfLiteContext* context,
                                   const char* name, const char** ptr,
                                   size_t* bytes);
  TfLiteStatus (*AcquireSubgraphContext)(struct TfLiteContext* context,
                                         int subgraph_index,
                                         struct TfLiteContext** acquired_context);
  TfLiteStatus (*ReleaseSubgraphContext)(struct TfLiteContext* context,
                                         int subgraph_index);
} TfLiteContext;

typedef struct TfLiteRegistration {
  void* (*init)(TfLiteContext* context, const char* buffer, size_t length);
  void (*free)(TfLiteContext* context, void* buffer);
  TfLiteStatus (*prepare)(TfLiteContext* context, TfLiteNode* node);
  TfLiteStatus (*invoke)(TfLiteContext* context, TfLiteNode* node);
  const char* (*profiling_string)(const TfLiteContext* context,
                                  const TfLiteNode* node);
  int32_t builtin_code;
  const char* custom_name;
  int version;
  void* registration_external;
  void* (*async_kernel)(TfLiteContext* context, TfLiteNode* node);
  uint64_t inplace_operator;
} TfLiteRegistration;

typedef struct TfLiteDelegate {
  void* data_;
  TfLiteStatus (*Prepare)(TfLiteContext* context,
                          struct TfLiteDelegate* delegate);
  TfLiteStatus (*CopyFromBufferHandle)(TfLiteContext* context,
                                       struct TfLiteDelegate* delegate,
                                       TfLiteBufferHandle buffer_handle,
                                       TfLiteTensor* tensor);
  TfLiteStatus (*CopyToBufferHandle)(TfLiteContext* context,
                                     struct TfLiteDelegate* delegate,
                                     TfLiteBufferHandle buffer_handle,
                                     TfLiteTensor* tensor);
  void (*FreeBufferHandle)(TfLiteContext* context,
                           struct TfLiteDelegate* delegate,
                           TfLiteBufferHandle* handle);
  int64_t flags;
  void* opaque_delegate_builder;
} TfLiteDelegate;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* !OPKIT_HAVE_TFLITE_HEADERS */

#endif /* OPKIT_TFLITE_C_H_ */
