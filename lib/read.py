"""A file -> raw cells per sheet, safely.

A workbook from a stranger can be hostile: a zip bomb, an XML entity bomb, or a tiny file that
declares a grid of 17 billion cells, on which the Rust calamine reader aborts the whole process
(no try/except can catch an abort). So a file is checked first — size, signature, zip
structure, unpacked sizes and ratios, DTDs, declared dimensions — and then parsed in a child
process with a memory limit and a time limit. Whatever the parse does, the caller (the app's
server or the command line) survives and reports a Norwegian message.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
import resource
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lib.contract import INSTRUCTIONS_SHEET, normalize_name, sheet_for_name

MAX_FILE_BYTES = 50 * 1024 * 1024  # also Streamlit's server.maxUploadSize (MB) in config.toml
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 150  # real sheets compress 5–20×; bombs a thousandfold
RATIO_CHECKED_ABOVE = 5 * 1024 * 1024  # small members may compress well without harm
MAX_ZIP_MEMBERS = 5_000
MAX_DECLARED_CELLS = 20_000_000
PARSE_SECONDS = 10
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024
PROLOG_BYTES = 64 * 1024

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; the message is Norwegian and says why."""


@dataclass
class RawSheet:
    name: str  # as written in the workbook
    rows: list[list[object]]  # cells from `first_row`, `first_column` onwards
    first_row: int = 1  # Excel row number of rows[0]
    first_column: int = 0  # 0-based column of rows[x][0]


@dataclass
class RawWorkbook:
    file_name: str
    sheets: list[RawSheet] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)


def read_workbook(path: Path | str, file_name: str | None = None) -> RawWorkbook:
    """Read the contract's sheets of a workbook (or CSV) file; raises UnreadableFile."""
    path = Path(path)
    file_name = file_name or path.name
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"«{file_name}» har en filtype som ikke støttes. Last opp en Excel-arbeidsbok "
            "(.xlsx eller .xlsm), eventuelt .ods eller .csv."
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableFile(f"Filen «{file_name}» kunne ikke åpnes ({error.strerror}).") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"«{file_name}» er {size / 1024 / 1024:.0f} MB; største tillatte størrelse er "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if size == 0:
        raise UnreadableFile(f"«{file_name}» er tom.")
    if suffix == ".csv":
        return _read_csv(path, file_name)
    check_workbook_file(path, file_name, head)
    return _parse_isolated(path, file_name)


def check_workbook_file(path: Path, file_name: str, head: bytes) -> None:
    """Refuse what is not a sound workbook zip before any parser sees it."""
    if head.startswith(OLE2_SIGNATURE):
        raise UnreadableFile(
            f"«{file_name}» er passordbeskyttet (kryptert) eller i det gamle .xls-formatet. "
            "Fjern passordet, eller lagre den som .xlsx i Excel, og last opp på nytt."
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(
            f"«{file_name}» er ikke en Excel-arbeidsbok (innholdet er ikke i .xlsx-format, "
            "kanskje en CSV- eller nettside lagret med feil filendelse). Åpne den i Excel og "
            "lagre som «Excel-arbeidsbok (.xlsx)»."
        )
    corrupt = f"«{file_name}» er skadet og kan ikke leses. Lagre den på nytt fra Excel."
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_zip_sizes(members, file_name)
            names = {member.filename for member in members}
            if not ({"xl/workbook.xml", "content.xml"} & names):
                raise UnreadableFile(corrupt)
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml_member(archive, member, file_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError):
        raise UnreadableFile(corrupt) from None
    except NotImplementedError:  # an unknown compression method
        raise UnreadableFile(corrupt) from None


def _check_zip_sizes(members: list[zipfile.ZipInfo], file_name: str) -> None:
    bomb = (
        f"«{file_name}» pakker seg ut til urimelig mye data (mulig «zip-bombe») og blir "
        "ikke lest."
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(bomb)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UnreadableFile(bomb)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_MEMBER_RATIO:
            raise UnreadableFile(bomb)


_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file_name: str) -> None:
    """No DTD (entity bombs live there) and no absurd declared sheet size."""
    with archive.open(member) as stream:
        prolog = stream.read(PROLOG_BYTES)
    root = _ROOT_ELEMENT.search(prolog)
    if _DTD.search(prolog if root is None else prolog[: root.start()]):
        raise UnreadableFile(
            f"«{file_name}» inneholder XML-definisjoner (DTD) som Excel aldri lager, og blir "
            "ikke lest av sikkerhetshensyn."
        )
    if root is None and member.file_size > PROLOG_BYTES:
        raise UnreadableFile(f"«{file_name}» er skadet og kan ikke leses.")
    if member.filename.startswith("xl/worksheets/") and (match := _DIMENSION.search(prolog)):
        first_col, first_row, last_col, last_row = match.groups()
        if last_col is not None:
            width = _column_number(last_col.decode()) - _column_number(first_col.decode()) + 1
            height = int(last_row) - int(first_row) + 1
            if width * height > MAX_DECLARED_CELLS:
                raise UnreadableFile(
                    f"«{file_name}» oppgir et ark på {height:,} rader × {width:,} kolonner "
                    "(for eksempel en celle helt nederst til høyre). Slett tomme rader og "
                    "kolonner utenfor tabellen, lagre og last opp på nytt.".replace(",", " ")
                )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# ---------------------------------------------------------------------------------------------
# Parsing in a child process


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PARSE_MEMORY_BYTES, PARSE_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _parse_isolated(path: Path, file_name: str) -> RawWorkbook:
    failed = (
        f"«{file_name}» kunne ikke leses (filen er skadet eller for stor til å leses trygt). "
        "Åpne den i Excel, lagre på nytt som .xlsx og prøv igjen."
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lib.read", str(path.resolve())],
            capture_output=True,
            timeout=PARSE_SECONDS,
            preexec_fn=_limit_child,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableFile(
            f"«{file_name}» tok for lang tid å lese (over {PARSE_SECONDS} sekunder) og ble "
            "avbrutt."
        ) from None
    if done.returncode != 0 or not done.stdout:
        raise UnreadableFile(failed)
    result = pickle.loads(done.stdout)
    if isinstance(result, str):  # the child's own Norwegian message
        raise UnreadableFile(f"«{file_name}»: {result}")
    result.file_name = file_name
    return result


def parse_workbook_in_this_process(path: Path) -> RawWorkbook | str:
    """Read the contract's sheets with calamine. Only call this in a disposable process."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 — calamine raises many kinds; all mean "cannot read"
        return "filen er skadet eller ikke en arbeidsbok som kan leses."
    raw = RawWorkbook(file_name=path.name)
    for metadata in workbook.sheets_metadata:
        if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no table
        if sheet_for_name(metadata.name) is None:
            if normalize_name(metadata.name) != normalize_name(INSTRUCTIONS_SHEET):
                raw.ignored_sheets.append(metadata.name)
            continue
        try:
            sheet = workbook.get_sheet_by_name(metadata.name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
        except Exception:  # noqa: BLE001
            return f"arket «{metadata.name}» er skadet og kan ikke leses."
        raw.sheets.append(RawSheet(metadata.name, rows, start[0] + 1, start[1]))
    return raw


def _read_csv(path: Path, file_name: str) -> RawWorkbook:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover — cp1252 decodes almost anything
        raise UnreadableFile(f"«{file_name}» har en tegnkoding som ikke kan leses.")
    if "\x00" in text:
        raise UnreadableFile(f"«{file_name}» er ikke en tekstfil (CSV).")
    sample = text[:20_000]
    delimiter = max(";,\t", key=sample.count)
    rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    stem = Path(file_name).stem
    raw = RawWorkbook(file_name=file_name)
    if sheet_for_name(stem) is None:
        raw.ignored_sheets.append(stem)
    else:
        raw.sheets.append(RawSheet(stem, rows))
    return raw


if __name__ == "__main__":
    # Import ourselves by name so the pickled classes are lib.read's, not __main__'s.
    from lib import read as this_module

    parsed = this_module.parse_workbook_in_this_process(Path(sys.argv[1]))
    sys.stdout.buffer.write(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
