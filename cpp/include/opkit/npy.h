// A small reader and writer of NumPy .npy files, for C++ programs that feed a
// model inputs saved with numpy.save and write its outputs back for
// numpy.load. Header-only, C++17 standard library only.
//
//   opkit::npy::Array input;
//   std::string error;
//   if (!opkit::npy::Read("input.npy", &input, &error)) { fputs(...); }
//   ... input.dtype == "float32", input.shape == {1, 224, 224, 3},
//   ... input.data holds count() * item_size() little-endian bytes, C order.
//   if (!opkit::npy::Write("output.npy", output, &error)) { ... }
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor
// version byte, the header length (2 little-endian bytes in version 1.0, 4 in
// 2.0 and 3.0), then the header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and ended by '\n', then the array's bytes.
//
// Supported: the fixed-size numeric dtypes and bool listed in Dtypes below,
// little-endian ('<', '|', or '=' which is taken to mean little-endian),
// C order, versions 1.0, 2.0 and 3.0. Not supported, and reported as such:
// big-endian data, fortran_order True, structured, object, string, complex and
// datetime dtypes.
//
// The reader never reads outside its buffers and never trusts sizes in the
// file: a malformed, truncated or hostile file gives false and a one-line
// message naming the file, never a crash. Memory grows only as bytes actually
// arrive, so a header that claims terabytes costs no more than the file's real
// size. Only std::vector allocation failures may throw.
#ifndef OPKIT_NPY_H_
#define OPKIT_NPY_H_

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace opkit {
namespace npy {

// Size in bytes of one element of a dtype named as numpy names it
// ("float32", "uint8", "bool", ...), or 0 for a name this library does not
// support.
inline size_t ItemSize(const std::string& dtype);

struct Array {
  // numpy's name: "float16", "float32", "float64", "int8", "uint8", "int16",
  // "uint16", "int32", "uint32", "int64", "uint64" or "bool".
  std::string dtype;
  // Empty for a 0-d (scalar) array, which holds one element.
  std::vector<int64_t> shape;
  // count() * item_size() raw little-endian element bytes in C order.
  std::vector<uint8_t> data;

  // Number of elements: the product of shape (1 for a scalar), or -1 if a
  // dimension is negative or the product overflows int64_t.
  int64_t count() const {
    int64_t n = 1;
    bool zero = false;
    for (int64_t d : shape) {
      if (d < 0) return -1;
      if (d == 0) zero = true;
    }
    if (zero) return 0;
    for (int64_t d : shape) {
      if (n > std::numeric_limits<int64_t>::max() / d) return -1;
      n *= d;
    }
    return n;
  }

  // Bytes per element, 0 for an unsupported dtype name.
  size_t item_size() const { return ItemSize(dtype); }
};

namespace internal {

struct DtypeInfo {
  const char* name;
  char kind;  // numpy's kind character in descr: 'f', 'i', 'u', 'b'
  unsigned size;
};

inline const DtypeInfo* Dtypes(size_t* n) {
  static const DtypeInfo kDtypes[] = {
      {"float16", 'f', 2}, {"float32", 'f', 4}, {"float64", 'f', 8},
      {"int8", 'i', 1},    {"uint8", 'u', 1},   {"int16", 'i', 2},
      {"uint16", 'u', 2},  {"int32", 'i', 4},   {"uint32", 'u', 4},
      {"int64", 'i', 8},   {"uint64", 'u', 8},  {"bool", 'b', 1},
  };
  *n = sizeof(kDtypes) / sizeof(kDtypes[0]);
  return kDtypes;
}

inline const DtypeInfo* FindDtype(const std::string& name) {
  size_t n = 0;
  const DtypeInfo* table = Dtypes(&n);
  for (size_t i = 0; i < n; ++i) {
    if (name == table[i].name) return &table[i];
  }
  return nullptr;
}

// Text taken from a file, made safe to put inside a one-line message:
// printable ASCII kept, everything else as \xNN, long text cut short.
inline std::string Printable(const std::string& text, size_t limit = 40) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == limit) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// Maps a descr string to a dtype name; on failure returns false and says why
// in *why (without the file name).
inline bool ParseDescr(const std::string& descr, std::string* dtype,
                       std::string* why) {
  const std::string shown = "'" + Printable(descr) + "'";
  const std::string unsupported =
      "unsupported dtype descr " + shown +
      " (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool)";
  if (descr.empty()) {
    *why = unsupported;
    return false;
  }
  size_t pos = 0;
  char order = '=';
  if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' ||
      descr[0] == '=' || descr[0] == '!') {
    order = descr[0];
    pos = 1;
  }
  if (pos >= descr.size()) {
    *why = unsupported;
    return false;
  }
  const char kind = descr[pos];
  if (kind == 'O') {
    *why = "object arrays (dtype descr " + shown +
           ") hold Python pickles and are not supported";
    return false;
  }
  unsigned size = 0;
  size_t digits = 0;
  for (size_t i = pos + 1; i < descr.size(); ++i) {
    const char c = descr[i];
    if (c < '0' || c > '9' || digits == 4) {
      *why = unsupported;
      return false;
    }
    size = size * 10u + static_cast<unsigned>(c - '0');
    ++digits;
  }
  const DtypeInfo* found = nullptr;
  size_t n = 0;
  const DtypeInfo* table = Dtypes(&n);
  for (size_t i = 0; i < n && digits > 0; ++i) {
    if (table[i].kind == kind && table[i].size == size) found = &table[i];
  }
  if (found == nullptr) {
    *why = unsupported;
    return false;
  }
  // Byte order only matters for multi-byte elements.
  if ((order == '>' || order == '!') && found->size > 1) {
    *why = "big-endian data (dtype descr " + shown +
           ") is not supported; save it little-endian, e.g. with "
           "a.astype(a.dtype.newbyteorder('<'))";
    return false;
  }
  *dtype = found->name;
  return true;
}

// A cursor over the header text, parsing the subset of Python literal syntax
// that .npy headers use. Every access is bounds-checked.
class HeaderParser {
 public:
  // allow_long_suffix: accept Python 2's "3L" integers, as numpy does in
  // format 1.0 and 2.0 headers.
  HeaderParser(const std::string& text, bool allow_long_suffix)
      : text_(text), allow_long_suffix_(allow_long_suffix) {}

  bool Parse(std::string* descr, bool* fortran_order,
             std::vector<int64_t>* shape, std::string* why) {
    SkipSpace();
    if (!Eat('{')) return Fail("the header is not a dict literal", why);
    bool have_descr = false, have_order = false, have_shape = false;
    SkipSpace();
    while (!Eat('}')) {
      std::string key;
      if (!String(&key)) {
        return Fail("expected a quoted key or '}' in the header dict", why);
      }
      SkipSpace();
      if (!Eat(':')) return Fail("expected ':' after a key in the header", why);
      SkipSpace();
      bool* seen = nullptr;
      if (key == "descr") {
        seen = &have_descr;
        if (Peek() == '[') {
          return Fail("structured dtypes are not supported", why);
        }
        if (!String(descr)) {
          return Fail("'descr' is not a dtype string", why);
        }
      } else if (key == "fortran_order") {
        seen = &have_order;
        if (!Bool(fortran_order)) {
          return Fail("'fortran_order' is not True or False", why);
        }
      } else if (key == "shape") {
        seen = &have_shape;
        if (!Shape(shape, why)) return false;
      } else {
        return Fail("unexpected key '" + Printable(key) + "' in the header",
                    why);
      }
      if (*seen) {
        return Fail("key '" + key + "' appears twice in the header", why);
      }
      *seen = true;
      SkipSpace();
      if (Eat(',')) {
        SkipSpace();
      } else if (Peek() != '}') {
        return Fail("expected ',' or '}' in the header dict", why);
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) {
      return Fail("unexpected text after the header dict", why);
    }
    if (!have_descr || !have_order || !have_shape) {
      return Fail(std::string("the header lacks the key '") +
                      (!have_descr ? "descr"
                                   : !have_order ? "fortran_order" : "shape") +
                      "'",
                  why);
    }
    return true;
  }

 private:
  static bool Fail(const std::string& message, std::string* why) {
    *why = message;
    return false;
  }

  // The next character, or '\0' at the end (never a valid token start).
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  bool Eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') break;
      ++pos_;
    }
  }

  // A '...' or "..." literal without escapes (none of the keys or supported
  // descrs need them).
  bool String(std::string* out) {
    const char quote = Peek();
    if (quote != '\'' && quote != '"') return false;
    const size_t start = pos_ + 1;
    for (size_t i = start; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\\' || c == '\n' || c == '\r') return false;
      if (c == quote) {
        out->assign(text_, start, i - start);
        pos_ = i + 1;
        return true;
      }
    }
    return false;
  }

  bool Word(const char* word) {
    const size_t n = std::strlen(word);
    if (text_.compare(pos_, n, word) != 0) return false;
    // Not a prefix of a longer identifier ("Falsey").
    const size_t end = pos_ + n;
    if (end < text_.size()) {
      const char c = text_[end];
      if (c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
          (c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    pos_ = end;
    return true;
  }

  bool Bool(bool* out) {
    if (Word("True")) {
      *out = true;
      return true;
    }
    if (Word("False")) {
      *out = false;
      return true;
    }
    return false;
  }

  // A non-negative decimal integer that fits int64_t (no leading zeros, as
  // in Python), with an optional 'L' suffix if allowed.
  bool Dimension(int64_t* out, std::string* why) {
    if (Peek() == '-') return Fail("negative dimension in 'shape'", why);
    if (Peek() < '0' || Peek() > '9') {
      return Fail("'shape' is not a tuple of integers", why);
    }
    if (Peek() == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
        text_[pos_ + 1] <= '9') {
      return Fail("a dimension in 'shape' has a leading zero", why);
    }
    int64_t value = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      const int64_t digit = Peek() - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        return Fail("a dimension in 'shape' does not fit in 64 bits", why);
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (allow_long_suffix_ && Peek() == 'L') ++pos_;
    *out = value;
    return true;
  }

  // (), (n,), (n, m), (n, m,) ... ; "(n)" is an int in Python, not a tuple.
  bool Shape(std::vector<int64_t>* shape, std::string* why) {
    shape->clear();
    if (!Eat('(')) return Fail("'shape' is not a tuple", why);
    SkipSpace();
    bool comma = false;
    while (!Eat(')')) {
      int64_t d = 0;
      if (!Dimension(&d, why)) return false;
      shape->push_back(d);
      SkipSpace();
      comma = Eat(',');
      SkipSpace();
      if (!comma && Peek() != ')') {
        return Fail("'shape' is not a tuple of integers", why);
      }
    }
    if (shape->size() == 1 && !comma) {
      return Fail("'shape' is not a tuple (a 1-d shape is written '(n,)')",
                  why);
    }
    return true;
  }

  const std::string& text_;
  const bool allow_long_suffix_;
  size_t pos_ = 0;
};

// Reads exactly n bytes into out (replacing its contents), growing the buffer
// only as bytes arrive. Returns the number of bytes read (< n at end of file
// or on an error; check std::ferror).
inline size_t ReadUpTo(std::FILE* file, uint64_t n, std::vector<uint8_t>* out) {
  out->clear();
  const size_t kFirstChunk = size_t{1} << 20;
  size_t have = 0;
  while (have < n) {
    const uint64_t left = n - have;
    size_t chunk = have < kFirstChunk ? kFirstChunk : have;  // doubling
    if (chunk > left) chunk = static_cast<size_t>(left);
    out->resize(have + chunk);
    const size_t got = std::fread(out->data() + have, 1, chunk, file);
    have += got;
    if (got < chunk) break;
  }
  out->resize(have);
  return have;
}

inline void PutLittleEndian(uint64_t value, size_t bytes, std::string* out) {
  for (size_t i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
  }
}

inline bool SetError(std::string* error, const std::string& path,
                     const std::string& message) {
  if (error != nullptr) {
    *error = "npy: " + Printable(path, 4096) + ": " + message;
  }
  return false;
}

inline std::string ErrnoText(int code) {
  const char* text = std::strerror(code);
  return text != nullptr ? Printable(text, 200) : std::string("unknown error");
}

class File {
 public:
  File(const std::string& path, const char* mode)
      : file_(std::fopen(path.c_str(), mode)) {}
  ~File() {
    if (file_ != nullptr) std::fclose(file_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  std::FILE* get() const { return file_; }
  // Closes now, reporting whether everything buffered reached the file.
  bool Close() {
    std::FILE* file = file_;
    file_ = nullptr;
    return file != nullptr && std::fclose(file) == 0;
  }

 private:
  std::FILE* file_;
};

}  // namespace internal

// The numpy descr of a supported dtype name ("float32" -> "<f4",
// "uint8" -> "|u1", "bool" -> "|b1"), or "" for an unsupported name.
inline std::string DescrFromDtype(const std::string& dtype) {
  const internal::DtypeInfo* info = internal::FindDtype(dtype);
  if (info == nullptr) return std::string();
  std::string descr(1, info->size == 1 ? '|' : '<');
  descr += info->kind;
  descr += std::to_string(info->size);
  return descr;
}

// The dtype name for a numpy descr ("<f4", "|u1", "=i8", "f2", ...), or "" if
// it is not supported (including big-endian descrs of multi-byte types).
inline std::string DtypeFromDescr(const std::string& descr) {
  std::string dtype, why;
  if (!internal::ParseDescr(descr, &dtype, &why)) return std::string();
  return dtype;
}

inline size_t ItemSize(const std::string& dtype) {
  const internal::DtypeInfo* info = internal::FindDtype(dtype);
  return info == nullptr ? 0 : info->size;
}

// Reads a .npy file. On failure returns false, leaves *array unchanged and
// sets *error (if not null) to a one-line message naming the file.
inline bool Read(const std::string& path, Array* array, std::string* error) {
  using internal::SetError;
  if (array == nullptr) return SetError(error, path, "no output array given");
  internal::File file(path, "rb");
  if (file.get() == nullptr) {
    return SetError(error, path, "cannot open: " + internal::ErrnoText(errno));
  }
  std::vector<uint8_t> bytes;
  auto read_failed = [&](const char* what) {
    if (std::ferror(file.get())) {
      return SetError(error, path,
                      std::string("read error in ") + what + ": " +
                          internal::ErrnoText(errno));
    }
    return SetError(error, path,
                    std::string("file is truncated in ") + what);
  };

  // Magic, version and header length.
  static const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  const size_t got = internal::ReadUpTo(file.get(), 8, &bytes);
  if (got < 6 || std::memcmp(bytes.data(), kMagic, 6) != 0) {
    if (std::ferror(file.get())) return read_failed("the magic string");
    if (got == 0) return SetError(error, path, "not a .npy file (it is empty)");
    return SetError(error, path,
                    "not a .npy file (it does not start with \\x93NUMPY)");
  }
  if (got < 8) return read_failed("the format version");
  const unsigned major = bytes[6], minor = bytes[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    return SetError(error, path,
                    "unsupported .npy format version " + std::to_string(major) +
                        "." + std::to_string(minor) +
                        " (supported: 1.0, 2.0, 3.0)");
  }
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (internal::ReadUpTo(file.get(), length_bytes, &bytes) < length_bytes) {
    return read_failed("the header length");
  }
  uint64_t header_length = 0;
  for (size_t i = 0; i < length_bytes; ++i) {
    header_length |= uint64_t{bytes[i]} << (8 * i);
  }
  if (internal::ReadUpTo(file.get(), header_length, &bytes) < header_length) {
    return read_failed("the header");
  }
  const std::string header(bytes.begin(), bytes.end());

  // The header dict.
  std::string descr, why;
  bool fortran_order = false;
  Array result;
  internal::HeaderParser parser(header, major < 3);
  if (!parser.Parse(&descr, &fortran_order, &result.shape, &why)) {
    return SetError(error, path, "bad header: " + why);
  }
  if (!internal::ParseDescr(descr, &result.dtype, &why)) {
    return SetError(error, path, why);
  }
  if (fortran_order) {
    return SetError(error, path,
                    "fortran_order True (column-major data) is not supported; "
                    "save a C-ordered array, e.g. numpy.ascontiguousarray(a)");
  }
  const int64_t count = result.count();
  const uint64_t item_size = result.item_size();
  // The byte count must fit both size_t (the vector) and int64_t.
  uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (uint64_t{std::numeric_limits<size_t>::max()} < limit) {
    limit = uint64_t{std::numeric_limits<size_t>::max()};
  }
  if (count < 0 || static_cast<uint64_t>(count) > limit / item_size) {
    return SetError(error, path,
                    "the shape's size in bytes overflows (absurd shape)");
  }
  const uint64_t data_size = static_cast<uint64_t>(count) * item_size;

  // The data: exactly data_size bytes, then the end of the file.
  const size_t data_got =
      internal::ReadUpTo(file.get(), data_size, &result.data);
  if (data_got < data_size) {
    if (std::ferror(file.get())) return read_failed("the data");
    return SetError(error, path,
                    "file is truncated: the shape needs " +
                        std::to_string(data_size) + " data bytes, found " +
                        std::to_string(data_got));
  }
  if (std::fgetc(file.get()) != EOF) {
    return SetError(error, path,
                    "unexpected bytes after the " + std::to_string(data_size) +
                        " data bytes the shape needs");
  }
  if (std::ferror(file.get())) return read_failed("the data");
  *array = std::move(result);
  return true;
}

// Writes a .npy file (format 1.0, or 2.0 if the header needs more than 65535
// bytes) that numpy.load reads back as the same array. On failure returns
// false and sets *error (if not null) to a one-line message naming the file;
// nothing is created if the array itself is invalid.
inline bool Write(const std::string& path, const Array& array,
                  std::string* error) {
  using internal::SetError;
  const std::string descr = DescrFromDtype(array.dtype);
  if (descr.empty()) {
    return SetError(error, path,
                    "unsupported dtype '" + internal::Printable(array.dtype) +
                        "'");
  }
  const int64_t count = array.count();
  if (count < 0) {
    return SetError(error, path,
                    "invalid shape (a negative dimension or an overflowing "
                    "element count)");
  }
  const uint64_t item_size = array.item_size();
  const uint64_t max_bytes =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (static_cast<uint64_t>(count) > max_bytes / item_size ||
      static_cast<uint64_t>(count) * item_size != array.data.size()) {
    return SetError(error, path,
                    "data holds " + std::to_string(array.data.size()) +
                        " bytes but the shape and dtype need " +
                        std::to_string(count) + " x " +
                        std::to_string(item_size));
  }

  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i) {
    if (i > 0) dict += ", ";
    dict += std::to_string(array.shape[i]);
  }
  if (array.shape.size() == 1) dict += ",";
  dict += "), }";

  // Pad with spaces and end with '\n' so that the data starts at a multiple
  // of 64 bytes: prefix (magic, version, length) + header.
  std::string prefix;
  std::string header;
  for (unsigned major = 1; major <= 2; ++major) {
    const size_t prefix_size = major == 1 ? 10 : 12;
    const size_t unpadded = prefix_size + dict.size() + 1;
    const size_t padding = (64 - unpadded % 64) % 64;
    header = dict;
    header.append(padding, ' ');
    header += '\n';
    if (major == 1 && header.size() > 65535) continue;
    // Version 2.0 stores the length in 4 bytes. (Shifting instead of comparing
    // with 0xffffffff keeps 32-bit targets, where it cannot happen, warning-free.)
    if ((uint64_t{header.size()} >> 32) != 0) {
      return SetError(error, path, "the header is too long");
    }
    prefix.assign("\x93NUMPY", 6);
    prefix.push_back(static_cast<char>(major));
    prefix.push_back('\0');
    internal::PutLittleEndian(header.size(), prefix_size - 8, &prefix);
    break;
  }

  internal::File file(path, "wb");
  if (file.get() == nullptr) {
    return SetError(error, path,
                    "cannot open for writing: " + internal::ErrnoText(errno));
  }
  bool ok = std::fwrite(prefix.data(), 1, prefix.size(), file.get()) ==
                prefix.size() &&
            std::fwrite(header.data(), 1, header.size(), file.get()) ==
                header.size();
  if (ok && !array.data.empty()) {
    ok = std::fwrite(array.data.data(), 1, array.data.size(), file.get()) ==
         array.data.size();
  }
  const int write_errno = errno;
  const bool closed = file.Close();
  if (!ok || !closed) {
    const int code = ok ? errno : write_errno;
    std::remove(path.c_str());
    return SetError(error, path, "write failed: " + internal::ErrnoText(code));
  }
  return true;
}

}  // namespace npy
}  // namespace opkit

#endif  // OPKIT_NPY_H_
