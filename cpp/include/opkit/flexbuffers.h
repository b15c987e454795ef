// A bounds-checked reader for the FlexBuffers subset that the TFLite converter
// writes into a custom op's custom_options: a map from attribute names to
// scalars (int, uint, float, bool), strings, and vectors of those.
//
// opkit carries its own reader because no wheel ships flatbuffers' C++
// headers. It never reads outside [buffer, buffer + size): a malformed buffer
// gives an invalid Reference (valid() == false), never a crash, so a kernel's
// Init can report bad options cleanly. Tests compare it with the Python
// `flatbuffers.flexbuffers` module on the same bytes.
//
// Layout reminders (all little-endian):
//  - the buffer ends with the root value, then one "packed type" byte
//    (type << 2 | log2 of the value's own byte width), then the root's width;
//  - offset-typed values (strings, vectors, maps, indirect scalars) store an
//    unsigned distance that points *backwards* to their payload;
//  - a vector's element count sits just before its payload; an untyped
//    vector's per-element packed types follow its elements; a map is an
//    untyped vector of values preceded by (keys offset, keys width, count).
#ifndef OPKIT_FLEXBUFFERS_H_
#define OPKIT_FLEXBUFFERS_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace opkit {
namespace flex {

enum class Type : uint8_t {
  kNull = 0,
  kInt = 1,
  kUInt = 2,
  kFloat = 3,
  kKey = 4,
  kString = 5,
  kIndirectInt = 6,
  kIndirectUInt = 7,
  kIndirectFloat = 8,
  kMap = 9,
  kVector = 10,
  kVectorInt = 11,
  kVectorUInt = 12,
  kVectorFloat = 13,
  kVectorKey = 14,
  kVectorStringDeprecated = 15,
  kVectorInt2 = 16,
  kVectorUInt2 = 17,
  kVectorFloat2 = 18,
  kVectorInt3 = 19,
  kVectorUInt3 = 20,
  kVectorFloat3 = 21,
  kVectorInt4 = 22,
  kVectorUInt4 = 23,
  kVectorFloat4 = 24,
  kBlob = 25,
  kBool = 26,
  kVectorBool = 36,
  kInvalid = 255,
};

class Reference {
 public:
  // An invalid reference: what every failed lookup or malformed read returns.
  Reference() = default;

  bool valid() const { return type_ != Type::kInvalid; }
  Type type() const { return type_; }

  bool IsNull() const { return type_ == Type::kNull; }
  bool IsBool() const { return type_ == Type::kBool; }
  bool IsInt() const {
    return type_ == Type::kInt || type_ == Type::kIndirectInt;
  }
  bool IsUInt() const {
    return type_ == Type::kUInt || type_ == Type::kIndirectUInt;
  }
  bool IsFloat() const {
    return type_ == Type::kFloat || type_ == Type::kIndirectFloat;
  }
  bool IsString() const { return type_ == Type::kString; }
  bool IsKey() const { return type_ == Type::kKey; }
  bool IsBlob() const { return type_ == Type::kBlob; }
  bool IsMap() const { return type_ == Type::kMap; }
  // Any vector kind: untyped, typed, fixed-size typed, or bool.
  bool IsVector() const {
    const int t = static_cast<int>(type_);
    return type_ == Type::kVector || (t >= 11 && t <= 24) ||
           type_ == Type::kVectorBool;
  }

  // Scalar reads. Each returns false (leaving *out alone) when the value is not
  // of a compatible kind or cannot be read. Integers convert between signed
  // and unsigned only when the value fits.
  bool GetInt(int64_t* out) const {
    uint64_t bits;
    if (IsInt()) {
      if (!ReadScalarBits(&bits)) return false;
      *out = SignExtend(bits, ScalarWidth());
      return true;
    }
    if (IsUInt()) {
      if (!ReadScalarBits(&bits) || bits > static_cast<uint64_t>(INT64_MAX)) {
        return false;
      }
      *out = static_cast<int64_t>(bits);
      return true;
    }
    return false;
  }

  bool GetUInt(uint64_t* out) const {
    int64_t value;
    if (IsInt()) {
      if (!GetInt(&value) || value < 0) return false;
      *out = static_cast<uint64_t>(value);
      return true;
    }
    return IsUInt() && ReadScalarBits(out);
  }

  // Floats, and integers widened to double.
  bool GetDouble(double* out) const {
    if (IsFloat()) {
      uint64_t bits;
      if (!ReadScalarBits(&bits)) return false;
      const uint8_t width = ScalarWidth();
      if (width == 4) {
        uint32_t narrow = static_cast<uint32_t>(bits);
        float value;
        memcpy(&value, &narrow, sizeof(value));
        *out = value;
        return true;
      }
      if (width == 8) {
        double value;
        memcpy(&value, &bits, sizeof(value));
        *out = value;
        return true;
      }
      return false;
    }
    int64_t signed_value;
    uint64_t unsigned_value;
    if (IsInt() && GetInt(&signed_value)) {
      *out = static_cast<double>(signed_value);
      return true;
    }
    if (IsUInt() && GetUInt(&unsigned_value)) {
      *out = static_cast<double>(unsigned_value);
      return true;
    }
    return false;
  }

  bool GetBool(bool* out) const {
    uint64_t bits;
    if (!IsBool() || !ReadScalarBits(&bits)) return false;
    *out = bits != 0;
    return true;
  }

  // Strings and keys (keys end at their NUL), and blobs as bytes. The view
  // points into the buffer.
  bool GetString(const char** data, size_t* size) const {
    const uint8_t* target;
    if (type_ == Type::kKey) {
      if (!Target(&target)) return false;
      const void* nul = memchr(target, 0, static_cast<size_t>(end_ - target));
      if (nul == nullptr) return false;
      *data = reinterpret_cast<const char*>(target);
      *size = static_cast<size_t>(static_cast<const uint8_t*>(nul) - target);
      return true;
    }
    if (type_ != Type::kString && type_ != Type::kBlob) return false;
    uint64_t length;
    if (!Target(&target) ||
        !ReadUInt(Before(target, byte_width_), byte_width_, &length) ||
        length > static_cast<uint64_t>(end_ - target)) {
      return false;
    }
    *data = reinterpret_cast<const char*>(target);
    *size = static_cast<size_t>(length);
    return true;
  }

  // Element count of a vector or map; 0 for anything else or when malformed.
  size_t size() const {
    const uint8_t* elements;
    size_t count = 0;
    return Elements(&elements, &count) ? count : 0;
  }

  // The i-th element of a vector, or the i-th value of a map.
  Reference operator[](size_t index) const {
    const uint8_t* elements;
    size_t count;
    if (!Elements(&elements, &count) || index >= count) return Reference();
    const uint8_t* element = elements + index * byte_width_;
    if (type_ == Type::kVector || type_ == Type::kMap) {
      const uint8_t packed_type = elements[count * byte_width_ + index];
      return Reference(begin_, end_, element, byte_width_, packed_type);
    }
    return Reference(begin_, end_, element, byte_width_, 1, ElementType());
  }

  // The i-th key of a map.
  Reference KeyAt(size_t index) const {
    const uint8_t* keys;
    uint8_t keys_width;
    if (!MapKeys(&keys, &keys_width)) return Reference();
    if (index >= size() ||
        index >= static_cast<size_t>(end_ - keys) / keys_width) {
      return Reference();
    }
    return Reference(begin_, end_, keys + index * keys_width, keys_width, 1,
                     Type::kKey);
  }

  // The value stored under `key` in a map; an invalid reference when absent.
  Reference Find(const char* key) const {
    if (!IsMap()) return Reference();
    const size_t key_length = strlen(key);
    const size_t count = size();
    for (size_t i = 0; i < count; ++i) {
      const char* name;
      size_t name_length;
      if (KeyAt(i).GetString(&name, &name_length) &&
          name_length == key_length && memcmp(name, key, key_length) == 0) {
        return (*this)[i];
      }
    }
    return Reference();
  }

 private:
  friend Reference GetRoot(const void* buffer, size_t size);

  Reference(const uint8_t* begin, const uint8_t* end, const uint8_t* data,
            uint8_t parent_width, uint8_t packed_type)
      : Reference(begin, end, data, parent_width,
                  static_cast<uint8_t>(1u << (packed_type & 3u)),
                  static_cast<Type>(packed_type >> 2)) {}

  Reference(const uint8_t* begin, const uint8_t* end, const uint8_t* data,
            uint8_t parent_width, uint8_t byte_width, Type type)
      : begin_(begin),
        end_(end),
        data_(data),
        parent_width_(parent_width),
        byte_width_(byte_width),
        type_(KnownType(type) ? type : Type::kInvalid) {}

  static bool KnownType(Type type) {
    const int t = static_cast<int>(type);
    return t <= 26 || type == Type::kVectorBool;
  }

  bool InBounds(const uint8_t* p, size_t width) const {
    return p != nullptr && p >= begin_ && p <= end_ &&
           width <= static_cast<size_t>(end_ - p);
  }

  // p - n, or null when that would leave the buffer (never forms a pointer
  // before its start).
  const uint8_t* Before(const uint8_t* p, uint64_t n) const {
    return n <= static_cast<uint64_t>(p - begin_) ? p - n : nullptr;
  }

  bool ReadUInt(const uint8_t* p, uint8_t width, uint64_t* out) const {
    if ((width != 1 && width != 2 && width != 4 && width != 8) ||
        !InBounds(p, width)) {
      return false;
    }
    uint64_t value = 0;
    for (uint8_t i = 0; i < width; ++i) {
      value |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    *out = value;
    return true;
  }

  static int64_t SignExtend(uint64_t bits, uint8_t width) {
    if (width >= 8) return static_cast<int64_t>(bits);
    const uint64_t sign = 1ull << (8 * width - 1);
    return static_cast<int64_t>((bits ^ sign) - sign);
  }

  bool IsIndirectScalar() const {
    return type_ == Type::kIndirectInt || type_ == Type::kIndirectUInt ||
           type_ == Type::kIndirectFloat;
  }

  // Inline scalars are stored in the parent's width; indirect ones in their
  // own width at the offset target.
  uint8_t ScalarWidth() const {
    return IsIndirectScalar() ? byte_width_ : parent_width_;
  }

  bool ReadScalarBits(uint64_t* bits) const {
    if (IsIndirectScalar()) {
      const uint8_t* target;
      return Target(&target) && ReadUInt(target, byte_width_, bits);
    }
    return ReadUInt(data_, parent_width_, bits);
  }

  // Follows the backwards offset stored at data_.
  bool Target(const uint8_t** target) const {
    uint64_t offset;
    if (!ReadUInt(data_, parent_width_, &offset) ||
        offset > static_cast<uint64_t>(data_ - begin_)) {
      return false;
    }
    *target = data_ - offset;
    return true;
  }

  Type ElementType() const {
    const int t = static_cast<int>(type_);
    if (type_ == Type::kVectorBool) return Type::kBool;
    // Deprecated string vectors cannot carry string lengths reliably; like the
    // reference implementation, read their elements as keys.
    if (type_ == Type::kVectorStringDeprecated) return Type::kKey;
    if (t >= 11 && t <= 14) return static_cast<Type>(t - 11 + 1);
    if (t >= 16 && t <= 24) return static_cast<Type>((t - 16) % 3 + 1);
    return Type::kInvalid;
  }

  size_t FixedLength() const {
    const int t = static_cast<int>(type_);
    return (t >= 16 && t <= 24) ? static_cast<size_t>((t - 16) / 3 + 2) : 0;
  }

  // Locates a vector's (or map's) elements and count, checking that the
  // elements - and an untyped vector's type bytes - lie inside the buffer.
  bool Elements(const uint8_t** elements, size_t* count) const {
    if (!IsVector() && !IsMap()) return false;
    const uint8_t* target;
    if (!Target(&target)) return false;
    uint64_t length = FixedLength();
    if (length == 0 &&
        !ReadUInt(Before(target, byte_width_), byte_width_, &length)) {
      return false;
    }
    const size_t available = static_cast<size_t>(end_ - target);
    const size_t per_element =
        byte_width_ + ((type_ == Type::kVector || type_ == Type::kMap) ? 1 : 0);
    if (length > available / per_element) return false;
    *elements = target;
    *count = static_cast<size_t>(length);
    return true;
  }

  bool MapKeys(const uint8_t** keys, uint8_t* keys_width) const {
    const uint8_t* values;
    size_t count;
    if (!IsMap() || !Elements(&values, &count)) return false;
    const uint8_t* keys_offset_at = Before(values, 3u * byte_width_);
    uint64_t offset, width;
    if (!ReadUInt(keys_offset_at, byte_width_, &offset) ||
        !ReadUInt(Before(values, 2u * byte_width_), byte_width_, &width) ||
        offset > static_cast<uint64_t>(keys_offset_at - begin_) ||
        (width != 1 && width != 2 && width != 4 && width != 8)) {
      return false;
    }
    *keys = keys_offset_at - offset;
    *keys_width = static_cast<uint8_t>(width);
    return true;
  }

  const uint8_t* begin_ = nullptr;
  const uint8_t* end_ = nullptr;
  const uint8_t* data_ = nullptr;
  uint8_t parent_width_ = 0;
  uint8_t byte_width_ = 0;
  Type type_ = Type::kInvalid;
};

// The root value of a FlexBuffer; invalid when the buffer is too short or its
// trailer is malformed.
inline Reference GetRoot(const void* buffer, size_t size) {
  if (buffer == nullptr || size < 3) return Reference();
  const auto* begin = static_cast<const uint8_t*>(buffer);
  const uint8_t* end = begin + size;
  const uint8_t root_width = end[-1];
  if ((root_width != 1 && root_width != 2 && root_width != 4 &&
       root_width != 8) ||
      static_cast<size_t>(root_width) + 2 > size) {
    return Reference();
  }
  return Reference(begin, end, end - 2 - root_width, root_width, end[-2]);
}

}  // namespace flex
}  // namespace opkit

#endif  // OPKIT_FLEXBUFFERS_H_
