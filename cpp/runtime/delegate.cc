// The opkit delegate runtime: runs an op library's custom-op kernels inside an
// unmodified TFLite interpreter.
//
// The interpreters in the tensorflow and ai-edge-litert wheels cannot take a
// custom op registration from a separately built library (they export no
// TFLite symbols), but they do load plugin delegates. For every custom op its
// resolver lacks, the interpreter keeps an "unresolved" placeholder node. This
// delegate claims the placeholders whose op the library implements and runs
// the library's kernels for them, exactly as the interpreter would have run a
// registered custom op: init with the node's custom_options, then prepare and
// invoke per node.
//
// TFLite groups adjacent claimed nodes into one delegate node ("partition").
// The partition kernel below keeps a private TfLiteNode per claimed node,
// copied during init, because GetNodeAndRegistration is not allowed once the
// partition runs.
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "opkit/kernel_util.h"
#include "opkit/op_library.h"

namespace opkit {
namespace {

constexpr char kDelegateName[] = "OpkitDelegate";

const OpkitOpEntry* FindOp(const char* name) {
  for (const OpkitOpEntry* op = kOpTable; op->name != nullptr; ++op) {
    if (strcmp(op->name, name) == 0) return op;
  }
  return nullptr;
}

// The placeholder the interpreter uses for a custom op its resolver could not
// find has only an invoke (which fails with "Encountered unresolved custom
// op"). A custom op that the interpreter did resolve has at least one of
// init/free/prepare or an external registration, and is left alone.
//
// The placeholder's version is always 1, whatever the model says: the runtime
// cannot see op versions, so the Python loader compares the model's versions
// with the library's before the delegate is applied, and a library holds at
// most one version of each op (opkit_add_op_library enforces it).
bool IsUnresolvedCustomOp(const TfLiteRegistration* registration) {
  return registration != nullptr &&
         registration->builtin_code == kTfLiteBuiltinCustom &&
         registration->custom_name != nullptr &&
         registration->init == nullptr && registration->free == nullptr &&
         registration->prepare == nullptr &&
         registration->registration_external == nullptr;
}

struct IntArrayFree {
  void operator()(TfLiteIntArray* array) const { free(array); }
};
using IntArrayPtr = std::unique_ptr<TfLiteIntArray, IntArrayFree>;

IntArrayPtr CopyArray(const TfLiteIntArray* source) {
  IntArrayPtr copy(CopyIntArray(source));
  if (copy == nullptr) throw std::bad_alloc();
  return copy;
}

IntArrayPtr ArrayOf(const std::vector<int>& values) {
  IntArrayPtr array(NewIntArray(static_cast<int>(values.size())));
  if (array == nullptr) throw std::bad_alloc();
  std::copy(values.begin(), values.end(), array->data);
  return array;
}

// One claimed node, replayed by the partition kernel.
struct OpNode {
  const OpkitOpEntry* op = nullptr;
  TfLiteRegistration* kernel = nullptr;
  int node_index = -1;
  // The node handed to the kernel; its arrays are owned below.
  TfLiteNode node{};
  IntArrayPtr inputs, outputs, intermediates, temporaries;
  // A private copy of custom_options, alive as long as the node.
  std::vector<char> options;
  bool initialized = false;
};

struct Partition {
  std::vector<std::unique_ptr<OpNode>> nodes;
  // Tensors produced and consumed inside the partition only. The arena
  // planner sees just the partition's own inputs and outputs, so nothing
  // would allocate these; they are made dynamic (heap) before prepare.
  std::vector<int> interior_tensors;
};

void FreeNode(TfLiteContext* context, OpNode* op_node) {
  if (op_node->initialized && op_node->kernel->free != nullptr) {
    op_node->kernel->free(context, op_node->node.user_data);
  }
  op_node->initialized = false;
}

void FreePartition(TfLiteContext* context, Partition* partition) {
  if (partition == nullptr) return;
  for (auto& op_node : partition->nodes) FreeNode(context, op_node.get());
  delete partition;
}

std::unique_ptr<OpNode> CopyNode(TfLiteContext* context, int node_index) {
  TfLiteNode* node = nullptr;
  TfLiteRegistration* registration = nullptr;
  if (context->GetNodeAndRegistration(context, node_index, &node,
                                      &registration) != kTfLiteOk) {
    ReportError(context, "opkit: cannot read node %d", node_index);
    return nullptr;
  }
  auto op_node = std::make_unique<OpNode>();
  op_node->node_index = node_index;
  op_node->op = IsUnresolvedCustomOp(registration)
                    ? FindOp(registration->custom_name)
                    : nullptr;
  if (op_node->op == nullptr) {
    ReportError(context, "opkit: node %d is not a custom op of this library",
                node_index);
    return nullptr;
  }
  op_node->kernel = op_node->op->registration();
  op_node->inputs = CopyArray(node->inputs);
  op_node->outputs = CopyArray(node->outputs);
  op_node->intermediates = ArrayOf({});
  op_node->temporaries = ArrayOf({});
  const auto* options = static_cast<const char*>(node->custom_initial_data);
  const int options_size = options == nullptr ? 0 : node->custom_initial_data_size;
  op_node->options.assign(options, options + options_size);

  TfLiteNode& copy = op_node->node;
  copy.inputs = op_node->inputs.get();
  copy.outputs = op_node->outputs.get();
  copy.intermediates = op_node->intermediates.get();
  copy.temporaries = op_node->temporaries.get();
  copy.custom_initial_data =
      op_node->options.empty() ? nullptr : op_node->options.data();
  copy.custom_initial_data_size = options_size;
  copy.might_have_side_effect = node->might_have_side_effect;
  return op_node;
}

std::vector<int> InteriorTensors(const Partition& partition,
                                 const TfLiteIntArray* partition_outputs) {
  const int* begin = partition_outputs->data;
  const int* end = begin + partition_outputs->size;
  std::vector<int> interior;
  for (const auto& op_node : partition.nodes) {
    const TfLiteIntArray* outputs = op_node->node.outputs;
    for (int i = 0; i < outputs->size; ++i) {
      const int tensor = outputs->data[i];
      if (tensor >= 0 && std::find(begin, end, tensor) == end) {
        interior.push_back(tensor);
      }
    }
  }
  return interior;
}

// ---- The partition kernel -------------------------------------------------

void* PartitionInit(TfLiteContext* context, const char* buffer, size_t) {
  const auto* params = reinterpret_cast<const TfLiteDelegateParams*>(buffer);
  auto partition = std::make_unique<Partition>();
  try {
    for (int i = 0; i < params->nodes_to_replace->size; ++i) {
      std::unique_ptr<OpNode> op_node =
          CopyNode(context, params->nodes_to_replace->data[i]);
      if (op_node == nullptr) {
        FreePartition(context, partition.release());
        return nullptr;
      }
      TfLiteRegistration* kernel = op_node->kernel;
      if (kernel->init != nullptr) {
        op_node->node.user_data = kernel->init(
            context, static_cast<const char*>(op_node->node.custom_initial_data),
            op_node->options.size());
      }
      op_node->initialized = true;
      partition->nodes.push_back(std::move(op_node));
    }
    partition->interior_tensors =
        InteriorTensors(*partition, params->output_tensors);
  } catch (const std::exception& e) {
    ReportError(context, "opkit: %s while setting up custom ops", e.what());
    FreePartition(context, partition.release());
    return nullptr;
  }
  return partition.release();
}

void PartitionFree(TfLiteContext* context, void* buffer) {
  FreePartition(context, static_cast<Partition*>(buffer));
}

// Lets the interior tensors be sized by the kernels' own ResizeTensor calls.
// A tensor still marked for the arena has never been given arena memory (the
// planner does not know it), so any pointer it holds is not ours to free.
void MakeInteriorTensorsDynamic(TfLiteContext* context,
                                const Partition& partition) {
  for (int index : partition.interior_tensors) {
    TfLiteTensor& tensor = context->tensors[index];
    if (tensor.allocation_type == kTfLiteArenaRw) {
      tensor.data.raw = nullptr;
      tensor.bytes = 0;
      tensor.allocation_type = kTfLiteDynamic;
    }
  }
}

using KernelStep = TfLiteStatus (*TfLiteRegistration::*)(TfLiteContext*,
                                                         TfLiteNode*);

// Runs one step (prepare or invoke) of every claimed node, in graph order.
TfLiteStatus RunNodes(TfLiteContext* context, const Partition& partition,
                      KernelStep step, const char* failure) {
  for (const auto& op_node : partition.nodes) {
    const auto function = op_node->kernel->*step;
    if (function != nullptr && function(context, &op_node->node) != kTfLiteOk) {
      ReportError(context, "opkit: custom op %s (node %d) %s",
                  op_node->op->name, op_node->node_index, failure);
      return kTfLiteError;
    }
  }
  return kTfLiteOk;
}

TfLiteStatus PartitionPrepare(TfLiteContext* context, TfLiteNode* node) {
  const auto* partition = static_cast<const Partition*>(node->user_data);
  if (partition == nullptr) {
    ReportError(context, "opkit: custom ops could not be initialised");
    return kTfLiteError;
  }
  MakeInteriorTensorsDynamic(context, *partition);
  return RunNodes(context, *partition, &TfLiteRegistration::prepare,
                  "failed to prepare");
}

TfLiteStatus PartitionInvoke(TfLiteContext* context, TfLiteNode* node) {
  const auto* partition = static_cast<const Partition*>(node->user_data);
  if (partition == nullptr) return kTfLiteError;
  return RunNodes(context, *partition, &TfLiteRegistration::invoke, "failed");
}

// ---- The delegate ----------------------------------------------------------

TfLiteStatus DelegatePrepare(TfLiteContext* context, TfLiteDelegate* delegate) {
  try {
    TfLiteIntArray* plan = nullptr;
    OPKIT_ENSURE_OK(context->GetExecutionPlan(context, &plan));
    std::vector<int> claimed;
    for (int i = 0; i < plan->size; ++i) {
      TfLiteNode* node = nullptr;
      TfLiteRegistration* registration = nullptr;
      OPKIT_ENSURE_OK(context->GetNodeAndRegistration(context, plan->data[i],
                                                      &node, &registration));
      if (IsUnresolvedCustomOp(registration) &&
          FindOp(registration->custom_name) != nullptr) {
        claimed.push_back(plan->data[i]);
      }
    }
    if (claimed.empty()) return kTfLiteOk;

    TfLiteRegistration kernel{};
    kernel.init = PartitionInit;
    kernel.free = PartitionFree;
    kernel.prepare = PartitionPrepare;
    kernel.invoke = PartitionInvoke;
    kernel.builtin_code = kTfLiteBuiltinDelegate;
    kernel.custom_name = kDelegateName;
    kernel.version = 1;
    const IntArrayPtr nodes = ArrayOf(claimed);
    return context->ReplaceNodeSubsetsWithDelegateKernels(context, kernel,
                                                          nodes.get(), delegate);
  } catch (const std::exception& e) {
    ReportError(context, "opkit: %s while claiming custom ops", e.what());
    return kTfLiteError;
  }
}

}  // namespace
}  // namespace opkit

// ---- Exported C entry points -------------------------------------------------

extern "C" {

int opkit_library_abi_version(void) { return OPKIT_LIBRARY_ABI_VERSION; }

int opkit_op_count(void) {
  int count = 0;
  while (opkit::kOpTable[count].name != nullptr) ++count;
  return count;
}

const char* opkit_op_name(int index) {
  return index >= 0 && index < opkit_op_count() ? opkit::kOpTable[index].name
                                                : nullptr;
}

int opkit_op_version(int index) {
  return index >= 0 && index < opkit_op_count()
             ? opkit::kOpTable[index].version
             : -1;
}

TfLiteDelegate* tflite_plugin_create_delegate(char** options_keys, char**,
                                              int num_options,
                                              void (*report_error)(const char*)) {
  if (num_options > 0) {
    // No options exist yet; refusing unknown ones beats ignoring a typo.
    if (report_error != nullptr) {
      std::string message = "opkit: unknown delegate option '";
      message += options_keys[0] == nullptr ? "" : options_keys[0];
      message += "' (opkit op libraries take no options)";
      report_error(message.c_str());
    }
    return nullptr;
  }
  auto* delegate = new (std::nothrow) TfLiteDelegate{};
  if (delegate == nullptr) {
    if (report_error != nullptr) report_error("opkit: out of memory");
    return nullptr;
  }
  delegate->Prepare = opkit::DelegatePrepare;
  delegate->flags = kTfLiteDelegateFlagsAllowDynamicTensors;
  return delegate;
}

void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate) {
  delete delegate;
}

}  // extern "C"
