// The slice of TFLite's C++ API that opkit's generated registration and
// exported programs use: TFLite's own headers when they are on the include
// path, else - for compile checks only, with OPKIT_TFLITE_STANDIN defined -
// opkit's stand-in declarations.
#ifndef OPKIT_TFLITE_CPP_H_
#define OPKIT_TFLITE_CPP_H_

#include "opkit/tflite_c.h"

#if !defined(OPKIT_TFLITE_STANDIN) && defined(__has_include)
#if __has_include("tensorflow/lite/interpreter.h")
#include "tensorflow/lite/interpreter.h"
#include "tensorflow/lite/interpreter_builder.h"
#include "tensorflow/lite/kernels/builtin_op_kernels.h"
#include "tensorflow/lite/model_builder.h"
#include "tensorflow/lite/mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"
#define OPKIT_HAVE_TFLITE_CPP_HEADERS 1
#endif
#endif

#ifndef OPKIT_HAVE_TFLITE_CPP_HEADERS
#define OPKIT_HAVE_TFLITE_CPP_HEADERS 0
#if !defined(OPKIT_TFLITE_STANDIN)
#error "TFLite's C++ headers are not on the include path: configure with TFLITE_SOURCE_DIR (or OPKIT_TFLITE_INCLUDE_DIRS) pointing at a tensorflow checkout"
#endif
#include "opkit/tflite_cpp_standin.h"
#endif

#endif  // OPKIT_TFLITE_CPP_H_
