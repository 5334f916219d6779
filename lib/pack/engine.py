"""vl-convert's engine, started early in a child process.

The engine takes about half a second to start, once per process, and holds the interpreter
while it does (a thread gains nothing). The command line's pack starts it in a child process
first thing, so it warms on the other core while this process imports pandas and Altair and
reads the data; the chart is then drawn in a few hundredths of a second. Measured side by side
in benchmarks/pack.py. Without a started child (the app, whose engine stays warm after its
first pack; or a child that failed) the chart is drawn in this process.

This module imports nothing heavy, so that starting the child costs nothing.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

#: Drawn by the child at start, to start the engine: a chart with text, as the matrix has.
_WARM_UP = {
    "data": {"values": [{"a": "Lav", "b": 1}]},
    "mark": "text",
    "encoding": {"text": {"field": "a"}, "x": {"field": "b", "type": "quantitative"}},
}

_CHILD = f"""
import json, sys
import vl_convert
vl_convert.vegalite_to_svg({_WARM_UP!r}, allowed_base_urls=[])
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    request = json.loads(line)
    try:
        if request["kind"] == "svg":
            data = vl_convert.vegalite_to_svg(request["spec"], allowed_base_urls=[]).encode()
        else:
            data = vl_convert.vegalite_to_png(
                request["spec"], scale=request["scale"], allowed_base_urls=[]
            )
    except Exception:
        data = b""
    out.write(len(data).to_bytes(8, "big") + data)
    out.flush()
"""

_child: subprocess.Popen | None = None


def start() -> None:
    """Start the engine in a child process now (once); `draw` uses it when it is there."""
    global _child
    if _child is not None:
        return
    try:
        _child = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        _child = None


def _read_exactly(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _draw_in_child(spec: dict, kind: str, scale: float) -> bytes | None:
    global _child
    child, _child = _child, None  # one chart per pack: the child's work ends with it
    if child is None:
        return None
    try:
        request = json.dumps({"spec": spec, "kind": kind, "scale": scale}) + "\n"
        child.stdin.write(request.encode())
        child.stdin.flush()
        size = int.from_bytes(_read_exactly(child.stdout, 8) or b"\0", "big")
        data = _read_exactly(child.stdout, size) if size else b""
    except (OSError, ValueError):
        data = b""
    finally:
        for stream in (child.stdin, child.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        child.wait()
    return data or None


def draw(spec: dict, kind: str, scale: float = 2) -> bytes:
    """A Vega-Lite spec as SVG (`kind` "svg") or PNG bytes: in the started child if there is
    one, else (or if it failed) in this process. Nothing is fetched (`allowed_base_urls=[]`)."""
    drawn = _draw_in_child(spec, kind, scale)
    if drawn is not None:
        return drawn
    import vl_convert

    if kind == "svg":
        return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]).encode()
    return vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
