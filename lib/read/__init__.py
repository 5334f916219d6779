"""A file -> raw cells per sheet, safely.

A workbook from a stranger can be hostile: a zip bomb, an XML entity bomb, a zip whose
directory lies, or a tiny file with a value in cell XFD1048576, on which the Rust calamine
reader tries to allocate the whole grid of 17 billion cells and aborts the whole process (no
try/except can catch an abort). So a file goes through two gates:

1. Cheap checks in this process (`checks`), which read the file's head, the zip directory and
   at most a prolog of each XML member, and refuse what Excel never writes.
2. Parsing (`parse`, with calamine) in a child process (`child`) that limits its own address
   space and time and what it hands back, and that verifies the zip's checksums while it
   parses (`verify`). Whatever the file does to calamine there, the caller (the app's server
   or the command line) survives and reports a Norwegian message.

CSV files are read in this process (`csv_file`). Every message is bokmål, names the file and
says what to do (`messages`). The limits are in `limits`, read at call time, so a test or a
deployment can change them there.
"""

from __future__ import annotations

from pathlib import Path

from lib.read import limits
from lib.read.checks import SUFFIXES, check_file, check_workbook_file
from lib.read.child import PendingRead
from lib.read.csv_file import read_csv, sheet_from_rows
from lib.read.lean import import_pyarrow_lean, yield_to_the_parse
from lib.read.limits import MAX_FILE_BYTES, MAX_INDEX_BYTES
from lib.read.parse import parse_workbook_in_this_process
from lib.read.raw import (
    CellOrigin,
    KnownTemplate,
    RawSheet,
    RawWorkbook,
    UnreadableFile,
    content_mask,
)


def read_workbook(path: Path | str, file_name: str | None = None) -> RawWorkbook:
    """Read the contract's sheets of a workbook (or CSV) file; raises UnreadableFile."""
    pending = start_reading(path, file_name)
    return pending if isinstance(pending, RawWorkbook) else pending.result()


def start_reading(
    path: Path | str, file_name: str | None = None, *, fork: bool = False
) -> PendingRead | RawWorkbook:
    """Check a file and start parsing it; CSV (parsed in-process) comes back done.

    `fork=True` (the command line, before it starts any thread) forks the parse child
    instead of starting a new interpreter.
    """
    path = Path(path)
    file_name = file_name or path.name
    head = check_file(path, file_name)
    if Path(file_name).suffix.lower() == ".csv":
        return read_csv(path, file_name)
    check_workbook_file(path, file_name, head)
    return PendingRead(path, file_name, fork=fork)


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INDEX_BYTES",
    "SUFFIXES",
    "CellOrigin",
    "KnownTemplate",
    "PendingRead",
    "RawSheet",
    "RawWorkbook",
    "UnreadableFile",
    "check_workbook_file",
    "content_mask",
    "import_pyarrow_lean",
    "limits",
    "parse_workbook_in_this_process",
    "read_workbook",
    "sheet_from_rows",
    "start_reading",
    "yield_to_the_parse",
]
