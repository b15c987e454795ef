"""`opkit export-cpp`: a self-contained C++ project that runs one model.

The project holds exactly the custom ops the model uses (copied from the
user's ops folders, else from opkit's catalog), opkit's headers and CMake
functions, and generated code around them:

- tflite target: ``main.cc`` (runs the model on .npy inputs), the selective
  registration of the model's builtins (``builtin_ops.cc``) and a
  ``CMakeLists.txt`` that builds it against a TFLite source checkout;
- micro target: ``micro_ops.{h,cc}`` with ``AddCustomOps`` for a TFLM
  ``MicroMutableOpResolver`` sized for the model, and the TFLM kernels.

Nothing of the user's is lost: the output folder must be new, empty, or an
earlier export (it holds a ``.opkit-export`` manifest of what was written and
its hashes). A file edited since that export is not overwritten without
``force``, and then only after a backup copy is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._paths import catalog_ops_dir, cmake_dir, include_dir, runtime_dir
from .codegen import ExportedOpView, Target, render_export, render_op_glue
from .errors import MissingOpError, ModelError, OpkitError
from .project import open_project
from .spec import OpSpec
from .tflite_builtins import KERNELS, tflm_method
from .tflite_model import ModelSummary, read_model_bytes, summarize
from .writer import backup_copy

STAMP = ".opkit-export"
_SOURCE_SUFFIXES = {
    *(".c", ".cc", ".cpp", ".cxx", ".S", ".s"),
    *(".h", ".hh", ".hpp", ".hxx", ".inc", ".inl", ".ipp", ".def"),
}
# The line a scaffolded kernel has until its computation is written.
_STUB = '"%s: not implemented'
_BACKUP = re.compile(r"\.bak(\.\d+)?\Z")

Action = Literal["created", "updated", "unchanged", "replaced", "removed", "kept"]


@dataclass(frozen=True)
class ExportedOp:
    name: str
    version: int
    folder: str
    """Its folder in the export, ops/<folder>."""
    source: Path
    """The op folder it was copied from."""
    from_catalog: bool
    spec: OpSpec


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    action: Action
    backup: Path | None = None


@dataclass(frozen=True)
class ExportResult:
    out: Path
    model: str
    target: Target
    ops: tuple[ExportedOp, ...]
    builtins: tuple[tuple[str, int], ...]
    """(builtin operator, highest version the model uses), sorted."""
    files: tuple[ExportedFile, ...]
    notes: tuple[str, ...]


def export_cpp(
    model: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    ops_dirs: Sequence[str | os.PathLike[str]] = (),
    target: Target = "tflite",
    catalog: bool = True,
    force: bool = False,
) -> ExportResult:
    """Writes the C++ project for ``model`` (a .tflite file) into ``out``.

    Custom ops are looked up in ``ops_dirs`` in order, then in opkit's catalog
    (unless ``catalog`` is false).
    """
    model_path = Path(model)
    model_bytes = read_model_bytes(model_path)
    summary = summarize(model_bytes, source=str(model_path))
    if summary.flex_ops:
        raise ModelError(
            f"{model_path} uses Select TF ops ({', '.join(summary.flex_ops)}), which a custom "
            "interpreter cannot run; convert it without SELECT_TF_OPS (`opkit convert`) so "
            "they become custom ops, and give each one a kernel"
        )
    ops = _find_ops(summary, model_path, ops_dirs, catalog, target)
    builtins = tuple(sorted(summary.builtin_versions.items()))
    tflite_customs = tuple(sorted(summary.tflite_custom_ops))
    model_file = _model_file_name(model_path)
    files = _project_files(model_file, model_bytes, ops, builtins, tflite_customs, target)
    root = Path(out)
    written = _write_export(root, files, force=force)
    return ExportResult(
        out=root.resolve(),
        model=model_path.name,
        target=target,
        ops=ops,
        builtins=builtins,
        files=tuple(written),
        notes=_notes(model_path, model_file, ops, builtins, tflite_customs, target),
    )


def _notes(
    model: Path,
    model_file: str,
    ops: tuple[ExportedOp, ...],
    builtins: tuple[tuple[str, int], ...],
    tflite_customs: tuple[tuple[str, int], ...],
    target: Target,
) -> tuple[str, ...]:
    """What the user should know about the export: ops no runtime can run, stubs, renames."""
    notes = []
    if target in ("tflite", "both"):
        notes += [
            f"builtin {name} has no kernel in TFLite's BuiltinOpResolver; an interpreter "
            "built from source cannot run the model"
            for name, _ in builtins
            if name not in KERNELS
        ]
    if target in ("micro", "both"):
        notes += [
            f"{name} has no TensorFlow Lite Micro kernel; the firmware cannot run the model"
            for name, _ in (*builtins, *tflite_customs)
            if tflm_method(name) is None
        ]
    for op in ops:
        sources = [op.spec.micro_kernel_file] if target == "micro" else list(op.spec.source_files)
        if target == "both":
            sources.append(op.spec.micro_kernel_file)
        stubs = [s for s in sources if _STUB in (op.source / s).read_text(errors="replace")]
        notes += [
            f"ops/{op.folder}/{stub} still reports 'not implemented': write its computation"
            for stub in stubs
        ]
    if model_file != model.name:
        notes.append(
            f"the model is copied as {model_file} (its name has characters C++ "
            "builds and shells handle badly)"
        )
    return tuple(notes)


# ---- Finding the model's ops ----------------------------------------------------


def _find_ops(
    summary: ModelSummary,
    model: Path,
    ops_dirs: Sequence[str | os.PathLike[str]],
    catalog: bool,
    target: Target,
) -> tuple[ExportedOp, ...]:
    providers: list[tuple[Path, bool]] = [(Path(d), False) for d in ops_dirs]
    if catalog:
        providers.append((catalog_ops_dir(), True))
    specs: list[dict[str, tuple[Path, OpSpec, bool]]] = []
    for directory, from_catalog in providers:
        project = open_project(directory)
        specs.append(
            {spec.name: (project.root / folder, spec, from_catalog) for folder, spec in project.ops}
        )

    found: list[ExportedOp] = []
    missing: list[tuple[str, int]] = []
    for name, version in sorted(summary.custom_ops):
        match = next((table[name] for table in specs if name in table), None)
        if match is None:
            missing.append((name, version))
            continue
        op_dir, spec, from_catalog = match
        if spec.version != version:
            raise OpkitError(
                f"{model.name} uses {name} version {version}, but {op_dir / 'op.toml'} "
                f"defines version {spec.version}; set version = {version} there (an "
                "interpreter built from source looks custom ops up by name and version)"
            )
        in_catalog = not from_catalog and catalog and name in specs[-1]
        _check_kernels(op_dir, spec, target, from_catalog, in_catalog)
        found.append(ExportedOp(name, version, spec.folder, op_dir, from_catalog, spec))
    if missing:
        names = ", ".join(name for name, _ in missing)
        where = " or ".join(str(d) for d in ops_dirs) or "opkit's catalog"
        hint = str(ops_dirs[0]) if ops_dirs else "ops"
        flavour = "" if target == "tflite" else f" --target {target}"
        raise MissingOpError(
            f"{model.name} needs custom op(s) {names} with no kernel in {where}; scaffold "
            f"them with `scaffold-op --from-model {model} --dir {hint}{flavour}` and pass "
            f"--ops {hint}",
            missing,
        )
    folders = [op.folder for op in found]
    for op in found:
        if folders.count(op.folder) > 1:
            raise OpkitError(
                f"two of the model's ops would share the folder ops/{op.folder} in the export; "
                f"rename one of them ({op.source})"
            )
    return tuple(found)


def _check_kernels(
    op_dir: Path, spec: OpSpec, target: Target, from_catalog: bool, in_catalog: bool
) -> None:
    """Refuses an op folder without the kernel flavours ``target`` needs."""
    # An op of the user's hides the catalog's, whose kernels might be complete.
    instead = f", or move {op_dir} away to use the one in opkit's catalog" if in_catalog else ""
    if target in ("tflite", "both"):
        for source in spec.source_files:
            if not (op_dir / source).is_file():
                raise OpkitError(
                    f"op {spec.name} has no TFLite kernel {op_dir / source}; write one with "
                    f"`scaffold-op {spec.name} --dir {op_dir.parent} --target tflite`{instead}"
                )
    if target in ("micro", "both") and not (op_dir / spec.micro_kernel_file).is_file():
        if from_catalog:
            raise OpkitError(
                f"opkit's catalog has no TensorFlow Lite Micro kernel for {spec.name}; scaffold "
                f"one with `scaffold-op {spec.name} --dir ops --target micro` and pass --ops ops"
            )
        raise OpkitError(
            f"op {spec.name} has no TensorFlow Lite Micro kernel "
            f"{op_dir / spec.micro_kernel_file}; write one with "
            f"`scaffold-op {spec.name} --dir {op_dir.parent} --target micro`{instead}"
        )


# ---- The project's files ---------------------------------------------------------


def _project_files(
    model_file: str,
    model_bytes: bytes,
    ops: tuple[ExportedOp, ...],
    builtins: tuple[tuple[str, int], ...],
    tflite_customs: tuple[tuple[str, int], ...],
    target: Target,
) -> dict[str, bytes]:
    """Relative path -> content of every file of the export."""
    files: dict[str, bytes] = {}
    files.update(_tree(include_dir(), "opkit/include"))
    files.update(_tree(cmake_dir(), "opkit/cmake"))
    files["opkit/runtime/delegate.cc"] = (runtime_dir() / "delegate.cc").read_bytes()
    shared: dict[str, Path] = {}
    for op in ops:
        # The kernels and whatever sources they include; the glue is rendered
        # afresh from the spec rather than trusted to be current.
        files.update(_tree(op.source, f"ops/{op.folder}", _SOURCE_SUFFIXES))
        files[f"ops/{op.folder}/op.toml"] = (op.source / "op.toml").read_bytes()
        files[f"ops/{op.folder}/opkit_op.cmake"] = render_op_glue(op.spec).encode()
        # Shared headers (include_dirs), at the same place next to the op.
        for include in op.spec.include_dirs:
            where = posixpath.normpath(f"ops/{op.folder}/{include}")
            source = (op.source / include).resolve()
            if shared.setdefault(where, source) != source:
                raise OpkitError(
                    f"ops {where} would hold two folders, {shared[where]} and {source}; "
                    "rename one (include_dirs in op.toml)"
                )
            parts = where.split("/")
            if parts[1] != op.folder and parts[1] in {o.folder for o in ops}:
                raise OpkitError(f"{where}, shared by op {op.name}, is also an op's folder")
    for where, source in sorted(shared.items()):
        if not source.is_dir():
            raise OpkitError(f"{source} (include_dirs of an op of the model) does not exist")
        files.update(_tree(source, where, _SOURCE_SUFFIXES))

    rendered = render_export(
        model_name=model_file,
        model_file=model_file,
        target=target,
        ops=[ExportedOpView(op.name, op.version, op.folder) for op in ops],
        builtins=builtins,
        catalog=any(op.from_catalog for op in ops),
        shared_dirs=sorted(shared),
        tflite_customs=tflite_customs,
    )
    for name, text in rendered.items():
        files[name] = text.encode()
    files[model_file] = model_bytes
    return files


def _tree(root: Path, prefix: str, suffixes: set[str] | None = None) -> dict[str, bytes]:
    """The files under ``root`` (those with ``suffixes``, if given), keyed under ``prefix``.

    Build folders, caches and backups are left out.
    """
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if (
            not path.is_file()
            or {"build", "__pycache__"} & set(relative.parts)
            or _BACKUP.search(path.name)
            or (suffixes is not None and path.suffix not in suffixes)
        ):
            continue
        files[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return files


def _model_file_name(model: Path) -> str:
    name = model.name if model.suffix == ".tflite" else f"{model.name}.tflite"
    return name if all(c.isalnum() or c in "._-" for c in name) else "model.tflite"


# ---- Writing without losing anything ---------------------------------------------


def _write_export(root: Path, files: dict[str, bytes], *, force: bool) -> list[ExportedFile]:
    previous = _read_stamp(root)
    conflicts = [
        path
        for path in sorted(files)
        if (root / path).is_file() and _edited(root / path, previous.get(path, set()), files[path])
    ]
    if conflicts and not force:
        shown = ", ".join(conflicts[:3])
        if len(conflicts) > 3:
            shown += f" and {len(conflicts) - 3} more"
        raise OpkitError(
            f"{root}: {shown} changed since the last export; move your changes elsewhere, or "
            "re-run with --force to replace them (backups are kept)"
        )

    # Until every file is written, the manifest accepts both the old and the
    # new content of each: an export cut short leaves no file looking edited.
    pending = {path: set(hashes) for path, hashes in previous.items()}
    for path, content in files.items():
        pending.setdefault(path, set()).add(_digest(content))
    _write_stamp(root, pending)

    results: list[ExportedFile] = []
    for path in sorted(files):
        target = root / path
        content = files[path]
        if target.is_file():
            current = _read(target)
            if current == content:
                results.append(ExportedFile(target, "unchanged"))
                continue
            backup = backup_copy(target) if path in conflicts else None
            _write_bytes(target, content)
            results.append(ExportedFile(target, "replaced" if backup else "updated", backup))
        else:
            _write_bytes(target, content)
            results.append(ExportedFile(target, "created"))

    # Files an earlier export wrote that this one does not: removed when
    # untouched since, kept (and reported) when edited.
    for path in sorted(set(previous) - set(files)):
        target = root / path
        if not target.is_file():
            continue
        if _digest(_read(target)) in previous[path]:
            target.unlink()
            _remove_empty_parents(target.parent, root)
            results.append(ExportedFile(target, "removed"))
        else:
            results.append(ExportedFile(target, "kept"))
    _write_stamp(root, {path: {_digest(content)} for path, content in files.items()})
    return results


def _read_stamp(root: Path) -> dict[str, set[str]]:
    """The previous export's {path: accepted sha256s}; refuses folders opkit did not write."""
    if not root.exists():
        return {}
    if not root.is_dir():
        raise OpkitError(f"--out {root} is a file; give a folder for the C++ project")
    stamp = root / STAMP
    if not stamp.is_file():
        if any(root.iterdir()):
            raise OpkitError(
                f"--out {root} is not empty and holds no earlier export ({STAMP}); "
                "choose a new or empty folder (nothing was written)"
            )
        return {}
    try:
        data = json.loads(_read(stamp))
        hashes = data["files"]
        if not isinstance(hashes, dict):
            raise TypeError
        return {
            str(path): {str(value)} if isinstance(value, str) else {str(v) for v in value}
            for path, value in hashes.items()
        }
    except (ValueError, KeyError, TypeError):
        raise OpkitError(
            f"{stamp} is damaged; export into a new folder (nothing was written)"
        ) from None


def _write_stamp(root: Path, hashes: dict[str, set[str]]) -> None:
    data = {
        "about": "written by `opkit export-cpp`: the files it wrote and their sha256, so that "
        "a re-export never overwrites your edits unasked",
        "files": {
            path: sorted(accepted)[0] if len(accepted) == 1 else sorted(accepted)
            for path, accepted in sorted(hashes.items())
        },
    }
    _write_bytes(root / STAMP, (json.dumps(data, indent=1) + "\n").encode())


def _edited(path: Path, accepted: set[str], new: bytes) -> bool:
    """True if ``path`` holds content that is not opkit's: changed since it was exported,
    or never exported (a file of the user's) - unless it already equals ``new``."""
    current = _read(path)
    return current != new and _digest(current) not in accepted


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise OpkitError(f"cannot read {path}: {error.strerror}") from None


def _write_bytes(path: Path, content: bytes) -> None:
    """Writes ``path`` atomically; a failure is one OpkitError naming it."""
    staging = path.with_name(f".{path.name}.opkit-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging.write_bytes(content)
        os.replace(staging, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
        raise OpkitError(
            f"cannot write {path}: {error.strerror} (check that --out is a folder you can write)"
        ) from None


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
