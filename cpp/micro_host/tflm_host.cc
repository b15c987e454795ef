// A host stand-in for the slice of TensorFlow Lite Micro that opkit's micro
// kernels use, so that `opkit test` (and opkit's own tests) run those kernels
// on the development machine the way a TFLM interpreter runs them on a device.
//
// opkit/tflm.h declares the TFLM API (when OPKIT_TFLM_STANDIN is defined) and
// defines none of it; this file supplies the definitions, plus a small C API
// that opkit/micro_host.py calls through ctypes. What it mirrors:
//
// - memory for kernels comes only from an arena, a fixed byte array handed in
//   by the caller: persistent buffers from its end, temporary tensors from its
//   start, nullptr when the two meet. Nothing a kernel asks for is taken from
//   the heap.
// - Init, Prepare, Invoke and Free run in TFLM's order and with TFLM's
//   context: no TfLiteTensor array, no ResizeTensor (shapes are fixed when the
//   model is converted: outputs arrive sized), tensors reached through the
//   MicroContext in context->impl_.
// - temporary tensors must be given back before each stage ends, as TFLM's
//   allocator demands; a leak fails the run.
// - the resolver copies registrations and refuses duplicates and overflow.
//
// It is a test harness, not a TFLM: one node per run, no memory planning, no
// scratch buffers, no profiler. opkit_add_micro_host() (cmake/) builds it,
// defining OPKIT_HOST_OPS_HEADER: the header opkit_add_op_library(... MICRO
// ...) generates for the kernels under test.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <new>

#include "opkit/tflm.h"

#ifndef OPKIT_HOST_OPS_HEADER
#error "define OPKIT_HOST_OPS_HEADER as the generated header of the MICRO op library"
#endif
#include OPKIT_HOST_OPS_HEADER

#if OPKIT_HAVE_TFLM_HEADERS
#error "tflm_host.cc defines opkit's stand-in TFLM declarations; build with OPKIT_TFLM_STANDIN"
#endif

#define OPKIT_HOST_EXPORT extern "C" __attribute__((visibility("default")))

// ---- The declared-only parts of opkit/tflm.h --------------------------------

namespace tflite {

namespace {
// The tensor index of entry `index` of a node's input or output list; -1 for
// an index out of range or an omitted optional tensor (TFLM's
// ValidateTensorIndexing gives the kernel nullptr for both).
int TensorIndex(const TfLiteIntArray* list, int index) {
  if (list == nullptr || index < 0 || index >= list->size) return -1;
  return list->data[index];
}
}  // namespace

TfLiteTensor* MicroContext::AllocateTempInputTensor(const TfLiteNode* node, int index) {
  const int tensor_index = TensorIndex(node->inputs, index);
  return tensor_index < 0 ? nullptr : AllocateTempTfLiteTensor(tensor_index);
}

TfLiteTensor* MicroContext::AllocateTempOutputTensor(const TfLiteNode* node, int index) {
  const int tensor_index = TensorIndex(node->outputs, index);
  return tensor_index < 0 ? nullptr : AllocateTempTfLiteTensor(tensor_index);
}

namespace micro {

// As TFLM: the op's identity (builtin_code, custom_name) is filled in by the
// resolver, not by the kernel.
TFLMRegistration RegisterOp(void* (*init)(TfLiteContext*, const char*, size_t),
                            TfLiteStatus (*prepare)(TfLiteContext*, TfLiteNode*),
                            TfLiteStatus (*invoke)(TfLiteContext*, TfLiteNode*),
                            void (*free)(TfLiteContext*, void*),
                            void (*reset)(TfLiteContext*, void*)) {
  TFLMRegistration registration{};
  registration.init = init;
  registration.free = free;
  registration.prepare = prepare;
  registration.invoke = invoke;
  registration.reset = reset;
  registration.builtin_code = 0;
  registration.custom_name = nullptr;
  return registration;
}

// Through context->GetEvalTensor, as TFLM's kernel_util does.
const TfLiteEvalTensor* GetEvalInput(const TfLiteContext* context, const TfLiteNode* node,
                                     int index) {
  const int tensor_index = TensorIndex(node->inputs, index);
  return tensor_index < 0 ? nullptr : context->GetEvalTensor(context, tensor_index);
}

TfLiteEvalTensor* GetEvalOutput(const TfLiteContext* context, const TfLiteNode* node,
                                int index) {
  const int tensor_index = TensorIndex(node->outputs, index);
  return tensor_index < 0 ? nullptr : context->GetEvalTensor(context, tensor_index);
}

}  // namespace micro
}  // namespace tflite

namespace opkit_host {

// Messages for the caller: appended to its buffer, truncated when it is full.
class Messages {
 public:
  Messages(char* buffer, size_t size) : buffer_(buffer), size_(buffer == nullptr ? 0 : size) {
    if (size_ > 0) buffer_[0] = '\0';
  }

  void VAppend(const char* format, va_list args) {
    ++count_;
    if (used_ + 1 >= size_) return;
    const int n = vsnprintf(buffer_ + used_, size_ - used_, format, args);
    if (n <= 0) return;
    const size_t room = size_ - used_ - 1;  // vsnprintf truncates to this
    used_ += static_cast<size_t>(n) < room ? static_cast<size_t>(n) : room;
  }

  __attribute__((format(printf, 2, 3))) void Append(const char* format, ...) {
    va_list args;
    va_start(args, format);
    VAppend(format, args);
    va_end(args);
  }

  // How many messages were appended, including any truncated away.
  int count() const { return count_; }

 private:
  char* buffer_;
  size_t size_;
  size_t used_ = 0;
  int count_ = 0;
};

// ---- The resolver ------------------------------------------------------------

// opkit's stand-in declares MicroMutableOpResolver<N> without members (its
// layout is TFLM's business), so the entries live in this subclass. It is the
// only kind of resolver created here, which makes the downcast in AddCustom
// below valid.
template <unsigned int tOpCount>
struct HostOpResolver : tflite::MicroMutableOpResolver<tOpCount> {
  TFLMRegistration entries[tOpCount];
  unsigned int count = 0;
  char refusal[192] = "";  // why AddCustom refused (TFLM logs it with MicroPrintf)

  const TFLMRegistration* Find(const char* name) const {
    for (unsigned int i = 0; i < count; ++i) {
      if (strcmp(entries[i].custom_name, name) == 0) return &entries[i];
    }
    return nullptr;
  }
};

}  // namespace opkit_host

// The generated AddCustomOps<N>() passes the address of a registration on its
// own stack: like TFLM, the resolver keeps a copy, never the pointer.
template <unsigned int tOpCount>
TfLiteStatus tflite::MicroMutableOpResolver<tOpCount>::AddCustom(
    const char* name, const TFLMRegistration* registration) {
  auto& self = static_cast<opkit_host::HostOpResolver<tOpCount>&>(*this);
  // TFLM checks the capacity first, then duplicates.
  if (self.count >= tOpCount) {
    snprintf(self.refusal, sizeof(self.refusal),
             "AddCustom(\"%s\") refused: the resolver is full (room for %u ops)", name,
             tOpCount);
    return kTfLiteError;
  }
  if (self.Find(name) != nullptr) {
    snprintf(self.refusal, sizeof(self.refusal),
             "AddCustom(\"%s\") refused: the op is registered already", name);
    return kTfLiteError;
  }
  TFLMRegistration& entry = self.entries[self.count++];
  entry = *registration;
  entry.builtin_code = 32;  // BuiltinOperator_CUSTOM
  entry.custom_name = name;
  return kTfLiteOk;
}

namespace opkit_host {

using Resolver = HostOpResolver<kAddCustomOpsCount>;

// At most this many tensors per node and dimensions per tensor.
constexpr int kMaxTensors = 16;
constexpr int kMaxDims = 8;
// TFLM aligns arena allocations to MicroArenaBufferAlignment(), 16 bytes.
constexpr size_t kAlignment = 16;
// Temporary tensors a kernel may hold at once.
constexpr int kMaxTempTensors = 32;

enum class Stage { kInit, kPrepare, kInvoke, kFree };

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kInit: return "Init";
    case Stage::kPrepare: return "Prepare";
    case Stage::kInvoke: return "Invoke";
    case Stage::kFree: return "Free";
  }
  return "?";
}

// The node's tensors as TFLM keeps them during Eval, plus each one's size in
// bytes (which TfLiteEvalTensor does not carry; temporary tensors report it).
struct Tensors {
  TfLiteEvalTensor eval[kMaxTensors];
  size_t bytes[kMaxTensors];
  // TfLiteIntArray storage: [size, data...]. TFLM likewise points dims at
  // int32 vectors in the model flatbuffer, laid out the same way.
  int dims[kMaxTensors][1 + kMaxDims];
  int count = 0;
};

class HostMicroContext : public tflite::MicroContext {
 public:
  HostMicroContext(void* arena, size_t arena_size, Tensors* tensors, Messages* messages)
      : tensors_(tensors), messages_(messages) {
    auto* start = static_cast<uint8_t*>(arena);
    const uintptr_t address = reinterpret_cast<uintptr_t>(start);
    const size_t skip = (kAlignment - address % kAlignment) % kAlignment;
    size_t usable = arena == nullptr || arena_size < skip ? 0 : arena_size - skip;
    usable -= usable % kAlignment;
    head_ = start == nullptr ? nullptr : start + skip;
    tail_ = head_ == nullptr ? nullptr : head_ + usable;
    temp_start_ = head_;
    // Arena memory is not zeroed on a device: kernels must initialise theirs.
    if (usable > 0) memset(head_, 0xA5, usable);
  }

  // Persistent buffers come from the arena's end and live until the
  // interpreter goes away; TFLM hands them out only during Init and Prepare.
  void* AllocatePersistentBuffer(size_t bytes) override {
    if (stage_ != Stage::kInit && stage_ != Stage::kPrepare) {
      Misuse("AllocatePersistentBuffer in %s (TFLM allows it only in Init and Prepare)",
             StageName(stage_));
      return nullptr;
    }
    const size_t needed = RoundUp(bytes);
    if (needed < bytes || needed > Free()) return nullptr;
    tail_ -= needed;
    return tail_;
  }

  // A full TfLiteTensor describing an eval tensor, built in the arena's
  // temporary section (so it can fail for lack of memory, returning nullptr).
  TfLiteTensor* AllocateTempTfLiteTensor(int tensor_index) override {
    TfLiteEvalTensor* eval = GetEvalTensor(tensor_index);
    if (eval == nullptr) return nullptr;
    if (num_temps_ == kMaxTempTensors) {
      Misuse("more than %d temporary tensors held at once", kMaxTempTensors);
      return nullptr;
    }
    const size_t needed = RoundUp(sizeof(TfLiteTensor));
    if (needed > Free()) return nullptr;
    auto* tensor = new (head_) TfLiteTensor();
    head_ += needed;
    tensor->type = eval->type;
    tensor->data = eval->data;
    tensor->dims = eval->dims;
    tensor->bytes = tensors_->bytes[tensor_index];
    tensor->allocation_type = kTfLiteArenaRw;
    tensor->quantization.type = kTfLiteNoQuantization;
    temps_[num_temps_++] = tensor;
    return tensor;
  }

  void DeallocateTempTfLiteTensor(TfLiteTensor* tensor) override {
    for (int i = 0; i < num_temps_; ++i) {
      if (temps_[i] == tensor) {
        temps_[i] = temps_[--num_temps_];
        return;
      }
    }
    Misuse("DeallocateTempTfLiteTensor of a tensor that is not a temporary tensor held now "
           "(deallocated twice?)");
  }

  TfLiteEvalTensor* GetEvalTensor(int tensor_index) override {
    if (tensor_index < 0 || tensor_index >= tensors_->count) return nullptr;
    return &tensors_->eval[tensor_index];
  }

  void Enter(Stage stage) { stage_ = stage; }

  // Ends a stage as TFLM's allocator does after each node's Prepare and
  // Invoke (ResetTempAllocations): every temporary tensor must have been
  // given back, then their memory is reused. Returns false on a leak or on
  // a misuse of the API during the stage.
  bool FinishStage(const char* op) {
    bool ok = !misused_;
    if (misused_) messages_->Append("%s: %s: %s\n", op, StageName(stage_), misuse_);
    if (num_temps_ > 0) {
      messages_->Append(
          "%s: %s returned holding %d temporary tensor(s); TFLM requires "
          "DeallocateTempTfLiteTensor for each before it returns\n",
          op, StageName(stage_), num_temps_);
      ok = false;
    }
    misused_ = false;
    num_temps_ = 0;
    head_ = temp_start_;
    return ok;
  }

  Messages* messages() { return messages_; }

  // Records the kernel's first misuse of the API; FinishStage reports it.
  __attribute__((format(printf, 2, 3))) void Misuse(const char* format, ...) {
    if (misused_) return;  // keep the first
    misused_ = true;
    va_list args;
    va_start(args, format);
    vsnprintf(misuse_, sizeof(misuse_), format, args);
    va_end(args);
  }

 private:
  static size_t RoundUp(size_t bytes) {
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
  }
  size_t Free() const { return static_cast<size_t>(tail_ - head_); }

  Tensors* tensors_;
  Messages* messages_;
  uint8_t* head_;        // end of the temporary section
  uint8_t* tail_;        // start of the persistent section
  uint8_t* temp_start_;  // where the temporary section begins
  Stage stage_ = Stage::kInit;
  TfLiteTensor* temps_[kMaxTempTensors] = {};
  int num_temps_ = 0;
  bool misused_ = false;
  char misuse_[256] = "";
};

HostMicroContext* Host(const TfLiteContext* context) {
  return static_cast<HostMicroContext*>(tflite::GetMicroContext(context));
}

// The first conversion in `format` other than %s, %d, %u and %%, or '\0'.
// TFLM formats kernel messages with its own small printf, and opkit's micro
// kernels keep to these conversions, which every TFLM version formats.
char UnportableConversion(const char* format) {
  for (const char* p = strchr(format, '%'); p != nullptr; p = strchr(p + 2, '%')) {
    const char conversion = p[1];
    if (conversion == '\0') return '%';  // a lone '%' ends the format
    if (conversion != 's' && conversion != 'd' && conversion != 'u' && conversion != '%') {
      return conversion;
    }
  }
  return '\0';
}

// context->ReportError: TFLM prints kernel messages with MicroPrintf, which
// ends the line itself; here they are collected for the caller.
void ReportError(TfLiteContext* context, const char* format, ...) {
  HostMicroContext* host = Host(context);
  va_list args;
  va_start(args, format);
  host->messages()->VAppend(format, args);
  va_end(args);
  host->messages()->Append("\n");
  if (const char conversion = UnportableConversion(format)) {
    host->Misuse("ReportError format \"%s\" uses %%%c, which TFLM's printf may not format "
                 "(keep to %%s, %%d and %%u)",
                 format, conversion);
  }
}

void* AllocatePersistentBuffer(TfLiteContext* context, size_t bytes) {
  return Host(context)->AllocatePersistentBuffer(bytes);
}

TfLiteEvalTensor* GetEvalTensor(const TfLiteContext* context, int tensor_index) {
  return Host(context)->GetEvalTensor(tensor_index);
}

// TFLM leaves ResizeTensor null (shapes are fixed); a kernel calling it
// would crash on a device. Here it fails with a message instead.
TfLiteStatus ResizeTensor(TfLiteContext* context, TfLiteTensor*, TfLiteIntArray*) {
  Host(context)->messages()->Append(
      "ResizeTensor is not available in TensorFlow Lite Micro: output shapes are fixed\n");
  return kTfLiteError;
}

size_t ElementSize(TfLiteType type) {
  switch (type) {
    case kTfLiteBool:
    case kTfLiteInt8:
    case kTfLiteUInt8: return 1;
    case kTfLiteInt16:
    case kTfLiteUInt16:
    case kTfLiteFloat16:
    case kTfLiteBFloat16: return 2;
    case kTfLiteFloat32:
    case kTfLiteInt32:
    case kTfLiteUInt32: return 4;
    case kTfLiteFloat64:
    case kTfLiteInt64:
    case kTfLiteUInt64:
    case kTfLiteComplex64: return 8;
    case kTfLiteComplex128: return 16;
    default: return 0;
  }
}

}  // namespace opkit_host

// ---- The C API ------------------------------------------------------------------

// A tensor as the caller passes it: TfLiteType, shape, and the buffer.
struct OpkitMicroTensor {
  int32_t type;
  int32_t rank;
  const int32_t* dims;
  void* data;
  size_t bytes;
};

// opkit_micro_run's result: 0, or the stage that failed.
enum {
  kOpkitMicroOk = 0,
  kOpkitMicroBadCall = 1,  // the caller's arguments, or an op not in the library
  kOpkitMicroInitFailed = 2,
  kOpkitMicroPrepareFailed = 3,
  kOpkitMicroInvokeFailed = 4,
  kOpkitMicroFreeFailed = 5,
};

// How many ops the library holds.
OPKIT_HOST_EXPORT int opkit_micro_op_count(void) { return kAddCustomOpsCount; }

// The name of op `index`, in AddCustomOps' order, or nullptr. The names are
// the generated header's string literals, valid for the library's lifetime.
OPKIT_HOST_EXPORT const char* opkit_micro_op_name(int index) {
  opkit_host::Resolver resolver;
  if (AddCustomOps(resolver) != kTfLiteOk || index < 0 ||
      static_cast<unsigned int>(index) >= resolver.count) {
    return nullptr;
  }
  return resolver.entries[index].custom_name;
}

// Exercises the resolver's refusals the way TFLM's resolver behaves: filling
// it twice must refuse the duplicate, and one op more than its capacity must
// be refused. Writes the refusals to `log`, one per line; returns 0 when the
// resolver accepted and refused exactly what it should, else 1.
OPKIT_HOST_EXPORT int opkit_micro_check_resolver(char* log, size_t log_size) {
  opkit_host::Messages messages(log, log_size);
  // One spare entry: AddCustomOps a second time hits the duplicate check
  // (capacity is checked first, so a full resolver would hide it).
  opkit_host::HostOpResolver<kAddCustomOpsCount + 1> resolver;
  bool as_expected = AddCustomOps(resolver) == kTfLiteOk;
  as_expected = as_expected && AddCustomOps(resolver) != kTfLiteOk;
  messages.Append("%s\n", resolver.refusal);
  const TFLMRegistration probe = tflite::micro::RegisterOp(nullptr, nullptr, nullptr);
  as_expected = as_expected && resolver.AddCustom("OpkitHostProbe1", &probe) == kTfLiteOk;
  as_expected = as_expected && resolver.AddCustom("OpkitHostProbe2", &probe) != kTfLiteOk;
  messages.Append("%s\n", resolver.refusal);
  return as_expected ? 0 : 1;
}

// Runs op `op_name` once on the given tensors, as a one-node TFLM model:
// Init (with the custom options), Prepare, Invoke, Free. Outputs must be
// sized by the caller. Kernel memory comes from `arena` (arena_size bytes of
// any alignment; the usable part is aligned as TFLM aligns its arena).
// Returns 0, or the failed stage (see the enum above) with the kernel's
// reported messages, or the host's, in `error`.
OPKIT_HOST_EXPORT int opkit_micro_run(const char* op_name, const void* custom_options,
                                      size_t options_size, int num_inputs,
                                      const OpkitMicroTensor* inputs, int num_outputs,
                                      const OpkitMicroTensor* outputs, void* arena,
                                      size_t arena_size, char* error, size_t error_size) {
  using opkit_host::Stage;
  opkit_host::Messages messages(error, error_size);
  if (op_name == nullptr || num_inputs < 0 || num_outputs < 0 ||
      num_inputs + num_outputs > opkit_host::kMaxTensors ||
      (num_inputs > 0 && inputs == nullptr) || (num_outputs > 0 && outputs == nullptr) ||
      (options_size > 0 && custom_options == nullptr) || options_size > INT32_MAX) {
    messages.Append("opkit_micro_run: invalid arguments (at most %d tensors)\n",
                    opkit_host::kMaxTensors);
    return kOpkitMicroBadCall;
  }

  opkit_host::Resolver resolver;
  if (AddCustomOps(resolver) != kTfLiteOk) {
    messages.Append("AddCustomOps failed: %s\n", resolver.refusal);
    return kOpkitMicroBadCall;
  }
  const TFLMRegistration* registration = resolver.Find(op_name);
  if (registration == nullptr) {
    messages.Append("op '%s' is not in this library (it has:", op_name);
    for (unsigned int i = 0; i < resolver.count; ++i) {
      messages.Append("%s %s", i == 0 ? "" : ",", resolver.entries[i].custom_name);
    }
    messages.Append(")\n");
    return kOpkitMicroBadCall;
  }

  // Tensors 0..num_inputs-1 are the inputs, then the outputs.
  opkit_host::Tensors tensors;
  int node_inputs[1 + opkit_host::kMaxTensors];
  int node_outputs[1 + opkit_host::kMaxTensors];
  node_inputs[0] = num_inputs;
  node_outputs[0] = num_outputs;
  for (int i = 0; i < num_inputs + num_outputs; ++i) {
    const bool is_input = i < num_inputs;
    const OpkitMicroTensor& given = is_input ? inputs[i] : outputs[i - num_inputs];
    const auto type = static_cast<TfLiteType>(given.type);
    const size_t element_size = opkit_host::ElementSize(type);
    size_t count = 1;
    bool valid = element_size > 0 && given.rank >= 0 && given.rank <= opkit_host::kMaxDims &&
                 (given.rank == 0 || given.dims != nullptr);
    tensors.dims[i][0] = valid ? given.rank : 0;
    for (int d = 0; valid && d < given.rank; ++d) {
      tensors.dims[i][1 + d] = given.dims[d];
      valid = given.dims[d] >= 0 &&
              !__builtin_mul_overflow(count, static_cast<size_t>(given.dims[d]), &count);
    }
    valid = valid && !__builtin_mul_overflow(count, element_size, &count) &&
            given.bytes == count && (given.bytes == 0 || given.data != nullptr);
    if (!valid) {
      messages.Append("opkit_micro_run: %s %d: invalid type, shape or buffer size\n",
                      is_input ? "input" : "output", is_input ? i : i - num_inputs);
      return kOpkitMicroBadCall;
    }
    tensors.eval[i].type = type;
    tensors.eval[i].data.data = given.data;
    tensors.eval[i].dims = reinterpret_cast<TfLiteIntArray*>(tensors.dims[i]);
    tensors.bytes[i] = given.bytes;
    (is_input ? node_inputs[1 + i] : node_outputs[1 + i - num_inputs]) = i;
  }
  tensors.count = num_inputs + num_outputs;

  opkit_host::HostMicroContext micro_context(arena, arena_size, &tensors, &messages);
  // TFLM's MicroInterpreter context: no tensors array (kernels reach tensors
  // through the MicroContext), impl_ pointing at the MicroContext.
  TfLiteContext context{};
  context.tensors_size = 0;
  context.tensors = nullptr;
  context.impl_ = static_cast<tflite::MicroContext*>(&micro_context);
  context.ReportError = opkit_host::ReportError;
  context.ResizeTensor = opkit_host::ResizeTensor;
  context.AllocatePersistentBuffer = opkit_host::AllocatePersistentBuffer;
  context.GetEvalTensor = opkit_host::GetEvalTensor;

  // For a custom op TFLM passes the custom options both to Init and in the node.
  TfLiteNode node{};
  node.inputs = reinterpret_cast<TfLiteIntArray*>(node_inputs);
  node.outputs = reinterpret_cast<TfLiteIntArray*>(node_outputs);
  node.custom_initial_data = options_size > 0 ? custom_options : nullptr;
  node.custom_initial_data_size = static_cast<int>(options_size);
  const char* init_data = static_cast<const char*>(node.custom_initial_data);

  // Init (AllocateTensors' InitSubgraphs): the returned pointer, possibly
  // nullptr, becomes user_data.
  int result = kOpkitMicroOk;
  micro_context.Enter(Stage::kInit);
  if (registration->init != nullptr) {
    node.user_data = registration->init(&context, init_data, options_size);
  }
  if (!micro_context.FinishStage(op_name)) result = kOpkitMicroInitFailed;

  // Prepare (PrepareSubgraphs), then Invoke, each stopping the run on failure
  // like TFLM does ("Node ... failed to prepare/invoke with status ...").
  const struct {
    Stage stage;
    TfLiteStatus (*function)(TfLiteContext*, TfLiteNode*);
    int failure;
  } stages[] = {{Stage::kPrepare, registration->prepare, kOpkitMicroPrepareFailed},
                {Stage::kInvoke, registration->invoke, kOpkitMicroInvokeFailed}};
  for (const auto& stage : stages) {
    if (result != kOpkitMicroOk) break;
    micro_context.Enter(stage.stage);
    const int reported_before = messages.count();
    TfLiteStatus status = kTfLiteOk;
    if (stage.function != nullptr) {
      status = stage.function(&context, &node);
    } else if (stage.stage == Stage::kInvoke) {
      messages.Append("%s: the registration has no invoke function\n", op_name);
      status = kTfLiteError;
    }
    if (status != kTfLiteOk && messages.count() == reported_before) {
      messages.Append("%s: %s failed with status %d without reporting why\n", op_name,
                      opkit_host::StageName(stage.stage), static_cast<int>(status));
    }
    const bool finished = micro_context.FinishStage(op_name);
    if (status != kTfLiteOk || !finished) result = stage.failure;
  }

  // Free, when the interpreter goes away: for every node Init ran on.
  micro_context.Enter(Stage::kFree);
  if (registration->free != nullptr) registration->free(&context, node.user_data);
  if (!micro_context.FinishStage(op_name) && result == kOpkitMicroOk) {
    result = kOpkitMicroFreeFailed;
  }
  return result;
}
