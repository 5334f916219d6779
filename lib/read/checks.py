"""The checks before any parser sees a file: its name, kind and size, then the zip inside.

They read the file's head, the zip directory and at most a prolog (limits.PROLOG_BYTES) of
each XML member — never a whole sheet — and refuse what Excel never writes: other formats,
encrypted or truncated files, too many or overlapping zip members, unknown compression,
unpacked sizes and ratios of a bomb, DTDs (where entity bombs live), and sheets that declare
an absurd size. So they cost milliseconds even for a 50 MB workbook.
"""

from __future__ import annotations

import html
import re
import stat
import struct
import zipfile
from pathlib import Path

from lib.contract import sheet_for_name
from lib.read import limits
from lib.read.messages import (
    RESAVE,
    bomb,
    corrupt,
    encrypted,
    megabytes,
    suspicious,
    thousands,
    too_large_sheet,
    zip_problem,
)
from lib.read.raw import UnreadableFile

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
XML_SUFFIXES = (".xml", ".rels", ".vml")

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM_NAME = "EncryptedPackage".encode("utf-16-le")
HEAD_BYTES = 512


def check_file(path: Path, file_name: str) -> bytes:
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
    if size > limits.MAX_FILE_BYTES:
        raise UnreadableFile(
            f"«{file_name}» er {-(-size // 1024**2)} MB, over grensen på "
            f"{megabytes(limits.MAX_FILE_BYTES)} MB for opplasting. Fjern bilder, tomme ark og "
            "overflødige rader, eller del arbeidsboken i flere filer, og last opp på nytt."
        )
    if size == 0 or not head:
        raise UnreadableFile(
            f"«{file_name}» er tom (0 byte). Sjekk at du valgte riktig fil, og last opp på nytt."
        )
    return head


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
        raise UnreadableFile(_old_format_or_encrypted(path, file_name))
    if not head.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(_not_a_workbook(file_name, head))
    size = path.stat().st_size
    try:
        _check_end_record(path, size, file_name)
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, size, file_name)
    except UnreadableFile:
        raise
    except zipfile.BadZipFile as error:
        raise UnreadableFile(corrupt(file_name, zip_problem(error))) from None
    except Exception:  # zlib.error, EOFError, struct.error, …: all mean a broken zip
        raise UnreadableFile(corrupt(file_name)) from None


def _check_archive(archive: zipfile.ZipFile, size: int, file_name: str) -> None:
    """The zip's members, then the prolog of each XML member and sheet."""
    members = archive.infolist()
    _check_members(members, size, file_name)
    by_name = {member.filename.lower(): member for member in members}
    if "xl/workbook.xml" not in by_name and "content.xml" not in by_name:
        raise UnreadableFile(
            f"«{file_name}» er en zip-fil, men ikke en Excel-arbeidsbok (den mangler "
            "selve arbeidsboken). Sjekk at du valgte riktig fil; last opp "
            "arbeidsboken som .xlsx."
        )
    parts = sheet_parts(archive, by_name) if "xl/workbook.xml" in by_name else {}
    for member in members:
        name = member.filename.lower()
        sheet = parts.get(name)
        if sheet is not None or name.endswith(XML_SUFFIXES):
            _check_xml_member(archive, member, file_name, sheet)


def _old_format_or_encrypted(path: Path, file_name: str) -> str:
    """Why an OLE2 compound file is refused: an encrypted .xlsx, or an old .xls."""
    if _has_encrypted_package(path):
        return encrypted(file_name)
    return (
        f"«{file_name}» er i det gamle Excel-formatet (.xls) eller et annet eldre "
        "Office-format, ikke en Excel-arbeidsbok (.xlsx). Åpne den i Excel og lagre som "
        "«Excel-arbeidsbok (.xlsx)», og last opp på nytt."
    )


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
                corrupt(
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
    if entries > limits.MAX_ZIP_MEMBERS:
        raise UnreadableFile(_too_many_members(file_name, entries))
    if directory_bytes > limits.MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnreadableFile(
            suspicious(file_name, "har en urimelig stor innholdsliste (zip-katalog)")
        )


def _too_many_members(file_name: str, count: int) -> str:
    return (
        f"«{file_name}» består av {thousands(count)} deler, langt flere enn en arbeidsbok "
        f"fra Excel (høyst {thousands(limits.MAX_ZIP_MEMBERS)} godtas), og blir ikke lest. "
        f"{RESAVE}"
    )


_BAD_NAME = re.compile(r"[\x00-\x1f]|(^|[/\\])\.\.([/\\]|$)|^[/\\]|^[A-Za-z]:")


def _check_members(members: list[zipfile.ZipInfo], size: int, file_name: str) -> None:
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise UnreadableFile(_too_many_members(file_name, len(members)))
    _check_names_and_methods(members, file_name)
    _check_layout(members, size, file_name)
    _check_unpacked_sizes(members, file_name)


def _check_names_and_methods(members: list[zipfile.ZipInfo], file_name: str) -> None:
    """Sound, distinct names; no encryption; the compression Excel uses."""
    seen: set[str] = set()
    for member in members:
        if _BAD_NAME.search(member.filename):
            raise UnreadableFile(suspicious(file_name, "har deler med ugyldige navn"))
        if member.filename.lower() in seen:  # calamine looks names up ignoring case
            raise UnreadableFile(suspicious(file_name, "har to deler med samme navn"))
        seen.add(member.filename.lower())
        if member.flag_bits & 0x1:
            raise UnreadableFile(encrypted(file_name))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(
                f"«{file_name}» er pakket med en komprimeringsmetode som Excel ikke bruker, og "
                f"kan ikke leses. {RESAVE}"
            )


def _check_layout(members: list[zipfile.ZipInfo], size: int, file_name: str) -> None:
    """Members must not overlap: overlapping entries make one stored block count many times
    (the "non-recursive zip bomb"), and would make the prolog reads repeat work."""
    end = 0
    for member in sorted(members, key=lambda member: member.header_offset):
        if member.header_offset < end:
            raise UnreadableFile(suspicious(file_name, "har deler som overlapper hverandre"))
        end = member.header_offset + 30 + member.compress_size  # 30: the local header
    if end > size:
        raise UnreadableFile(corrupt(file_name, "filen er ufullstendig"))


def _check_unpacked_sizes(members: list[zipfile.ZipInfo], file_name: str) -> None:
    """The sizes the directory declares: in all, and each member's against its packed size."""
    if sum(member.file_size for member in members) > limits.MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            bomb(file_name, f"pakker seg ut til over {megabytes(limits.MAX_UNPACKED_BYTES)} MB")
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.RATIO_CHECKED_ABOVE and ratio > limits.MAX_MEMBER_RATIO:
            raise UnreadableFile(
                bomb(
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


def sheet_parts(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
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
    if member is None or member.file_size > limits.MAX_INDEX_BYTES:
        return None
    with archive.open(member) as stream:
        return stream.read(limits.MAX_INDEX_BYTES)


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
        prolog = stream.read(limits.PROLOG_BYTES)
        whole = len(prolog) < limits.PROLOG_BYTES or not stream.read(1)
    text = prolog.replace(b"\x00", b"")  # UTF-16 and UTF-32 markup reads as ASCII
    if _DTD.search(text):
        raise UnreadableFile(
            f"«{file_name}» inneholder XML-definisjoner (DTD) som Excel aldri lager, og blir "
            f"ikke lest av sikkerhetshensyn. {RESAVE}"
        )
    if not whole and not _has_root(text):
        raise UnreadableFile(corrupt(file_name, f"delen {member.filename} er ikke gyldig XML"))
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
    if width * height > limits.MAX_DECLARED_CELLS:
        limit = f"{thousands(limits.MAX_DECLARED_CELLS)} celler i et ark"
        raise UnreadableFile(too_large_sheet(file_name, sheet, height, width, limit))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number
