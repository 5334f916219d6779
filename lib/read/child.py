"""The parse child: a process that limits itself, parses, and pickles the result out.

Whatever a file does to calamine there (abort, panic, endless work), the caller (the app's
server or the command line) survives and reports a Norwegian message. The child limits its
own address space (limits.PARSE_MEMORY_BYTES), is killed after limits.PARSE_SECONDS, and
hands back at most limits.MAX_RESULT_BYTES. Its stderr (a Rust panic message) is kept from
the user.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import resource
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from lib.read import limits
from lib.read.messages import READING_SHEET, RESAVE, megabytes
from lib.read.parse import parse_workbook_in_this_process
from lib.read.raw import RawWorkbook, UnreadableFile

if TYPE_CHECKING:  # imported where it is used: the command line forks sooner without it
    import subprocess

#: The folder `python -m lib.read` runs in: the repository's.
_ROOT = Path(__file__).resolve().parent.parent.parent

CHILD_OUT_OF_MEMORY = 3  # the parse child's exit code after a MemoryError
# What the child's stderr says when its address space ran out: Rust's abort, OpenBLAS at
# start-up, Python's MemoryError, a thread or a library that could not be mapped.
OUT_OF_MEMORY_SIGNS = (
    "memory allocation",
    "memoryerror",
    "can't start new thread",
    "failed to map segment",
    "cannot allocate memory",
)


class PendingRead:
    """A parse running in a child process; `result()` waits for it.

    Starting the child before the caller does other slow work (imports, opening the database)
    lets the two overlap on a second core. The result is collected by a thread from the
    start, so however long the caller is busy (waiting for a locked database, say), the
    child is never held up writing to a full pipe, and the time limit is the child's own.
    """

    def __init__(self, path: Path, file_name: str, fork: bool = False) -> None:
        self.file_name = file_name
        child_limits = (
            limits.PARSE_MEMORY_BYTES,
            limits.PARSE_SECONDS,
            limits.MAX_ROWS,
            limits.MAX_CELLS,
            limits.MAX_RESULT_BYTES,
        )
        arguments = [str(path.resolve()), *map(str, child_limits)]
        self.seconds = limits.PARSE_SECONDS
        self.received: object = None
        self.returncode = 0
        self.errors: list[bytes] = []
        self.timed_out = threading.Event()
        try:
            # Forking saves the child a new interpreter and its imports (some 0.05 s), but is
            # only safe while this process has one thread: the command line at its start.
            if fork and threading.active_count() == 1 and hasattr(os, "fork"):
                self.process: subprocess.Popen[bytes] | _ForkedChild | None = _ForkedChild(
                    arguments
                )
            else:
                import subprocess

                self.process = subprocess.Popen(
                    [sys.executable, "-m", "lib.read", *arguments],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=_ROOT,
                    env={**os.environ, **CHILD_ENVIRONMENT},
                )
        except OSError as error:
            self.process = None
            self.start_error = error.strerror
            return
        self.timer = threading.Timer(self.seconds, self._stop)
        self.timer.daemon = True
        self.timer.start()
        self.collector = threading.Thread(target=self._collect, daemon=True)
        self.collector.start()

    def _stop(self) -> None:
        self.timed_out.set()
        if self.process is not None:
            self.process.kill()

    def _collect(self) -> None:
        """Unpickle the result straight from the pipe (a 50,000-row register is 14 MB: it is
        not held twice), with stderr drained alongside so that the child never blocks."""
        process = self.process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stderr = process.stderr
        drain = threading.Thread(target=lambda: self.errors.append(stderr.read()), daemon=True)
        drain.start()
        try:
            try:
                self.received = pickle.load(process.stdout)
            except Exception:  # no result: the child died, was stopped or was cut off mid-write
                self.received = None
            process.stdout.close()
            self.returncode = process.wait()  # the child ends as soon as it has written
        finally:
            self.timer.cancel()
        drain.join()

    def result(self) -> RawWorkbook:
        if self.process is None:
            raise UnreadableFile(
                f"«{self.file_name}» kunne ikke leses fordi lesingen ikke kunne startes "
                f"({self.start_error}). Prøv igjen om litt."
            )
        self.collector.join()
        if self.timed_out.is_set():
            raise UnreadableFile(
                f"«{self.file_name}» tok for lang tid å lese (over {self.seconds} sekunder) og "
                "ble avbrutt. Fjern overflødige ark, rader og kolonner, eller del arbeidsboken i "
                "flere filer, og last opp på nytt."
            )
        received, self.received = self.received, None  # the caller's to keep or drop
        return _child_result(self.file_name, self.returncode, received, b"".join(self.errors))


#: The parse child's environment. Its address space is limited, and thread pools and malloc
#: arenas that grow with the machine's cores would use it up on a big server: numpy's
#: OpenBLAS, Arrow's compute pool, glibc's arenas.
CHILD_ENVIRONMENT = {
    "RUST_BACKTRACE": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}
_M_ARENA_MAX = -8  # glibc's mallopt() parameter


class _ForkedChild:
    """The parse child as a fork of this process, with what PendingRead uses of a Popen."""

    def __init__(self, arguments: list[str]) -> None:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        sys.stdout.flush()  # nothing buffered here may reach the child's pipe
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            try:
                os.close(out_read)
                os.close(err_read)
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(out_write, 1)
                os.dup2(err_write, 2)
                os.environ.update(CHILD_ENVIRONMENT)
                with contextlib.suppress(Exception):  # glibc read MALLOC_ARENA_MAX at start
                    import ctypes

                    ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
                child_main(arguments)
            finally:
                os._exit(1)
        os.close(out_write)
        os.close(err_write)
        self.stdout = os.fdopen(out_read, "rb")
        self.stderr = os.fdopen(err_read, "rb")
        self.returncode: int | None = None

    def kill(self) -> None:
        if self.returncode is None:  # never signal a reaped (perhaps reused) process id
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _parse_isolated(path: Path, file_name: str) -> RawWorkbook:
    """Parse in a child that limits its own memory; survive whatever happens to it.

    The child sets its limits itself (no preexec_fn, which is unsafe in a threaded server).
    """
    return PendingRead(path, file_name).result()


def _child_result(file_name: str, returncode: int, received: object, stderr: bytes) -> RawWorkbook:
    failed = (
        f"«{file_name}» kunne ikke leses (filen er skadet eller ikke en arbeidsbok Excel har "
        f"lagret). {RESAVE}"
    )
    errors = stderr.decode("utf-8", "replace")  # for us only: never shown to the user
    out_of_memory = returncode == CHILD_OUT_OF_MEMORY or any(
        sign in errors.lower() for sign in OUT_OF_MEMORY_SIGNS
    )
    if out_of_memory:
        sheets = re.findall(f"^{re.escape(READING_SHEET)}(.*)$", errors, re.MULTILINE)
        where = f"arket «{sheets[-1]}»" if sheets else "et ark"
        raise UnreadableFile(
            f"«{file_name}» krever for mye minne å lese — oftest fordi {where} har noe i en "
            "celle langt nede eller langt til høyre, eller svært mye data. Trykk Ctrl+End i "
            "arket for å finne den siste cellen, slett tomme rader og kolonner utenfor "
            "tabellen, lagre og last opp på nytt."
        )
    if returncode != 0 or received is None:
        raise UnreadableFile(failed)
    result = received
    if isinstance(result, str):  # the child's own Norwegian message
        raise UnreadableFile(result.replace("{file_name}", file_name))
    if not isinstance(result, RawWorkbook):
        raise UnreadableFile(failed)
    result.file_name = file_name
    return result


def _result_bytes(workbook: RawWorkbook) -> int:
    return sum(column.nbytes for sheet in workbook.sheets for column in sheet.columns)


def child_main(arguments: list[str]) -> None:
    """`python -m lib.read PATH MEMORY SECONDS ROWS CELLS RESULT_BYTES`: parse, pickle it out."""
    path, memory, seconds, max_rows, max_cells, max_result = arguments
    memory_bytes = int(memory)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A backstop: the parent kills us after `seconds` of wall time. CPU time counts every
    # thread (the checksum check and an import run beside the parse), hence the margin.
    cpu = 2 * int(float(seconds)) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        parsed = parse_workbook_in_this_process(
            Path(path), int(max_rows), int(max_cells), import_pyarrow_meanwhile=True
        )
        if isinstance(parsed, RawWorkbook) and _result_bytes(parsed) > int(max_result):
            parsed = (
                f"«{{file_name}}» inneholder mer data enn Styringsrom leser trygt (over "
                f"{megabytes(int(max_result))} MB tekst og tall). Fjern overflødige ark, "
                "kolonner og lange tekster, eller del arbeidsboken i flere filer, og last opp "
                "på nytt."
            )
        pickle.dump(parsed, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.buffer.flush()
    except MemoryError:
        os._exit(CHILD_OUT_OF_MEMORY)
    # The parent waits for this process to end; tearing down pyarrow would only keep it
    # waiting.
    os._exit(0)
