// Helpers for writing TFLite custom-op kernels with opkit.
//
// Header-only and dependency-free so that the same kernel source builds in an
// opkit op library, in a TFLite source tree (real headers) and in TFLite Micro.
// Nothing here calls a TfLite* C function: the Python interpreters export none,
// so every runtime service is reached through TfLiteContext's function
// pointers, and arrays handed to the runtime are allocated with malloc because
// the runtime frees them with free().
#ifndef OPKIT_KERNEL_UTIL_H_
#define OPKIT_KERNEL_UTIL_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <initializer_list>

#include "opkit/tflite_c.h"

#if defined(__GNUC__) || defined(__clang__)
#define OPKIT_PRINTF_FORMAT(fmt_index, args_index) \
  __attribute__((format(printf, fmt_index, args_index)))
#else
#define OPKIT_PRINTF_FORMAT(fmt_index, args_index)
#endif

// Returns the status of `expr` from the enclosing function unless it is ok.
#define OPKIT_ENSURE_OK(expr)             \
  do {                                    \
    const TfLiteStatus opkit_status_ = (expr); \
    if (opkit_status_ != kTfLiteOk) return opkit_status_; \
  } while (0)

// Kernels for TensorFlow Lite Micro are built with OPKIT_TFLM_KERNEL defined
// (opkit/tflm.h defines it and must come first). The helpers then never call
// the C library's printf family, which pulls malloc into firmware, and leave
// out the ones that allocate. Each flavour's helpers live in their own inline
// namespace, so one program may hold kernels of both.
#if defined(OPKIT_TFLM_KERNEL)
#define OPKIT_FLAVOUR micro_flavour
#else
#define OPKIT_FLAVOUR tflite_flavour
#endif

// Reports a printf-style message and returns kTfLiteError unless `cond`.
#define OPKIT_ENSURE(context, cond, ...)                      \
  do {                                                        \
    if (!(cond)) {                                            \
      OPKIT_CHECK_FORMAT(__VA_ARGS__);                        \
      ::opkit::ReportError((context), __VA_ARGS__);           \
      return kTfLiteError;                                    \
    }                                                         \
  } while (0)

// Lets the compiler check a format string and its arguments without calling
// anything (sizeof does not evaluate): the micro flavour's ReportError cannot
// carry a format attribute.
#define OPKIT_CHECK_FORMAT(...) \
  static_cast<void>(sizeof(::opkit::internal::CheckFormat(__VA_ARGS__)))

namespace opkit {
inline namespace OPKIT_FLAVOUR {

namespace internal {
int CheckFormat(const char* format, ...) OPKIT_PRINTF_FORMAT(1, 2);  // never defined
}  // namespace internal

#if defined(OPKIT_TFLM_KERNEL)
// TFLM's ReportError formats the message with its own small printf (no heap)
// and ends the line itself, so the arguments go to it unformatted. Messages
// keep to %s, %d and %u, which every TFLM version formats.
template <typename... Args>
inline void ReportError(TfLiteContext* context, const char* format, Args... args) {
  if (context == nullptr || context->ReportError == nullptr) return;
  context->ReportError(context, format, args...);
}
#else
// Formats locally and passes one "%s" to the runtime, so a kernel's message is
// checked by the compiler and never interpreted twice as a format string. Ends
// the message with a newline: the Python interpreters join all messages of a
// failure into one exception text, and TFLite's own messages do not end lines.
inline void ReportError(TfLiteContext* context, const char* format, ...)
    OPKIT_PRINTF_FORMAT(2, 3);
inline void ReportError(TfLiteContext* context, const char* format, ...) {
  if (context == nullptr || context->ReportError == nullptr) return;
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  context->ReportError(context, "%s\n", message);
}
#endif

// Appends `text` to the NUL-terminated string in buffer[0..size), truncating;
// a printf-free building block for messages.
inline void Append(char* buffer, size_t size, const char* text) {
  size_t used = 0;  // strnlen is POSIX, not standard C++ (newlib lacks it)
  while (used < size && buffer[used] != '\0') ++used;
  if (used >= size) return;
  while (used + 1 < size && *text != '\0') buffer[used++] = *text++;
  buffer[used] = '\0';
}

// Appends `value` in decimal.
inline void AppendInt(char* buffer, size_t size, long long value) {
  char digits[24];
  int n = 0;
  unsigned long long magnitude =
      value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  char text[26];
  int t = 0;
  if (value < 0) text[t++] = '-';
  while (n > 0) text[t++] = digits[--n];
  text[t] = '\0';
  Append(buffer, size, text);
}

// numpy-style names, as users see the dtypes in Python.
inline const char* TypeName(TfLiteType type) {
  switch (type) {
    case kTfLiteNoType: return "notype";
    case kTfLiteFloat32: return "float32";
    case kTfLiteInt32: return "int32";
    case kTfLiteUInt8: return "uint8";
    case kTfLiteInt64: return "int64";
    case kTfLiteString: return "string";
    case kTfLiteBool: return "bool";
    case kTfLiteInt16: return "int16";
    case kTfLiteComplex64: return "complex64";
    case kTfLiteInt8: return "int8";
    case kTfLiteFloat16: return "float16";
    case kTfLiteFloat64: return "float64";
    case kTfLiteComplex128: return "complex128";
    case kTfLiteUInt64: return "uint64";
    case kTfLiteResource: return "resource";
    case kTfLiteVariant: return "variant";
    case kTfLiteUInt32: return "uint32";
    case kTfLiteUInt16: return "uint16";
    case kTfLiteInt4: return "int4";
    case kTfLiteBFloat16: return "bfloat16";
    default: return "unknown";
  }
}

// The converter writes type attributes (TF's `T`) into custom_options using
// the .tflite schema's TensorType numbering, not TfLiteType's: float32 is 0
// there. Returns kTfLiteNoType for a value with no TfLiteType equivalent.
inline TfLiteType TypeFromSchemaTensorType(int64_t tensor_type) {
  switch (tensor_type) {
    case 0: return kTfLiteFloat32;
    case 1: return kTfLiteFloat16;
    case 2: return kTfLiteInt32;
    case 3: return kTfLiteUInt8;
    case 4: return kTfLiteInt64;
    case 5: return kTfLiteString;
    case 6: return kTfLiteBool;
    case 7: return kTfLiteInt16;
    case 8: return kTfLiteComplex64;
    case 9: return kTfLiteInt8;
    case 10: return kTfLiteFloat64;
    case 11: return kTfLiteComplex128;
    case 12: return kTfLiteUInt64;
    case 15: return kTfLiteUInt32;
    case 16: return kTfLiteUInt16;
    case 18: return kTfLiteBFloat16;
    default: return kTfLiteNoType;
  }
}

// Reports "<op>: <what> type <type> is not supported (supported: <list>)".
inline void ReportUnsupportedType(TfLiteContext* context, const char* op,
                                  const char* what, TfLiteType type,
                                  const char* supported) {
  ReportError(context, "%s: %s type %s is not supported (supported: %s)", op,
              what, TypeName(type), supported);
}

// Checks that a tensor's type is one of `allowed` (named in `supported`).
inline TfLiteStatus CheckType(TfLiteContext* context, const char* op,
                              const char* what, TfLiteType type,
                              std::initializer_list<TfLiteType> allowed,
                              const char* supported) {
  for (TfLiteType candidate : allowed) {
    if (type == candidate) return kTfLiteOk;
  }
  ReportUnsupportedType(context, op, what, type, supported);
  return kTfLiteError;
}

// Checks that two tensors bound to the same type variable agree.
inline TfLiteStatus CheckSameType(TfLiteContext* context, const char* op,
                                  const char* what, TfLiteType type,
                                  const char* other, TfLiteType other_type) {
  OPKIT_ENSURE(context, type == other_type,
               "%s: %s has type %s but %s has type %s; they must match", op,
               what, TypeName(type), other, TypeName(other_type));
  return kTfLiteOk;
}

// ---- Node inputs and outputs ------------------------------------------------

inline int NumInputs(const TfLiteNode* node) {
  return node->inputs == nullptr ? 0 : node->inputs->size;
}
inline int NumOutputs(const TfLiteNode* node) {
  return node->outputs == nullptr ? 0 : node->outputs->size;
}

// Checks the input and output counts against what the op declares.
inline TfLiteStatus CheckArity(TfLiteContext* context, const TfLiteNode* node,
                               const char* op, int num_inputs,
                               int num_outputs) {
  OPKIT_ENSURE(context, NumInputs(node) == num_inputs,
               "%s: expected %d input(s), got %d", op, num_inputs,
               NumInputs(node));
  OPKIT_ENSURE(context, NumOutputs(node) == num_outputs,
               "%s: expected %d output(s), got %d", op, num_outputs,
               NumOutputs(node));
  return kTfLiteOk;
}

#if !defined(OPKIT_TFLM_KERNEL)  // TFLM kernels reach tensors through MicroContext
// Tensor of the node's `index`-th input; an error for an index out of range
// or an omitted optional input.
inline TfLiteStatus GetInput(TfLiteContext* context, const TfLiteNode* node,
                             int index, const TfLiteTensor** tensor) {
  OPKIT_ENSURE(context, index >= 0 && index < NumInputs(node),
               "input %d out of range (the node has %d inputs)", index,
               NumInputs(node));
  const int tensor_index = node->inputs->data[index];
  OPKIT_ENSURE(context,
               tensor_index >= 0 &&
                   static_cast<size_t>(tensor_index) < context->tensors_size,
               "input %d is not connected to a tensor", index);
  *tensor = &context->tensors[tensor_index];
  return kTfLiteOk;
}

inline TfLiteStatus GetOutput(TfLiteContext* context, const TfLiteNode* node,
                              int index, TfLiteTensor** tensor) {
  OPKIT_ENSURE(context, index >= 0 && index < NumOutputs(node),
               "output %d out of range (the node has %d outputs)", index,
               NumOutputs(node));
  const int tensor_index = node->outputs->data[index];
  OPKIT_ENSURE(context,
               tensor_index >= 0 &&
                   static_cast<size_t>(tensor_index) < context->tensors_size,
               "output %d is not connected to a tensor", index);
  *tensor = &context->tensors[tensor_index];
  return kTfLiteOk;
}

// Optional input: *tensor is null when the model omitted it.
inline TfLiteStatus GetOptionalInput(TfLiteContext* context,
                                     const TfLiteNode* node, int index,
                                     const TfLiteTensor** tensor) {
  *tensor = nullptr;
  if (index >= NumInputs(node) || node->inputs->data[index] < 0) {
    return kTfLiteOk;
  }
  return GetInput(context, node, index, tensor);
}
#endif  // !OPKIT_TFLM_KERNEL

// ---- Shapes -------------------------------------------------------------

inline int NumDims(const TfLiteTensor* tensor) {
  return tensor->dims == nullptr ? 0 : tensor->dims->size;
}

inline int64_t NumElements(const TfLiteIntArray* dims) {
  if (dims == nullptr) return 0;
  int64_t count = 1;
  for (int i = 0; i < dims->size; ++i) count *= dims->data[i];
  return count;
}

inline int64_t NumElements(const TfLiteTensor* tensor) {
  return NumElements(tensor->dims);
}

inline bool SameDims(const TfLiteIntArray* a, const TfLiteIntArray* b) {
  const int a_size = a == nullptr ? 0 : a->size;
  const int b_size = b == nullptr ? 0 : b->size;
  if (a_size != b_size) return false;
  for (int i = 0; i < a_size; ++i) {
    if (a->data[i] != b->data[i]) return false;
  }
  return true;
}

#if !defined(OPKIT_TFLM_KERNEL)  // TFLM: static shapes, no heap
// malloc'd, because the runtime takes ownership of arrays passed to
// ResizeTensor and releases them with free().
inline TfLiteIntArray* NewIntArray(int size) {
  if (size < 0) return nullptr;
  auto* array = static_cast<TfLiteIntArray*>(
      malloc(sizeof(TfLiteIntArray) + sizeof(int) * static_cast<size_t>(size)));
  if (array != nullptr) array->size = size;
  return array;
}

inline TfLiteIntArray* CopyIntArray(const TfLiteIntArray* source) {
  const int size = source == nullptr ? 0 : source->size;
  TfLiteIntArray* copy = NewIntArray(size);
  if (copy == nullptr) return nullptr;
  for (int i = 0; i < size; ++i) copy->data[i] = source->data[i];
  return copy;
}

// Resizes `output` to a copy of `dims` (the runtime owns the copy).
inline TfLiteStatus ResizeOutput(TfLiteContext* context, TfLiteTensor* output,
                                 const TfLiteIntArray* dims) {
  TfLiteIntArray* new_dims = CopyIntArray(dims);
  OPKIT_ENSURE(context, new_dims != nullptr, "out of memory resizing %s",
               output->name == nullptr ? "an output" : output->name);
  return context->ResizeTensor(context, output, new_dims);
}

// The numpy broadcast of two shapes into a new malloc'd array, or an error
// naming both shapes when they are incompatible.
inline TfLiteStatus BroadcastDims(TfLiteContext* context, const char* op,
                                  const TfLiteIntArray* a,
                                  const TfLiteIntArray* b,
                                  TfLiteIntArray** result) {
  const int a_size = a == nullptr ? 0 : a->size;
  const int b_size = b == nullptr ? 0 : b->size;
  const int rank = a_size > b_size ? a_size : b_size;
  TfLiteIntArray* dims = NewIntArray(rank);
  OPKIT_ENSURE(context, dims != nullptr, "%s: out of memory", op);
  for (int i = 0; i < rank; ++i) {
    const int a_dim = i < rank - a_size ? 1 : a->data[i - (rank - a_size)];
    const int b_dim = i < rank - b_size ? 1 : b->data[i - (rank - b_size)];
    if (a_dim != b_dim && a_dim != 1 && b_dim != 1) {
      free(dims);
      ReportError(context,
                  "%s: shapes cannot be broadcast (dimension %d is %d in one "
                  "input and %d in the other)",
                  op, i, a_dim, b_dim);
      return kTfLiteError;
    }
    dims->data[i] = a_dim == 1 ? b_dim : a_dim;
  }
  *result = dims;
  return kTfLiteOk;
}

// The numpy broadcast of several shapes (see above), e.g.
//   BroadcastDims(context, "MyOp", {x->dims, y->dims, z->dims}, &dims)
inline TfLiteStatus BroadcastDims(
    TfLiteContext* context, const char* op,
    std::initializer_list<const TfLiteIntArray*> shapes,
    TfLiteIntArray** result) {
  TfLiteIntArray* dims = NewIntArray(0);
  OPKIT_ENSURE(context, dims != nullptr, "%s: out of memory", op);
  for (const TfLiteIntArray* shape : shapes) {
    TfLiteIntArray* next = nullptr;
    const TfLiteStatus status = BroadcastDims(context, op, dims, shape, &next);
    free(dims);
    if (status != kTfLiteOk) return status;
    dims = next;
  }
  *result = dims;
  return kTfLiteOk;
}

// For an output whose shape is only known in Eval: the runtime then leaves it
// to the kernel, which sizes it with ResizeOutput before writing it.
inline void SetTensorToDynamic(TfLiteTensor* tensor) {
  if (tensor->allocation_type != kTfLiteDynamic) {
    tensor->allocation_type = kTfLiteDynamic;
    tensor->data.raw = nullptr;
  }
}
#endif  // !OPKIT_TFLM_KERNEL

// ---- Element types ---------------------------------------------------------

template <typename T>
struct TypeOf;
#define OPKIT_TYPE_OF(cpp_type, tflite_type) \
  template <>                                \
  struct TypeOf<cpp_type> {                  \
    static constexpr TfLiteType value = tflite_type; \
  }
OPKIT_TYPE_OF(float, kTfLiteFloat32);
OPKIT_TYPE_OF(double, kTfLiteFloat64);
OPKIT_TYPE_OF(int8_t, kTfLiteInt8);
OPKIT_TYPE_OF(uint8_t, kTfLiteUInt8);
OPKIT_TYPE_OF(int16_t, kTfLiteInt16);
OPKIT_TYPE_OF(uint16_t, kTfLiteUInt16);
OPKIT_TYPE_OF(int32_t, kTfLiteInt32);
OPKIT_TYPE_OF(uint32_t, kTfLiteUInt32);
OPKIT_TYPE_OF(int64_t, kTfLiteInt64);
OPKIT_TYPE_OF(uint64_t, kTfLiteUInt64);
OPKIT_TYPE_OF(bool, kTfLiteBool);
#undef OPKIT_TYPE_OF

template <typename T>
inline T* Data(TfLiteTensor* tensor) {
  return reinterpret_cast<T*>(tensor->data.raw);
}
template <typename T>
inline const T* Data(const TfLiteTensor* tensor) {
  return reinterpret_cast<const T*>(tensor->data.raw_const);
}

// The same for TFLite Micro's evaluation tensors.
template <typename T>
inline T* Data(TfLiteEvalTensor* tensor) {
  return reinterpret_cast<T*>(tensor->data.raw);
}
template <typename T>
inline const T* Data(const TfLiteEvalTensor* tensor) {
  return reinterpret_cast<const T*>(tensor->data.raw_const);
}
inline int64_t NumElements(const TfLiteEvalTensor* tensor) {
  return NumElements(tensor->dims);
}

// Checks, without allocating, that `dims` is the numpy broadcast of `shapes`
// (shapes are fixed in TFLite Micro: Prepare checks instead of resizing).
inline bool IsBroadcastOf(const TfLiteIntArray* dims,
                          std::initializer_list<const TfLiteIntArray*> shapes) {
  int rank = 0;
  for (const TfLiteIntArray* shape : shapes) {
    if (shape != nullptr && shape->size > rank) rank = shape->size;
  }
  if (dims == nullptr || dims->size != rank) return false;
  for (int i = 0; i < rank; ++i) {
    int expected = 1;
    for (const TfLiteIntArray* shape : shapes) {
      const int size = shape == nullptr ? 0 : shape->size;
      const int dim = i < rank - size ? 1 : shape->data[i - (rank - size)];
      if (dim == 1) continue;
      if (expected != 1 && expected != dim) return false;
      expected = dim;
    }
    if (dims->data[i] != expected) return false;
  }
  return true;
}

namespace internal {
template <typename T, typename... Rest>
inline void AppendTypeNames(char* buffer, size_t size) {
  if (buffer[0] != '\0') Append(buffer, size, ", ");
  Append(buffer, size, TypeName(TypeOf<T>::value));
  if constexpr (sizeof...(Rest) > 0) AppendTypeNames<Rest...>(buffer, size);
}
}  // namespace internal

// Calls fn(T()) for the T among Ts whose TfLiteType is `type` and returns its
// status; for any other type reports which types `op` supports. `what` names
// the tensor in the message ("input", "output 1", ...). Usage:
//   return opkit::Dispatch<float, double>(context, "Sinh", "input",
//       input->type, [&](auto zero) { using T = decltype(zero); ... });
template <typename... Ts, typename Fn>
inline TfLiteStatus Dispatch(TfLiteContext* context, const char* op,
                             const char* what, TfLiteType type, Fn&& fn) {
  TfLiteStatus status = kTfLiteError;
  const bool matched =
      ((type == TypeOf<Ts>::value ? (status = fn(Ts()), true) : false) || ...);
  if (!matched) {
    char supported[128] = "";
    internal::AppendTypeNames<Ts...>(supported, sizeof(supported));
    ReportUnsupportedType(context, op, what, type, supported);
  }
  return status;
}

// A registration with the four kernel functions set and every other field
// zeroed. Brace-initialising the first four fields instead trips
// -Wmissing-field-initializers, which strict device builds turn into errors.
inline TfLiteRegistration MakeRegistration(
    void* (*init)(TfLiteContext*, const char*, size_t),
    void (*free_fn)(TfLiteContext*, void*),
    TfLiteStatus (*prepare)(TfLiteContext*, TfLiteNode*),
    TfLiteStatus (*invoke)(TfLiteContext*, TfLiteNode*)) {
  TfLiteRegistration registration{};
  registration.init = init;
  registration.free = free_fn;
  registration.prepare = prepare;
  registration.invoke = invoke;
  return registration;
}

}  // namespace OPKIT_FLAVOUR
}  // namespace opkit

#endif  // OPKIT_KERNEL_UTIL_H_
