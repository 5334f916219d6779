"""A file -> raw cells per sheet, safely.

A workbook from a stranger can be hostile: a zip bomb, an XML entity bomb, a zip whose
directory lies, or a tiny file with a value in cell XFD1048576, on which the Rust calamine
reader tries to allocate the whole grid of 17 billion cells and aborts the whole process (no
try/except can catch an abort). So a file goes through two gates:

1. Cheap checks in this process, which read the file's head, the zip directory and at most a
   prolog (the first 64 KB) of each XML member — never a whole sheet — and refuse what Excel
   never writes: other formats, encrypted or truncated files, too many or overlapping zip
   members, unknown compression, unpacked sizes and ratios of a bomb, DTDs (where entity bombs
   live), and sheets that declare an absurd size.
2. Parsing in a child process that limits its own address space and is killed after
   PARSE_SECONDS, and that hands back at most MAX_ROWS rows, MAX_CELLS cells and
   MAX_RESULT_BYTES. Whatever the file does to calamine there (abort, panic, endless work),
   the caller (the app's server or the command line) survives and reports a Norwegian
   message. The child's stderr (a Rust panic message) is kept from the user.

Every message is bokmål, names the file and says what to do. The limits are module constants,
read at call time, so a test or a deployment can change them.
"""

from __future__ import annotations

import contextlib
import html
import importlib.abc
import io
import math
import os
import pickle
import re
import resource
import signal
import stat
import struct
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from lib.contract import (
    HEADER_SEARCH_ROWS,
    INSTRUCTIONS_SHEET,
    Kind,
    Sheet,
    column_for_heading,
    find_header_row,
    heading_index,
    normalize_name,
    sheet_for_name,
)

if TYPE_CHECKING:  # imported where they are used: the command line forks sooner without them
    import subprocess

    import pyarrow as pa

MAX_FILE_BYTES = 50 * 1024 * 1024  # also Streamlit's server.maxUploadSize (MB) in config.toml
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 150  # real sheets compress 5–20×; bombs a thousandfold
RATIO_CHECKED_ABOVE = 5 * 1024 * 1024  # small members may compress well without harm
MAX_ZIP_MEMBERS = 5_000  # Excel writes tens; a few hundred with many drawings
MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024  # bounds what zipfile parses before we count
MAX_DECLARED_CELLS = 20_000_000  # a sheet's <dimension>, which also counts formatted cells
# What a parse hands back, all sheets together. Validation costs the caller ~20 µs and ~2 KB
# a row (200 000 rows: 6 s, 570 MB), so these bound the upload, not only the read. The design
# point is a register of 50 000 rows; 50 000 × 11 cells pickle to 12 MB.
MAX_ROWS = 200_000
MAX_CELLS = 2_000_000
MAX_RESULT_BYTES = 64 * 1024 * 1024
PARSE_SECONDS = 6  # with start-up and checks (~1 s), any file is answered within 10 s
# The child's address space: with the caller's ~150 MB, under 1 GiB. A 50 000-row register
# parses in 256 MB; a grid calamine cannot allocate within this aborts the child, not us.
PARSE_MEMORY_BYTES = 768 * 1024 * 1024
PROLOG_BYTES = 64 * 1024
MAX_INDEX_BYTES = 4 * 1024 * 1024  # xl/workbook.xml and its relationships, read whole

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
XML_SUFFIXES = (".xml", ".rels", ".vml")

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM_NAME = "EncryptedPackage".encode("utf-16-le")
HEAD_BYTES = 512

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
READING_SHEET = "lib.read: leser arket "  # the child's stderr line before each sheet


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; the message is Norwegian and says why."""


@dataclass
class RawSheet:
    """One contract sheet as read: its heading row, and the cells below it column by column.

    `columns` holds one Arrow array per sheet column, from the row under the headings to the
    last row. A column whose cells are all of one kind keeps Excel's type (numbers, dates);
    a column that mixes kinds holds text, each cell as calamine renders it.
    """

    name: str  # as written in the workbook
    headings: list[str | None] | None  # the heading row's cells; None: no heading row found
    columns: list[pa.Array] = field(default_factory=list)
    header_row: int = 1  # Excel row of the headings (with none: of the first row with content)
    empty: bool = False  # nothing at all in the sheet


@dataclass
class RawWorkbook:
    file_name: str
    sheets: list[RawSheet] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)


def read_workbook(path: Path | str, file_name: str | None = None) -> RawWorkbook:
    """Read the contract's sheets of a workbook (or CSV) file; raises UnreadableFile."""
    pending = start_reading(path, file_name)
    return pending if isinstance(pending, RawWorkbook) else pending.result()


def _check_file(path: Path, file_name: str) -> bytes:
    """Refuse a file by its name, kind and size; returns its first bytes."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"«{file_name}» har en filtype som ikke støttes. Last opp en Excel-arbeidsbok "
            "(.xlsx eller .xlsm), eventuelt .ods eller .csv."
        )
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a folder, a pipe or a device would hang or lie
            raise UnreadableFile(
                f"«{file_name}» er ikke en vanlig fil. Velg selve arbeidsboken og prøv igjen."
            )
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise UnreadableFile(
            f"Filen «{file_name}» kunne ikke åpnes ({error.strerror}). Sjekk at filen finnes "
            "og at du har tilgang til den, og prøv igjen."
        ) from None
    size = status.st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"«{file_name}» er {-(-size // 1024**2)} MB, over grensen på "
            f"{_megabytes(MAX_FILE_BYTES)} MB for opplasting. Fjern bilder, tomme ark og "
            "overflødige rader, eller del arbeidsboken i flere filer, og last opp på nytt."
        )
    if size == 0 or not head:
        raise UnreadableFile(
            f"«{file_name}» er tom (0 byte). Sjekk at du valgte riktig fil, og last opp på nytt."
        )
    return head


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}" if size >= 1024 * 1024 else f"{size / 1024 / 1024:.1f}"


# ---------------------------------------------------------------------------------------------
# Messages shared by several checks


RESAVE = "Åpne den i Excel, lagre på nytt som «Excel-arbeidsbok (.xlsx)» og last opp igjen."


def _corrupt(file_name: str, why: str = "") -> str:
    why = f" ({why})" if why else ""
    return f"«{file_name}» er skadet og kan ikke leses{why}. {RESAVE}"


def _suspicious(file_name: str, why: str) -> str:
    return (
        f"«{file_name}» {why}, noe Excel aldri lager, og blir ikke lest av sikkerhetshensyn. "
        f"{RESAVE} Kommer filen fra noen andre, be dem sende den på nytt."
    )


def _bomb(file_name: str, why: str) -> str:
    return (
        f"«{file_name}» {why} (mulig «zip-bombe») og blir ikke lest. {RESAVE} "
        "Er arbeidsboken virkelig så stor, del den i flere filer."
    )


def _encrypted(file_name: str) -> str:
    return (
        f"«{file_name}» er passordbeskyttet (kryptert) og kan ikke leses. Åpne den i Excel, "
        "fjern passordet (Fil › Info › Beskytt arbeidsbok › Krypter med passord, tøm feltet), "
        "lagre og last opp på nytt."
    )


def _too_large_sheet(file_name: str, sheet: str, height: int, width: int, limit: str) -> str:
    where = f"arket «{sheet}»" if sheet else "et ark"
    return (
        f"«{file_name}»: {where} strekker seg over {_thousands(height)} rader × "
        f"{_thousands(width)} kolonner, mer enn Styringsrom leser (høyst {limit}) — ofte "
        "fordi noe står i en celle langt nede eller langt til høyre. Trykk Ctrl+End i arket "
        "for å finne den siste cellen, slett tomme rader og kolonner utenfor tabellen, lagre "
        "og last opp på nytt. Er tabellen virkelig så stor, del den i flere filer."
    )


def _too_large_upload(
    file_name: str, sheet: str, height: int, width: int, rows: int, cells: int, limit: str
) -> str:
    """The sheet that tipped the upload over its limits, read after larger ones."""
    return (
        f"«{file_name}»: med arket «{sheet}» ({_thousands(height)} rader × "
        f"{_thousands(width)} kolonner) har arkene til sammen minst {_thousands(rows)} rader "
        f"og {_thousands(cells)} celler, mer enn Styringsrom leser (høyst {limit}) — ofte "
        "fordi noe står i en celle langt nede eller langt til høyre i et av arkene. Trykk "
        "Ctrl+End i hvert ark for å finne den siste cellen, slett tomme rader og kolonner "
        "utenfor tabellene, lagre og last opp på nytt. Er tabellene virkelig så store, del "
        "arbeidsboken i flere filer."
    )


def _upload_limit(max_rows: int, max_cells: int) -> str:
    return f"{_thousands(max_rows)} rader og {_thousands(max_cells)} celler per opplasting"


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


# ---------------------------------------------------------------------------------------------
# Checks before any parser sees the file


def check_workbook_file(path: Path, file_name: str, head: bytes | None = None) -> None:
    """Refuse what is not a sound workbook zip before any parser sees it; raises UnreadableFile.

    Reads the head, the zip directory and at most PROLOG_BYTES of each XML member (plus the
    small xl/workbook.xml and its relationships), so it costs milliseconds even for a 50 MB
    workbook.
    """
    path = Path(path)
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    if head.startswith(OLE2_SIGNATURE):
        if _has_encrypted_package(path):
            raise UnreadableFile(_encrypted(file_name))
        raise UnreadableFile(
            f"«{file_name}» er i det gamle Excel-formatet (.xls) eller et annet eldre "
            "Office-format, ikke en Excel-arbeidsbok (.xlsx). Åpne den i Excel og lagre som "
            "«Excel-arbeidsbok (.xlsx)», og last opp på nytt."
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(_not_a_workbook(file_name, head))
    size = path.stat().st_size
    try:
        _check_end_record(path, size, file_name)
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(members, size, file_name)
            by_name = {member.filename.lower(): member for member in members}
            if "xl/workbook.xml" not in by_name and "content.xml" not in by_name:
                raise UnreadableFile(
                    f"«{file_name}» er en zip-fil, men ikke en Excel-arbeidsbok (den mangler "
                    "selve arbeidsboken). Sjekk at du valgte riktig fil; last opp "
                    "arbeidsboken som .xlsx."
                )
            parts = _sheet_parts(archive, by_name) if "xl/workbook.xml" in by_name else {}
            for member in members:
                name = member.filename.lower()
                sheet = parts.get(name)
                if sheet is not None or name.endswith(XML_SUFFIXES):
                    _check_xml_member(archive, member, file_name, sheet)
    except UnreadableFile:
        raise
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_corrupt(file_name, _zip_problem(error))) from None
    except Exception:  # zlib.error, EOFError, struct.error, …: all mean a broken zip
        raise UnreadableFile(_corrupt(file_name)) from None


def _zip_problem(error: zipfile.BadZipFile) -> str:
    text = str(error)
    if "CRC" in text:
        return "innholdet stemmer ikke med kontrollsummen"
    if "not a zip file" in text or "End-of-central-directory" in text:
        return "filen er ufullstendig, kanskje ble den ikke ferdig lastet ned eller lagret"
    return ""


def _not_a_workbook(file_name: str, head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").replace(b"\x00", b"")[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        what = "en nettside, HTML, lagret med feil filendelse"
        advice = "Last ned selve Excel-filen i stedet for siden, eller åpne siden i Excel og "
    elif start.startswith(b"%pdf"):
        what = "en PDF-fil"
        advice = "Last opp den opprinnelige Excel-filen, eller "
    elif start.startswith(b"<?xml") or start.startswith(b"<"):
        what = "en XML-fil, kanskje et gammelt «XML-regneark»"
        advice = "Åpne den i Excel og "
    elif b"\x00" not in head and not any(byte < 9 for byte in head):
        what = "en tekstfil, for eksempel CSV, lagret med feil filendelse"
        advice = "Er det en CSV-fil, gi den endelsen .csv; ellers åpne den i Excel og "
    else:
        what = "i et ukjent format"
        advice = "Åpne den i Excel og "
    return (
        f"«{file_name}» er ikke en Excel-arbeidsbok (innholdet er {what}). {advice}"
        "lagre som «Excel-arbeidsbok (.xlsx)», og last opp på nytt."
    )


def _has_encrypted_package(path: Path) -> bool:
    """An OLE2 file with an EncryptedPackage stream is an encrypted .xlsx (its name is UTF-16)."""
    keep = len(ENCRYPTED_STREAM_NAME) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            if ENCRYPTED_STREAM_NAME in tail + chunk:
                return True
            tail = chunk[-keep:]
    return False


def _check_end_record(path: Path, size: int, file_name: str) -> None:
    """Count members from the end record before zipfile parses the whole directory."""
    with path.open("rb") as handle:
        length = min(size, 22 + 65_535)
        handle.seek(size - length)
        tail = handle.read(length)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise UnreadableFile(
                _corrupt(
                    file_name,
                    "filen er ufullstendig, kanskje ble den ikke ferdig lastet ned eller lagret",
                )
            )
        entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
        locator = at - 20
        zip64 = entries == 0xFFFF or directory_bytes == 0xFFFFFFFF
        if zip64 and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", tail, locator + 8)
            handle.seek(offset)
            record = handle.read(56)
            if len(record) == 56 and record.startswith(b"PK\x06\x06"):
                entries, directory_bytes = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_ZIP_MEMBERS:
        raise UnreadableFile(_too_many_members(file_name, entries))
    if directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnreadableFile(
            _suspicious(file_name, "har en urimelig stor innholdsliste (zip-katalog)")
        )


def _too_many_members(file_name: str, count: int) -> str:
    return (
        f"«{file_name}» består av {_thousands(count)} deler, langt flere enn en arbeidsbok "
        f"fra Excel (høyst {_thousands(MAX_ZIP_MEMBERS)} godtas), og blir ikke lest. "
        f"{RESAVE}"
    )


_BAD_NAME = re.compile(r"[\x00-\x1f]|(^|[/\\])\.\.([/\\]|$)|^[/\\]|^[A-Za-z]:")


def _check_members(members: list[zipfile.ZipInfo], size: int, file_name: str) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(_too_many_members(file_name, len(members)))
    seen: set[str] = set()
    for member in members:
        if _BAD_NAME.search(member.filename):
            raise UnreadableFile(_suspicious(file_name, "har deler med ugyldige navn"))
        if member.filename.lower() in seen:  # calamine looks names up ignoring case
            raise UnreadableFile(_suspicious(file_name, "har to deler med samme navn"))
        seen.add(member.filename.lower())
        if member.flag_bits & 0x1:
            raise UnreadableFile(_encrypted(file_name))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(
                f"«{file_name}» er pakket med en komprimeringsmetode som Excel ikke bruker, og "
                f"kan ikke leses. {RESAVE}"
            )
    # Members must not overlap: overlapping entries make one stored block count many times
    # (the "non-recursive zip bomb"), and would make the prolog reads below repeat work.
    end = 0
    for member in sorted(members, key=lambda member: member.header_offset):
        if member.header_offset < end:
            raise UnreadableFile(_suspicious(file_name, "har deler som overlapper hverandre"))
        end = member.header_offset + 30 + member.compress_size  # 30: the local header
    if end > size:
        raise UnreadableFile(_corrupt(file_name, "filen er ufullstendig"))
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _bomb(file_name, f"pakker seg ut til over {_megabytes(MAX_UNPACKED_BYTES)} MB")
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_MEMBER_RATIO:
            raise UnreadableFile(
                _bomb(
                    file_name,
                    f"har en del som pakker seg ut til {ratio:.0f} ganger sin egen størrelse, "
                    "langt mer enn et regneark gjør",
                )
            )


# A sheet is a <sheet name="…" r:id="…"> in xl/workbook.xml whose id names a Target in
# xl/_rels/workbook.xml.rels. Attributes are read the way calamine reads them (prefix and all)
# so that the parts checked here are the parts calamine will parse.
_TAG_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return {
        match[1]: match[2] if match[2] is not None else match[3]
        for match in _TAG_ATTRIBUTE.finditer(text)
    }


def _sheet_parts(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Zip member (lower case) -> sheet name, for every sheet of an .xlsx.

    A member that cannot be tied to a name (a large or odd workbook.xml) maps to "" so that
    it still gets every check.
    """
    workbook = _read_index(archive, by_name.get("xl/workbook.xml"))
    relationships = _read_index(archive, by_name.get("xl/_rels/workbook.xml.rels"))
    parts = {name: "" for name in by_name if name.startswith("xl/worksheets/")}
    if workbook is None or relationships is None:
        return parts
    targets: dict[bytes, str] = {}
    for tag in _RELATIONSHIP_TAG.finditer(relationships):
        attributes = _attributes(tag[1])
        if b"Id" in attributes and b"Target" in attributes:
            targets[attributes[b"Id"]] = attributes[b"Target"].decode("utf-8", "replace")
    for tag in _SHEET_TAG.finditer(workbook):
        attributes = _attributes(tag[1])
        key = attributes.get(b"r:id", attributes.get(b"relationships:id"))
        target = targets.get(key) if key is not None else None
        if target is None or b"name" not in attributes:
            continue
        if target.startswith("/xl/"):  # as calamine resolves it
            target = target[1:]
        elif not target.startswith("xl/"):
            target = f"xl/{target}"
        parts[target.lower()] = html.unescape(attributes[b"name"].decode("utf-8", "replace"))
    return parts


def _read_index(archive: zipfile.ZipFile, member: zipfile.ZipInfo | None) -> bytes | None:
    if member is None or member.file_size > MAX_INDEX_BYTES:
        return None
    with archive.open(member) as stream:
        return stream.read(MAX_INDEX_BYTES)


_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_:]")
_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']\s*\$?([A-Za-z]{1,4})\$?(\d{1,8})"
    rb"(?::\$?([A-Za-z]{1,4})\$?(\d{1,8}))?"
)


def _check_xml_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, file_name: str, sheet: str | None
) -> None:
    """No DTD (entity bombs live there), a root element early, and no absurd sheet size.

    A DTD may only stand before the root element, so a member whose prolog shows its root
    element and no DTD has none; a member whose root is not within PROLOG_BYTES (a long
    comment, padding) is refused rather than read further.
    """
    with archive.open(member) as stream:
        prolog = stream.read(PROLOG_BYTES)
        whole = len(prolog) < PROLOG_BYTES or not stream.read(1)
    text = prolog.replace(b"\x00", b"")  # UTF-16 and UTF-32 markup reads as ASCII
    if _DTD.search(text):
        raise UnreadableFile(
            f"«{file_name}» inneholder XML-definisjoner (DTD) som Excel aldri lager, og blir "
            f"ikke lest av sikkerhetshensyn. {RESAVE}"
        )
    if not whole and not _has_root(text):
        raise UnreadableFile(_corrupt(file_name, f"delen {member.filename} er ikke gyldig XML"))
    if sheet is not None and (sheet == "" or sheet_for_name(sheet) is not None):
        _check_dimension(text, file_name, sheet)


def _has_root(text: bytes) -> bool:
    """Whether the root element starts after only a BOM, blanks, declarations and comments."""
    position = 0
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            position = len(bom)
            break
    while True:
        while position < len(text) and text[position] in b" \t\r\n":
            position += 1
        if text.startswith(b"<?", position):
            end = b"?>"
        elif text.startswith(b"<!--", position):
            end = b"-->"
        else:
            return _ROOT.match(text, position) is not None
        position = text.find(end, position)
        if position < 0:
            return False
        position += len(end)


def _check_dimension(text: bytes, file_name: str, sheet: str) -> None:
    match = _DIMENSION.search(text)
    if match is None:
        return
    first_column, first_row, last_column, last_row = match.groups()
    if last_column is None:
        last_column, last_row = first_column, first_row
    width = abs(_column_number(last_column) - _column_number(first_column)) + 1
    height = abs(int(last_row) - int(first_row)) + 1
    if width * height > MAX_DECLARED_CELLS:
        limit = f"{_thousands(MAX_DECLARED_CELLS)} celler i et ark"
        raise UnreadableFile(_too_large_sheet(file_name, sheet, height, width, limit))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# ---------------------------------------------------------------------------------------------
# Parsing in a child process


class PendingRead:
    """A parse running in a child process; `result()` waits for it.

    Starting the child before the caller does other slow work (imports, opening the database)
    lets the two overlap on a second core. The result is collected by a thread from the
    start, so however long the caller is busy (waiting for a locked database, say), the
    child is never held up writing to a full pipe, and the time limit is the child's own.
    """

    def __init__(self, path: Path, file_name: str, fork: bool = False) -> None:
        self.file_name = file_name
        limits = (PARSE_MEMORY_BYTES, PARSE_SECONDS, MAX_ROWS, MAX_CELLS, MAX_RESULT_BYTES)
        arguments = [str(path.resolve()), *map(str, limits)]
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
                    cwd=Path(__file__).resolve().parent.parent,
                    env={**os.environ, **CHILD_ENVIRONMENT},
                )
        except OSError as error:
            self.process = None
            self.start_error = error.strerror
            return
        self.timer = threading.Timer(PARSE_SECONDS, self._stop)
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
                f"«{self.file_name}» tok for lang tid å lese (over {PARSE_SECONDS} sekunder) og "
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
                _child_main(arguments)
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


def start_reading(
    path: Path | str, file_name: str | None = None, *, fork: bool = False
) -> PendingRead | RawWorkbook:
    """Check a file and start parsing it; CSV (parsed in-process) comes back done.

    `fork=True` (the command line, before it starts any thread) forks the parse child
    instead of starting a new interpreter.
    """
    path = Path(path)
    file_name = file_name or path.name
    head = _check_file(path, file_name)
    if Path(file_name).suffix.lower() == ".csv":
        return _read_csv(path, file_name)
    check_workbook_file(path, file_name, head)
    return PendingRead(path, file_name, fork=fork)


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


def parse_workbook_in_this_process(
    path: Path,
    max_rows: int | None = None,
    max_cells: int | None = None,
    *,
    import_pyarrow_meanwhile: bool = False,
) -> RawWorkbook | str:
    """Read the contract's sheets with calamine (fastexcel). Only call this in a disposable process.

    `import_pyarrow_meanwhile` (the parse child) imports pyarrow without numpy and pandas
    (`import_pyarrow_lean`) beside the parse.

    Returns the sheets, or a Norwegian message in which "{file_name}" stands for the file.
    """
    import fastexcel

    budget = _Budget(
        MAX_ROWS if max_rows is None else max_rows, MAX_CELLS if max_cells is None else max_cells
    )
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except MemoryError:
        raise
    except BaseException as error:  # calamine's errors, and pyo3's PanicException
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        if "password" in str(error).lower():
            return _encrypted("{file_name}")
        return _corrupt("{file_name}")
    hints = _sheet_hints(path)
    # calamine unpacks a zip member to its end, whatever size the zip declares, so the sizes
    # checked before parsing could be lies: verify them (and the checksums) while it parses.
    verified = _Verification(path)
    if import_pyarrow_meanwhile:
        # pyarrow (for the hand-over and the checks after it) imports while calamine
        # parses, which releases the GIL; started only now, so it never slows the steps above.
        threading.Thread(target=_import_pyarrow, daemon=True).start()
    raw = _read_sheets(reader, names, hints, budget, verified)
    problem = verified.result()
    return problem if problem is not None else raw


def _import_pyarrow() -> None:
    yield_to_the_parse(5)
    import_pyarrow_lean()


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


def _read_sheets(
    reader: object,
    names: list[str],
    hints: dict[str, _SheetHint],
    budget: _Budget,
    verified: _Verification,
) -> RawWorkbook | str:
    raw = RawWorkbook(file_name="")
    wanted: list[tuple[str, Sheet]] = []
    for name in names:
        sheet = sheet_for_name(name)
        if sheet is None:
            if normalize_name(name) != normalize_name(INSTRUCTIONS_SHEET):
                raw.ignored_sheets.append(name)
            continue  # never parsed, so a hostile unknown sheet cannot hurt
        wanted.append((name, sheet))
    # The largest sheet first: calamine parses it without holding the GIL, while pyarrow,
    # which handing over the first sheet needs, finishes importing in another thread.
    largest_first = sorted(wanted, key=lambda item: -hints.get(item[0], _NO_HINT).size)
    loaded: dict[str, tuple[RawSheet, Sheet, list[str]]] = {}
    for name, sheet in largest_first:
        _say_reading(name)
        try:
            read = _read_sheet(reader, name, sheet, hints.get(name, _NO_HINT).first_row, budget)
        except MemoryError:
            raise
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt | SystemExit):
                raise
            # calamine's cell limit: an .ods row repeated a million times
            if "limit" in str(error).lower():
                return (
                    "«{file_name}» har et ark som er større enn Styringsrom leser. Slett tomme "
                    "rader og kolonner utenfor tabellen, lagre og last opp på nytt."
                )
            return _corrupt("{file_name}", f"arket «{name}» kan ikke leses")
        if isinstance(read, str):
            return read
        loaded[name] = (read[0], sheet, read[1])
    raw.sheets = [loaded[name][0] for name, _ in wanted]  # in the workbook's order
    # After every sheet is parsed, when the checksum thread (which also looks for TRUE/FALSE
    # cells) is done, make the columns whose typing lost what the cells were exact.
    for read_sheet, sheet, fastexcel_names in loaded.values():
        if read_sheet.headings is not None:
            with_booleans = verified.has_booleans(read_sheet.name)
            read_sheet.columns = _cell_by_cell(
                reader, read_sheet, sheet, fastexcel_names, with_booleans
            )
    return raw


def _say_reading(name: str) -> None:
    """Say which sheet is being read, so that if calamine aborts the parent can name it."""
    sys.stderr.write(f"{READING_SHEET}{name}\n")
    sys.stderr.flush()


class _Verification:
    """Unpacks, in a thread, every zip member calamine will read, as far as its declared size,
    and checks its CRC: a member that unpacks to more than it declares fails the CRC.

    On the way it notes which sheets hold a TRUE/FALSE cell: calamine turns those into 1 and
    0 in a column of numbers, so such a sheet's number columns are read cell by cell. A sheet
    part the workbook's index does not name (an index over MAX_INDEX_BYTES) is checked too,
    and counts for every sheet.
    """

    def __init__(self, path: Path) -> None:
        self.problem: str | None = None
        # Sheet names; "*" for every sheet (an .ods, or a sheet part without its name).
        self.with_booleans: set[str] = set()
        self.thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self.thread.start()

    def _run(self, path: Path) -> None:
        yield_to_the_parse(5)  # it has time while calamine parses; calamine has none
        try:
            with zipfile.ZipFile(path) as archive:
                by_name = {member.filename.lower(): member for member in archive.infolist()}
                parts = _sheet_parts(archive, by_name) if "xl/workbook.xml" in by_name else {}
                for name, member in by_name.items():
                    sheet = parts.get(name)
                    if sheet and sheet_for_name(sheet) is None:
                        continue  # a sheet calamine is never asked to read
                    if not (name in parts or name.endswith(XML_SUFFIXES)):
                        continue
                    if sheet:
                        if self._unpack(archive, member, _XLSX_BOOLEANS):
                            self.with_booleans.add(sheet)
                    elif sheet == "":  # a sheet whose name the index did not give: any sheet
                        if self._unpack(archive, member, _XLSX_BOOLEANS):
                            self.with_booleans.add("*")
                    elif name == "content.xml":  # an .ods: all its sheets in one part
                        if self._unpack(archive, member, _ODS_BOOLEANS):
                            self.with_booleans.add("*")
                    else:
                        self._unpack(archive, member, ())
        except Exception as error:  # BadZipFile (CRC), zlib.error, EOFError: not a sound zip
            self.problem = _corrupt(
                "{file_name}", _zip_problem(error) if isinstance(error, zipfile.BadZipFile) else ""
            )

    @staticmethod
    def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, markers: tuple) -> bool:
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

    def result(self) -> str | None:
        self.thread.join()
        return self.problem

    def has_booleans(self, sheet: str) -> bool:
        self.thread.join()
        return sheet in self.with_booleans or "*" in self.with_booleans


# A TRUE/FALSE cell: t="b" on an .xlsx cell, value-type="boolean" in an .ods. A plain
# search (a regex costs ten times more on a 40 MB sheet); a text that happens to contain it
# only costs a second look at the sheet.
_XLSX_BOOLEANS = (b't="b"', b"t='b'")
_ODS_BOOLEANS = (b'value-type="boolean"', b"value-type='boolean'")


@dataclass
class _Budget:
    """What a parse may still hand back, all sheets together."""

    rows: int
    cells: int
    rows_used: int = 0
    cells_used: int = 0

    def check(self, name: str, height: int, width: int) -> str | None:
        """A Norwegian message when a sheet this size is more than the upload may still hold."""
        rows, cells = self.rows_used + height, self.cells_used + height * width
        if rows <= self.rows and cells <= self.cells:
            return None
        limit = _upload_limit(self.rows, self.cells)
        if height <= self.rows and height * width <= self.cells:  # too much only together
            return _too_large_upload("{file_name}", name, height, width, rows, cells, limit)
        return _too_large_sheet("{file_name}", name, height, width, limit)

    def take(self, height: int, width: int) -> None:
        self.rows_used += height
        self.cells_used += height * width


_UNNAMED = re.compile(r"__UNNAMED__\d+")
_RENAMED = re.compile(r"(.*)_\d+")
_COLUMN_IN_ERROR = re.compile(r"could not determine dtype for column (.*)$", re.MULTILINE)


def _read_sheet(
    reader: object, name: str, sheet: Sheet, first_row: int | None, budget: _Budget
) -> tuple[RawSheet, list[str]] | str:
    """Find the heading row, then load the sheet typed by the cells below it.

    Every load parses the whole sheet, so the common case takes one: the heading row is the
    first row with a value (as the template writes it), which the sheet's XML tells before
    parsing. Otherwise a first load finds the heading row and a second loads from it. Returns the
    sheet and fastexcel's names for its columns.
    """
    if first_row is not None:
        loaded = _load(reader, name, budget, count=False, header_row=first_row - 1)
        if isinstance(loaded, str):
            return loaded
        top = [_headings(loaded.schema.names), *_head_rows(loaded, HEADER_SEARCH_ROWS - 1)]
        base = first_row  # Excel row of top[0]
    else:
        # From row 1 (skip_rows=0), so that row numbers are Excel's.
        loaded = _load(reader, name, budget, count=False, header_row=None, skip_rows=0)
        if isinstance(loaded, str):
            return loaded
        base = _first_row_with_content(loaded)
        if base is None:
            return RawSheet(name, None, empty=True), []
        top = _head_rows(loaded, HEADER_SEARCH_ROWS, start=base - 1)
    offset = find_header_row(top, sheet)
    if offset is None:
        empty = not _has_content(top[0]) and _first_row_with_content(loaded) is None
        return RawSheet(name, None, header_row=base, empty=empty), []
    header_row = base + offset
    if first_row is None or offset > 0:
        loaded = _load(reader, name, budget, header_row=header_row - 1)
        if isinstance(loaded, str):
            return loaded
    else:
        budget.take(loaded.num_rows + 1, loaded.num_columns)
    names = loaded.schema.names
    return RawSheet(name, _headings(names), list(loaded.columns), header_row), names


#: calamine's text for cells of other types in a column that mixes types: a date-time, a
#: TRUE/FALSE, a number with a fraction (rounded to 9 decimals).
_DATE_TIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?"
_RENDERED_NON_TEXT = rf"^(?:{_DATE_TIME}|true|false|-?\d+\.\d+)$"
_RENDERED_DATE_TIME = re.compile(_DATE_TIME)
_CELL_TYPE = re.compile(r"got '(Float|Int|Bool)\(([^)]*)\)'")


def _cell_by_cell(
    reader: object, raw: RawSheet, sheet: Sheet, names: list[str], with_booleans: bool
) -> list[pa.Array]:
    """The columns where calamine's typing loses what the cells were, made exact.

    A column that mixes types comes as text: numbers rounded to 9 decimals with a decimal
    point (a real 1.234 would read as the ambiguous text «1.234»), date-times with a time,
    TRUE as «true». A column of numbers with a TRUE/FALSE in it comes as 1 and 0. For such
    columns, a second load, as a type no cell has, reports each cell's own type and value,
    and each cell is written back as text that its parser reads as it reads the cell
    itself. Only columns whose kind makes the difference are loaded again, and only when a
    cell shows it, so a register of IDs, scales and dates never pays for this.
    """
    import pyarrow as pa

    index = heading_index(sheet)
    kinds: dict[int, Kind] = {}
    for position, heading in enumerate(raw.headings or []):
        column = column_for_heading(index, heading) if heading is not None else None
        if column is None:
            continue
        array = raw.columns[position]
        if pa.types.is_string(array.type):
            if column.kind is Kind.NUMBER or (
                column.kind in (Kind.TEXT, Kind.ID) and _has_rendered_non_text(array)
            ):
                kinds[position] = column.kind
        elif with_booleans and (
            pa.types.is_floating(array.type) or pa.types.is_integer(array.type)
        ):
            kinds[position] = column.kind
    if not kinds:
        return raw.columns
    probed = [names[position] for position in kinds]
    _say_reading(raw.name)
    probe = reader.load_sheet(  # type: ignore[attr-defined]
        raw.name,
        header_row=raw.header_row - 1,
        schema_sample_rows=None,
        use_columns=probed,
        dtypes=dict.fromkeys(probed, "duration"),
    )
    _, errors = probe.to_arrow_with_errors()
    typed: dict[int, dict[int, str]] = {position: {} for position in kinds}
    reported: dict[int, set[int]] = {position: set() for position in kinds}
    for error in errors.errors if errors is not None else []:
        row, position = error.offset_position
        if position not in kinds:
            continue
        reported[position].add(row)
        if match := _CELL_TYPE.search(error.detail):
            typed[position][row] = _cell_as_text(match[1], match[2], kinds[position])
    columns = list(raw.columns)
    for position in kinds:
        values = columns[position].to_pylist()
        for row, value in enumerate(values):
            if row in typed[position]:
                values[row] = typed[position][row]
            elif value is not None and row not in reported[position] and isinstance(value, str):
                values[row] = _date_time_as_text(value)  # not text, not a number: a date
        columns[position] = pa.array(values, pa.string())
    return columns


#: The first bytes `_RENDERED_NON_TEXT` can match: a digit, a minus, t(rue) or f(alse).
_RENDERED_FIRST_BYTES = tuple(bytes([byte]) for byte in b"0123456789-tf")


def _has_rendered_non_text(array: pa.Array) -> bool:
    """Whether a text column holds cells calamine rendered from other types. Such a cell
    starts with a digit, a minus, t or f, which few texts do: the regex (costly per cell)
    runs on those alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    as_bytes = array.view(pa.binary())  # the same buffers, sliced by byte
    first = pc.binary_slice(as_bytes, 0, 1)
    maybe = pc.fill_null(pc.is_in(first, value_set=pa.array(_RENDERED_FIRST_BYTES)), False)
    if not pc.any(maybe).as_py():
        return False
    candidates = pc.filter(array, maybe)
    return bool(pc.any(pc.match_substring_regex(candidates, _RENDERED_NON_TEXT)).as_py())


def _cell_as_text(cell_type: str, value: str, kind: Kind) -> str:
    """A number or TRUE/FALSE, as calamine prints it, as text its column's parser reads as
    it reads the cell: every digit (with a decimal comma for a number column), or True."""
    if cell_type == "Bool":
        return "True" if value == "true" else "False"
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    if kind is Kind.NUMBER:
        import decimal

        return format(decimal.Decimal(repr(number)), "f").replace(".", ",")
    return str(int(number)) if number.is_integer() else repr(number)


def _date_time_as_text(rendered: str) -> str:
    """A date-time cell in a text column, as parse_text writes it: the date alone at midnight."""
    if _RENDERED_DATE_TIME.fullmatch(rendered) and rendered.endswith(" 00:00:00"):
        return rendered[: -len(" 00:00:00")]
    return rendered


def _load(
    reader: object, name: str, budget: _Budget, *, count: bool = True, **where: object
) -> pa.RecordBatch | str:
    """One parse of a sheet into Arrow, every column typed by all of its cells.

    calamine refuses some mixes (a time of day among dates and text); such a column is
    loaded as text instead.
    """
    import fastexcel

    as_text: dict[str | int, str] = {}
    while True:
        try:
            loaded = reader.load_sheet(  # type: ignore[attr-defined]
                name, schema_sample_rows=None, dtypes=as_text or None, **where
            )
            break
        except fastexcel.UnsupportedColumnTypeCombinationError as error:
            column = _COLUMN_IN_ERROR.search(str(error))
            if column is None or column[1] in as_text or len(as_text) >= 64:
                raise
            as_text[column[1]] = "string"
    # Counted with the heading row, as the sheet's extent; a search load is only checked.
    height = loaded.total_height + (where.get("header_row") is not None)
    problem = budget.check(name, height, loaded.width)
    if problem is not None:
        return problem
    if count:
        budget.take(height, loaded.width)
    return loaded.to_arrow()


def _headings(names: list[str]) -> list[str | None]:
    """The heading row as written, from the column names fastexcel gives (it names an empty
    heading __UNNAMED__n and a repeated one Name_1)."""
    headings: list[str | None] = []
    seen: set[str] = set()
    for name in names:
        if _UNNAMED.fullmatch(name):
            headings.append(None)
            continue
        renamed = _RENAMED.fullmatch(name)
        if renamed and renamed[1] in seen:
            name = renamed[1]
        seen.add(name)
        headings.append(name)
    return headings


def _head_rows(loaded: pa.RecordBatch, count: int, start: int = 0) -> list[list[object]]:
    columns = [column.slice(start, count).to_pylist() for column in loaded.columns]
    return [list(row) for row in zip(*columns, strict=True)]


def _has_content(row: list[object]) -> bool:
    return any(cell is not None and (type(cell) is not str or cell.strip()) for cell in row)


def _first_row_with_content(loaded: pa.RecordBatch) -> int | None:
    """1 + the index of the first row with content, if any (the Excel row, when the sheet was
    loaded from row 1)."""
    import pyarrow.compute as pc

    found = pc.indices_nonzero(content_mask(list(loaded.columns), loaded.num_rows))
    return int(found[0].as_py()) + 1 if len(found) else None


def content_mask(columns: list[pa.Array], length: int) -> pa.BooleanArray:
    """Which rows hold anything: a value that is not empty or only blanks."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pa.repeat(False, length) if length else pa.array([], pa.bool_())
    for column in columns:
        if pa.types.is_null(column.type):
            continue
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            filled = pc.and_not(pc.greater(pc.binary_length(column), 0), pc.utf8_is_space(column))
        else:
            filled = pc.is_valid(column)
        mask = pc.or_(mask, pc.fill_null(filled, False))
    return mask


_ROW_WITH_CELLS = re.compile(
    rb"<(?:[\w.-]+:)?row\b[^>]*?\br\s*=\s*[\"'](\d+)[\"'][^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?row>)",
    re.DOTALL,
)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|t)\b[^>]*>\s*[^<\s]")


@dataclass(frozen=True)
class _SheetHint:
    """What a sheet's zip member tells before parsing: its declared unpacked size, and the
    Excel row of its first row holding a value (None: not seen in the prolog)."""

    size: int = 0
    first_row: int | None = None


_NO_HINT = _SheetHint()


def _sheet_hints(path: Path) -> dict[str, _SheetHint]:
    """Sheet name -> its hint, from the zip directory and the start of each sheet's XML.

    Only hints: a wrong one costs time, never a wrong result (the reader checks the row).
    """
    found: dict[str, _SheetHint] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            by_name = {member.filename.lower(): member for member in archive.infolist()}
            if "xl/workbook.xml" not in by_name:
                return found
            for part, name in _sheet_parts(archive, by_name).items():
                if not name or sheet_for_name(name) is None or part not in by_name:
                    continue
                with archive.open(by_name[part]) as stream:
                    prolog = stream.read(PROLOG_BYTES)
                first_row = None
                for row in _ROW_WITH_CELLS.finditer(prolog):
                    if row[2] and _VALUE.search(row[2]):
                        first_row = int(row[1])
                        break
                found[name] = _SheetHint(by_name[part].file_size, first_row)
    except Exception:  # without hints the reader finds the heading rows itself
        return {}
    return found


def _result_bytes(workbook: RawWorkbook) -> int:
    return sum(column.nbytes for sheet in workbook.sheets for column in sheet.columns)


def _child_main(arguments: list[str]) -> None:
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
                f"{_megabytes(int(max_result))} MB tekst og tall). Fjern overflødige ark, "
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


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(path: Path, file_name: str) -> RawWorkbook:
    import csv

    data = path.read_bytes()
    if data.startswith((ZIP_SIGNATURE, OLE2_SIGNATURE)):
        raise UnreadableFile(
            f"«{file_name}» er en Excel-arbeidsbok, ikke en CSV-fil. Gi den endelsen .xlsx "
            "(eller lagre den som CSV fra Excel) og last opp på nytt."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 leaves five bytes undefined
        raise UnreadableFile(
            f"«{file_name}» har en tegnkoding som ikke kan leses. Lagre den som «CSV UTF-8» "
            "fra Excel og last opp på nytt."
        )
    del data
    if "\x00" in text:
        raise UnreadableFile(
            f"«{file_name}» er ikke en tekstfil (CSV). Last opp en CSV-fil eller en "
            "Excel-arbeidsbok (.xlsx)."
        )
    sample = text[:20_000]
    delimiter = max(";,\t", key=sample.count)
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            cells += max(len(row), 1)
            if len(rows) >= MAX_ROWS or cells > MAX_CELLS:
                raise UnreadableFile(
                    f"«{file_name}» har flere rader eller celler enn Styringsrom leser (høyst "
                    f"{_upload_limit(MAX_ROWS, MAX_CELLS)}). Fjern tomme og overflødige rader, "
                    "eller del filen, og last opp på nytt."
                )
            rows.append(list(row))
    except csv.Error:
        raise UnreadableFile(
            f"«{file_name}» er ikke en gyldig CSV-fil (feil i rad {len(rows) + 1}). Åpne "
            "den i Excel og lagre som «Excel-arbeidsbok (.xlsx)» eller «CSV UTF-8», og last "
            "opp på nytt."
        ) from None
    stem = Path(file_name).stem
    raw = RawWorkbook(file_name=file_name)
    if sheet_for_name(stem) is None:
        raw.ignored_sheets.append(stem)
    else:
        raw.sheets.append(sheet_from_rows(stem, rows))
    return raw


def sheet_from_rows(name: str, rows: list[list[object]], first_row: int = 1) -> RawSheet:
    """A contract sheet from rows of cells (a CSV's text), `rows[0]` being Excel row `first_row`.

    A column whose cells are not all of one type holds their text, as a workbook's would.
    """
    import pyarrow as pa

    sheet = sheet_for_name(name)
    offset = find_header_row(rows, sheet) if sheet is not None else None
    if offset is None:
        empty = not any(_has_content(row) for row in rows)
        return RawSheet(name, None, header_row=first_row, empty=empty)
    width = max((len(row) for row in rows[offset:]), default=0)
    headings = [
        str(cell).strip() if cell is not None and str(cell).strip() else None
        for cell in [*rows[offset], *[None] * (width - len(rows[offset]))]
    ]
    body = rows[offset + 1 :]
    columns = []
    for cells in zip_longest(*body, fillvalue=None) if body else [[]] * width:
        try:
            columns.append(pa.array(list(cells)))
        except (pa.ArrowException, TypeError, ValueError):
            columns.append(pa.array([None if cell is None else str(cell) for cell in cells]))
    return RawSheet(name, headings, columns, first_row + offset)


if __name__ == "__main__":
    # Import ourselves by name so the pickled classes are lib.read's, not __main__'s.
    from lib import read as this_module

    this_module._child_main(sys.argv[1:])
