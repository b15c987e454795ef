// opkit._core: the native half of the Python package.
//
// - library_info(path): what an op library implements, read through its
//   exported C functions, so a library can be inspected without a model;
// - decode_custom_options(data): opkit's C++ FlexBuffers reader exposed to
//   Python, so tests can hold it against the flatbuffers package.
#include <dlfcn.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "opkit/flexbuffers.h"
#include "opkit/op_library.h"

namespace py = pybind11;

namespace {

// Nesting bound for decoding: backwards offsets can form cycles in a
// malicious buffer, and the converter never nests deeper than a few levels.
constexpr int kMaxDepth = 64;

py::object ToPython(const opkit::flex::Reference& ref, int depth) {
  using opkit::flex::Type;
  if (depth > kMaxDepth) {
    throw py::value_error("custom_options: nested deeper than 64 levels");
  }
  if (!ref.valid()) throw py::value_error("custom_options: malformed flexbuffer");
  const char* text;
  size_t size;
  int64_t signed_value;
  uint64_t unsigned_value;
  double float_value;
  bool bool_value;
  if (ref.IsNull()) return py::none();
  if (ref.IsBool() && ref.GetBool(&bool_value)) return py::bool_(bool_value);
  if (ref.IsInt() && ref.GetInt(&signed_value)) return py::int_(signed_value);
  if (ref.IsUInt() && ref.GetUInt(&unsigned_value)) {
    return py::int_(unsigned_value);
  }
  if (ref.IsFloat() && ref.GetDouble(&float_value)) {
    return py::float_(float_value);
  }
  if ((ref.IsString() || ref.IsKey()) && ref.GetString(&text, &size)) {
    PyObject* decoded = PyUnicode_DecodeUTF8(text, static_cast<Py_ssize_t>(size), nullptr);
    if (decoded == nullptr) {
      PyErr_Clear();
      throw py::value_error("custom_options: a string is not valid UTF-8");
    }
    return py::reinterpret_steal<py::str>(decoded);
  }
  if (ref.IsBlob() && ref.GetString(&text, &size)) return py::bytes(text, size);
  if (ref.IsMap()) {
    py::dict result;
    for (size_t i = 0; i < ref.size(); ++i) {
      result[ToPython(ref.KeyAt(i), depth + 1)] = ToPython(ref[i], depth + 1);
    }
    return std::move(result);
  }
  if (ref.IsVector()) {
    py::list result;
    for (size_t i = 0; i < ref.size(); ++i) {
      result.append(ToPython(ref[i], depth + 1));
    }
    return std::move(result);
  }
  throw py::value_error("custom_options: malformed flexbuffer");
}

py::object DecodeCustomOptions(const py::buffer& data) {
  const py::buffer_info buffer = data.request();
  if (buffer.ndim != 1 || buffer.itemsize != 1) {
    throw py::type_error("custom_options must be a bytes-like object");
  }
  const opkit::flex::Reference root = opkit::flex::GetRoot(
      buffer.ptr, static_cast<size_t>(buffer.size));
  if (!root.valid()) {
    throw py::value_error("custom_options: not a flexbuffer (bad trailer)");
  }
  return ToPython(root, 0);
}

// dlopen handle that always closes; RTLD_LOCAL keeps each library's symbols
// to itself, as the interpreters' loaders (ctypes) do.
class Library {
 public:
  explicit Library(const std::string& path)
      : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) {
      const char* reason = dlerror();
      throw py::value_error("cannot load op library " + path + ": " +
                            (reason == nullptr ? "unknown error" : reason));
    }
  }
  ~Library() { dlclose(handle_); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  template <typename Fn>
  Fn Symbol(const char* name) const {
    return reinterpret_cast<Fn>(dlsym(handle_, name));
  }

 private:
  void* handle_;
};

py::dict LibraryInfo(const std::string& path) {
  const Library library(path);
  const auto abi_version = library.Symbol<int (*)()>("opkit_library_abi_version");
  const auto count = library.Symbol<int (*)()>("opkit_op_count");
  const auto name = library.Symbol<const char* (*)(int)>("opkit_op_name");
  const auto version = library.Symbol<int (*)(int)>("opkit_op_version");
  if (abi_version == nullptr || count == nullptr || name == nullptr ||
      version == nullptr) {
    throw py::value_error(path +
                          " is not an opkit op library (it does not export "
                          "opkit_op_count); build op libraries with "
                          "`opkit build` or opkit_add_op_library()");
  }
  py::list ops;
  const int n = count();
  for (int i = 0; i < n; ++i) {
    ops.append(py::make_tuple(std::string(name(i)), version(i)));
  }
  py::dict info;
  info["abi_version"] = abi_version();
  info["ops"] = ops;
  return info;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "Native helpers of opkit (op library introspection, custom_options reader).";
  m.attr("LIBRARY_ABI_VERSION") = OPKIT_LIBRARY_ABI_VERSION;
  m.def("library_info", &LibraryInfo, py::arg("path"),
        "ABI version and (name, version) ops of the op library at `path`.");
  m.def("decode_custom_options", &DecodeCustomOptions, py::arg("data"),
        "Decodes custom_options bytes (a FlexBuffer) with opkit's C++ reader.");
}
