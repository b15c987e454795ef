"""Kernel source text the tests write into scaffolded kernels."""

from __future__ import annotations

# The two lines a scaffolded EvalImpl has when opkit knows no math for the op.
STUB = (
    '  opkit::ReportError(context, "%s: not implemented — edit %s", kOpName, __FILE__);\n'
    "  return kTfLiteError;\n"
)


def micro_stub(micro_file: str) -> str:
    """The same two lines in a scaffolded TFLM kernel, ``micro_file`` being its file name."""
    return (
        "  // (The file's name, not __FILE__: a build path has no place in firmware.)\n"
        '  opkit::ReportError(context, "%s: not implemented (edit %s)", kOpName,\n'
        f'                     "{micro_file}");\n'
        "  return kTfLiteError;\n"
    )


# ScaledSin's computation, y = scale * sin(x); the same in both flavours.
SCALED_SIN_BODY = """\
  const T* x_data = opkit::Data<T>(x);
  T* y_data = opkit::Data<T>(y);
  for (int64_t i = 0; i < opkit::NumElements(y); ++i) {
    y_data[i] = static_cast<T>(data.scale) * std::sin(x_data[i]);
  }
  return kTfLiteOk;
"""
