# Type stubs of the compiled extension (cpp/python/core_module.cc).
from typing import Any, TypedDict

LIBRARY_ABI_VERSION: int

class LibraryInfo(TypedDict):
    abi_version: int
    ops: list[tuple[str, int]]

def library_info(path: str) -> LibraryInfo: ...
def decode_custom_options(data: bytes | bytearray | memoryview) -> Any: ...
