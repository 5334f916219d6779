"""Keeping a load lean beside its parse: pyarrow without numpy and pandas, and threads that
give way to calamine.

Used by the parse child, and by the command line's load, which imports and reads the store
while the child parses.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import sys
import threading


class _Hidden(importlib.abc.MetaPathFinder):
    """Makes some top-level packages look not installed, while it is in sys.meta_path."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"{name} is left out here", name=name)


def import_pyarrow_lean() -> None:
    """Import pyarrow and pyarrow.compute, and keep numpy and pandas out of this process.

    For the parse child and a load from the command line only. pyarrow imports numpy when
    it can (0.03 s of CPU), and pandas the first time it converts Python values (0.2 s),
    only to recognise their objects, and neither process has any. With numpy hidden while
    pyarrow starts, pyarrow must never meet pandas later either: converting to pandas then
    crashes the process (a segmentation fault, tried). So both stay hidden for the rest of
    the process, and anything that asks for them gets an ImportError instead. Where any of
    the three is loaded already, pyarrow is imported as usual.
    """
    if any(name in sys.modules for name in ("pyarrow", "numpy", "pandas")):
        import pyarrow.compute

        return
    sys.meta_path.insert(0, _Hidden(("numpy", "pandas")))
    import pyarrow as pa
    import pyarrow.compute

    # pyarrow looks for pandas once, on its first conversion: let it look now.
    with contextlib.suppress(Exception):
        pa.lib._pandas_api.have_pandas  # noqa: B018
    pa.repeat(False, 1)


def yield_to_the_parse(steps: int) -> None:
    """Make the calling thread give way to calamine's parse, the longest step of a load.

    On a machine with two cores the parse, the checksum thread, the imports and reading the
    store beside it compete. Linux sets a priority (niceness) and the CPUs a thread may use
    per thread: this thread's priority drops by `steps` and it keeps off the first CPU, so
    the parse (which may run anywhere) always finds one free.
    """
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        niceness = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness + steps, 19))
    with contextlib.suppress(OSError):
        cpus = os.sched_getaffinity(0)  # 0: this thread
        if len(cpus) > 1:
            os.sched_setaffinity(0, cpus - {min(cpus)})
