"""The check made while calamine parses: every zip member it reads, unpacked to its end.

calamine unpacks a zip member to its end, whatever size the zip declares, so the sizes
checked before parsing could be lies. A member that unpacks to more than it declares fails
its CRC, which zipfile checks at the member's end.
"""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

from lib.contract import sheet_for_name
from lib.read.checks import XML_SUFFIXES, sheet_parts
from lib.read.lean import yield_to_the_parse
from lib.read.messages import corrupt, zip_problem

# A TRUE/FALSE cell: t="b" on an .xlsx cell, value-type="boolean" in an .ods. A plain
# search (a regex costs ten times more on a 40 MB sheet); a text that happens to contain it
# only costs a second look at the sheet.
_XLSX_BOOLEANS = (b't="b"', b"t='b'")
_ODS_BOOLEANS = (b'value-type="boolean"', b"value-type='boolean'")
EVERY_SHEET = "*"


class Verification:
    """Unpacks, in a thread, every zip member calamine will read, as far as its declared size,
    and checks its CRC: a member that unpacks to more than it declares fails the CRC.

    On the way it notes which sheets hold a TRUE/FALSE cell: calamine turns those into 1 and
    0 in a column of numbers, so such a sheet's number columns are read cell by cell. A sheet
    part the workbook's index does not name (an index over MAX_INDEX_BYTES) is checked too,
    and counts for every sheet.
    """

    def __init__(self, path: Path) -> None:
        self.problem: str | None = None
        # Sheet names; EVERY_SHEET for an .ods, or a sheet part without its name.
        self.with_booleans: set[str] = set()
        self.thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self.thread.start()

    def _run(self, path: Path) -> None:
        yield_to_the_parse(5)  # it has time while calamine parses; calamine has none
        try:
            with zipfile.ZipFile(path) as archive:
                by_name = {member.filename.lower(): member for member in archive.infolist()}
                parts = sheet_parts(archive, by_name) if "xl/workbook.xml" in by_name else {}
                for name, member in by_name.items():
                    self._verify(archive, name, member, parts)
        except Exception as error:  # BadZipFile (CRC), zlib.error, EOFError: not a sound zip
            self.problem = corrupt(
                "{file_name}", zip_problem(error) if isinstance(error, zipfile.BadZipFile) else ""
            )

    def _verify(
        self, archive: zipfile.ZipFile, name: str, member: zipfile.ZipInfo, parts: dict[str, str]
    ) -> None:
        """Unpack one member, if calamine reads it; note the sheets it holds TRUE/FALSE in."""
        sheet = parts.get(name)
        if sheet and sheet_for_name(sheet) is None:
            return  # a sheet calamine is never asked to read
        if not (name in parts or name.endswith(XML_SUFFIXES)):
            return
        markers: tuple[bytes, ...] = ()  # none: only unpacked, for its CRC
        sheets = ""
        if sheet is not None:  # named, or a sheet whose name the index did not give: any sheet
            markers, sheets = _XLSX_BOOLEANS, sheet or EVERY_SHEET
        elif name == "content.xml":  # an .ods: all its sheets in one part
            markers, sheets = _ODS_BOOLEANS, EVERY_SHEET
        if _unpack(archive, member, markers):
            self.with_booleans.add(sheets)

    def result(self) -> str | None:
        self.thread.join()
        return self.problem

    def has_booleans(self, sheet: str) -> bool:
        self.thread.join()
        return sheet in self.with_booleans or EVERY_SHEET in self.with_booleans


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, markers: tuple[bytes, ...]) -> bool:
    """Unpack a member to its end (zipfile checks the CRC there); whether a marker is in it."""
    found = not markers
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if not found:
                window = tail + chunk
                found = any(marker in window for marker in markers)
                tail = chunk[-32:]
    return found and bool(markers)
