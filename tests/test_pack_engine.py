"""lib/pack/engine.py: the chart's engine warmed in a child process draws what this process
would, ends with its chart, and a child that fails leaves the drawing to this process."""

from __future__ import annotations

import sys

import pytest

from lib.pack import engine

SPEC = {
    "data": {"values": [{"navn": "Økonomi æøå", "verdi": 3}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "verdi", "type": "quantitative"},
        "y": {"field": "navn", "type": "nominal"},
    },
}


@pytest.fixture(autouse=True)
def no_child_left(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine, "_child", None)
    yield
    if engine._child is not None:  # a test that started one and did not draw
        engine._child.kill()
        engine._child.wait()


def test_the_child_draws_the_same_svg_and_then_ends() -> None:
    here = engine.draw(SPEC, "svg")
    engine.start()
    child = engine._child
    assert child is not None
    drawn = engine.draw(SPEC, "svg")
    assert drawn == here and b"<svg" in drawn and "Økonomi æøå".encode() in drawn
    assert child.wait(timeout=10) == 0 and engine._child is None


def test_the_child_draws_a_png() -> None:
    engine.start()
    drawn = engine.draw(SPEC, "png", scale=1)
    assert drawn.startswith(b"\x89PNG")
    assert engine._child is None


def test_a_child_that_fails_leaves_the_drawing_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")
    engine.start()
    assert engine._child is not None
    assert b"<svg" in engine.draw(SPEC, "svg")
    assert engine._child is None


def test_a_spec_the_child_cannot_draw_is_drawn_here_and_fails_here() -> None:
    engine.start()
    with pytest.raises(ValueError):
        engine.draw({"mark": "ingen-slik-figur"}, "svg")
