"""The meeting pack as a download: made when asked for, and recorded in the audit trail
(action `nedlasting`) with the file, the meeting, the version and the projects it holds."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection
from pathlib import Path

from lib import access
from lib.access import Actor
from lib.db import StoreError
from lib.pack.content import PackContent, pack_content

#: Format -> (suffix, MIME type, the button's word).
FORMATS: dict[str, tuple[str, str, str]] = {
    "pdf": (".pdf", "application/pdf", "PDF"),
    "pptx": (
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
    ),
}


def file_name(content: PackContent, kind: str) -> str:
    """`motepakke-2026-09-24-v6.pdf`: the meeting's date (else the data's day) and version."""
    day = content.meeting.meeting_date if content.meeting else content.as_of
    return f"motepakke-{day:%Y-%m-%d}-v{content.version}{FORMATS[kind][0]}"


def render(content: PackContent, kind: str) -> bytes:
    if kind == "pdf":
        from lib.pack.pdf import pack_pdf

        return pack_pdf(content)
    from lib.pack.pptx import pack_pptx

    return pack_pptx(content)


def pack_download(
    path: Path | str | None,
    kind: str,
    *,
    actor: Actor | None,
    meeting: str | None = None,
    version: int | None = None,
    readable: Collection[str] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The pack of `meeting` for a reader of `readable`, as `kind` ("pdf" or "pptx"), and one
    audit line for `actor` (none when there is no actor: nobody to name). A database that
    refuses the line (read-only) still gives the file: the pack only reads."""
    content = pack_content(path, meeting=meeting, version=version, readable=readable, today=today)
    made = render(content, kind)
    if actor is not None:
        detail: dict[str, object] = {
            "fil": file_name(content, kind),
            access.DETAIL_PROJECTS: list(content.project_ids),
        }
        if content.meeting is not None:
            detail["møte"] = content.meeting.name
            detail["møtedato"] = content.meeting.meeting_date.isoformat()
        with contextlib.suppress(StoreError):
            access.record(path, actor, "nedlasting", version=content.version, detail=detail)
    return made
