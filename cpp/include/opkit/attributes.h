// Typed access to a custom op's attributes, i.e. the flexbuffer map that the
// converter writes into custom_options (`{"T": 0, "exclusive": true}`, or the
// attributes of a fused op).
//
// Meant for a kernel's Init, which cannot fail: each getter leaves the value
// untouched when the attribute is absent (so the default stands) and records
// the first error - a wrong type, an out-of-range number, malformed options -
// for Prepare to report. Nothing is allocated and nothing is formatted with
// printf (both matter in firmware); strings are views into the options
// buffer, which outlives the node.
#ifndef OPKIT_ATTRIBUTES_H_
#define OPKIT_ATTRIBUTES_H_

#include <stddef.h>
#include <stdint.h>

#include <limits>
#include <type_traits>

#include "opkit/flexbuffers.h"
#include "opkit/kernel_util.h"

namespace opkit {
inline namespace OPKIT_FLAVOUR {  // see kernel_util.h

class Attributes {
 public:
  Attributes(const void* buffer, size_t size) {
    error_[0] = '\0';
    if (buffer == nullptr || size == 0) return;  // no options: all defaults
    root_ = flex::GetRoot(buffer, size);
    if (!root_.IsMap()) {
      Message("custom_options is not a flexbuffer map (");
      AppendInt(error_, sizeof(error_), static_cast<long long>(size));
      Append(error_, sizeof(error_), " bytes)");
    }
  }

  // The longest message error() returns, its terminating NUL included.
  static constexpr size_t kMaxErrorLength = 192;

  bool ok() const { return error_[0] == '\0'; }
  // The first error, or "" when there was none.
  const char* error() const { return error_; }

  // Records an error when a required attribute (one without a default) is
  // missing from the options.
  bool Require(const char* name) {
    if (!ok() || Find(name).valid()) return ok();
    Message("required attribute '", name, "' is missing");
    return false;
  }

  template <typename Int>
  bool GetInt(const char* name, Int* value) {
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    int64_t wide;
    if (!ref.GetInt(&wide)) return Fail(name, "an integer", ref);
    using Limits = std::numeric_limits<Int>;
    if (wide < static_cast<int64_t>(Limits::min()) ||
        (wide > 0 && static_cast<uint64_t>(wide) >
                         static_cast<uint64_t>(Limits::max()))) {
      Message("attribute '", name, "' = ");
      AppendInt(error_, sizeof(error_), static_cast<long long>(wide));
      Append(error_, sizeof(error_), " is out of range for its type");
      return false;
    }
    *value = static_cast<Int>(wide);
    return true;
  }

  template <typename Float>
  bool GetFloat(const char* name, Float* value) {
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    double wide;
    if (!ref.GetDouble(&wide)) return Fail(name, "a number", ref);
    *value = static_cast<Float>(wide);
    return true;
  }

  // Also takes integers: the TF 2.21 converter writes a fused op's bool
  // attribute as an int (true -> -1, false -> 0).
  bool GetBool(const char* name, bool* value) {
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    int64_t as_int;
    if (ref.GetBool(value)) return true;
    if ((ref.IsInt() || ref.IsUInt()) && ref.GetInt(&as_int)) {
      *value = as_int != 0;
      return true;
    }
    return Fail(name, "a bool", ref);
  }

  bool GetString(const char* name, const char** data, size_t* size) {
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    if (ref.IsBlob() || !ref.GetString(data, size)) {
      return Fail(name, "a string", ref);
    }
    return true;
  }

  // A dtype attribute such as TF's `T`, stored by the converter as the
  // .tflite schema's TensorType number.
  bool GetType(const char* name, TfLiteType* value) {
    int64_t schema_type = -1;
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    if (!ref.GetInt(&schema_type)) return Fail(name, "a dtype", ref);
    const TfLiteType type = TypeFromSchemaTensorType(schema_type);
    if (type == kTfLiteNoType) {
      Message("attribute '", name, "' = ");
      AppendInt(error_, sizeof(error_), static_cast<long long>(schema_type));
      Append(error_, sizeof(error_), " is not a dtype");
      return false;
    }
    *value = type;
    return true;
  }

  // A list attribute, copied into values[0..capacity). *count receives the
  // list's length; a list longer than `capacity` is an error.
  template <typename Number>
  bool GetList(const char* name, Number* values, size_t capacity,
               size_t* count) {
    const flex::Reference ref = Find(name);
    if (!ref.valid()) return ok();
    if (!ref.IsVector()) return Fail(name, "a list", ref);
    const size_t length = ref.size();
    if (length > capacity) {
      Message("attribute '", name, "' has ");
      AppendInt(error_, sizeof(error_), static_cast<long long>(length));
      Append(error_, sizeof(error_), " elements; at most ");
      AppendInt(error_, sizeof(error_), static_cast<long long>(capacity));
      Append(error_, sizeof(error_), " are supported");
      return false;
    }
    for (size_t i = 0; i < length; ++i) {
      const flex::Reference element = ref[i];
      double as_double;
      int64_t as_int;
      if (std::is_floating_point<Number>::value) {
        if (!element.GetDouble(&as_double)) return Fail(name, "a list of numbers", element);
        values[i] = static_cast<Number>(as_double);
      } else {
        if (!element.GetInt(&as_int)) return Fail(name, "a list of integers", element);
        values[i] = static_cast<Number>(as_int);
      }
    }
    *count = length;
    return true;
  }

  // The raw reference for anything the getters do not cover.
  flex::Reference Find(const char* name) const {
    return ok() && root_.valid() ? root_.Find(name) : flex::Reference();
  }

 private:
  static const char* KindName(const flex::Reference& ref) {
    if (ref.IsNull()) return "null";
    if (ref.IsBool()) return "bool";
    if (ref.IsInt() || ref.IsUInt()) return "integer";
    if (ref.IsFloat()) return "float";
    if (ref.IsString() || ref.IsKey()) return "string";
    if (ref.IsBlob()) return "blob";
    if (ref.IsMap()) return "map";
    if (ref.IsVector()) return "list";
    return "malformed value";
  }

  bool Fail(const char* name, const char* expected,
            const flex::Reference& got) {
    if (ok()) Message("attribute '", name, "' must be ", expected, ", not ", KindName(got));
    return false;
  }

  // Starts the error message with the concatenation of `parts`. Messages are
  // built without printf, which would pull malloc into firmware.
  template <typename... Parts>
  void Message(const Parts*... parts) {
    error_[0] = '\0';
    (Append(error_, sizeof(error_), parts), ...);
  }

  flex::Reference root_;
  char error_[kMaxErrorLength];
};

}  // namespace OPKIT_FLAVOUR
}  // namespace opkit

#endif  // OPKIT_ATTRIBUTES_H_
