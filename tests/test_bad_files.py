"""Hostile and broken files: refused with a Norwegian message, quickly, in bounded memory.

Every file is made here in tmp_path (no committed binaries, no network). For each bad file the
library raises UnreadableFile with a bokmål message that names the file and says what to do,
and the command line exits 2 within 10 seconds using under 1 GiB, prints no traceback or Rust
panic, and stores nothing. The time and memory bounds are safety bounds, not benchmarks.

Peak memory of a command-line run is read with os.wait4, whose ru_maxrss covers the process
and the children it waited for (the parse child), i.e. the largest of them.
"""

from __future__ import annotations

import base64
import os
import random
import re
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from lib import read
from lib.read import UnreadableFile, check_workbook_file, read_workbook
from tests.fixtures import (
    RELATIONSHIPS,
    RawMember,
    make_workbook,
    members,
    raw_copy,
    sheet_member,
    without_sheet_names_for_the_checks,
    write_raw_zip,
)

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 10.0
MEMORY_BYTES = 1024 * 1024 * 1024
PROJECTS = [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "Omorganisering"]]
RISKS = [
    ["Risiko-ID", "Prosjekt-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
    ["R1", "OU2", "Forsinkelse", 4, "Kritisk"],
]
ADVICE = ("last opp", "Last opp", "lagre", "Lagre", "prøv igjen", "Prøv igjen", "Sjekk")
LEAKS = ("Traceback", "panicked", "memory allocation", "RUST_BACKTRACE", "Error:", "error")


# ---------------------------------------------------------------------------------------------
# Building files


def valid_workbook(path: Path, extra: dict[str, list[list[object]]] | None = None) -> Path:
    """A workbook the command line stores: one project and one risk (plus `extra` sheets)."""
    book = openpyxl.Workbook()
    book.active.title = "Prosjekter"
    for row in PROJECTS:
        book.active.append(row)
    sheet = book.create_sheet("Risiko")
    for row in RISKS:
        sheet.append(row)
    for name, rows in (extra or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rewrite(path: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (bytes), adding (new name) or dropping (None) members."""
    parts = members(path)
    parts.update(changes)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if data is not None:
                archive.writestr(name, data)
    return target


def repeated_member(name: str, head: bytes, block: bytes, count: int, tail: bytes) -> RawMember:
    """head + block × count + tail, deflated in milliseconds however large it unpacks.

    After a full flush a deflate stream refers to nothing before it, so the compressed bytes
    of one block can be repeated: 500 MB of sheet XML costs one compression of one block.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * count + len(tail)
    return RawMember(name, first + middle * count + last, crc, size)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
)


def with_prolog(xml: bytes, prolog: bytes) -> bytes:
    """Put `prolog` before the root element of `xml` (dropping its own declaration)."""
    if xml.startswith(b"<?xml"):
        xml = xml.split(b"?>", 1)[1].lstrip()
    return prolog + xml


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) whose directory names `streams`.

    Sector 0 is the FAT, sector 1 the directory: the root entry and up to three empty streams
    chained as right siblings. This is the container of a password-protected .xlsx.
    """
    endofchain, freesect, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack(
        "<8s16s5H6s10L",
        read.checks.OLE2_SIGNATURE,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        0x1000,
        endofchain,  # first mini FAT sector
        0,
        endofchain,  # first DIFAT sector
        0,
        0,  # DIFAT[0]: the FAT is sector 0
    ) + struct.pack("<108L", *[freesect] * 108)
    fat = struct.pack("<128L", fatsect, endofchain, *[freesect] * 126)

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return struct.pack(
            "<64sHBB3L16sL16sLQ",
            encoded,
            len(encoded),
            kind,
            1,
            nostream,
            right,
            child,
            b"\0" * 16,
            0,
            b"\0" * 16,
            endofchain,
            0,
        )

    entries = [entry("Root Entry", 5, nostream, 1 if streams else nostream)]
    for index, name in enumerate(streams, start=1):
        entries.append(entry(name, 2, index + 1 if index < len(streams) else nostream, nostream))
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512 and len(fat) == 512 and len(directory) == 512
    return header + fat + directory


# ---------------------------------------------------------------------------------------------
# Running and measuring


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_bytes: int


def run_cli(*args: str | Path) -> Run:
    """`python -m lib.cli ARGS`, timed, with the peak RSS of it and its children (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "lib.cli", *map(str, args)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > 60:
                process.kill()
            time.sleep(0.01)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            process.returncode,
            out.read().decode(),
            err.read().decode(),
            seconds,
            usage.ru_maxrss * 1024,
        )


def assert_good_message(message: str, file_name: str) -> None:
    assert f"«{file_name}»" in message, message
    assert any(advice in message for advice in ADVICE), message
    assert not any(leak in message for leak in LEAKS), message


def refuse(path: Path, *expected: str, file_name: str | None = None) -> str:
    """read_workbook refuses `path` in time and memory; returns the message.

    Peak memory is a high-water mark per process (this one, and the largest of its children),
    so a call is judged only when it raised the mark; an earlier, unrelated test may own it.
    """
    before = peaks()
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(path, file_name)
    seconds = time.monotonic() - started
    message = str(caught.value)
    assert_good_message(message, file_name or path.name)
    for fragment in expected:
        assert fragment in message, message
    assert seconds < SECONDS, seconds
    for old, new in zip(before, peaks(), strict=True):
        assert new == old or new < MEMORY_BYTES, (old, new)
    return message


def peaks() -> tuple[int, int]:
    """Peak RSS of this process and of the largest child so far (ru_maxrss is in KB)."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    )


def refuse_cli(path: Path, tmp_path: Path, *expected: str) -> Run:
    """The command line exits 2 in time and memory, says why in Norwegian, stores nothing."""
    db = tmp_path / "styringsrom.duckdb"
    run = run_cli("load", path, "--db", db)
    assert run.code == 2, run
    assert run.out == "", run
    assert run.err.startswith("Kan ikke lese filen: "), run.err
    assert run.err.count("\n") == 1, run.err  # one line: the message, nothing else
    assert_good_message(run.err, path.name)
    for fragment in expected:
        assert fragment in run.err, run.err
    assert run.seconds < SECONDS, run
    assert run.peak_bytes < MEMORY_BYTES, run
    assert_nothing_stored(db)
    MEASURED[path.name] = (run.seconds, run.peak_bytes, run.err.strip())
    return run


def assert_nothing_stored(db: Path) -> None:
    if db.exists():
        from lib.queries import versions

        assert versions(db).empty


MEASURED: dict[str, tuple[float, int, str]] = {}


@pytest.fixture(scope="module", autouse=True)
def report_measurements():
    """With -s, print the time, peak memory and message of each command-line run."""
    yield
    for name, (seconds, peak, message) in sorted(MEASURED.items()):
        print(f"\n{name:28} {seconds:5.2f} s {peak / 1024 / 1024:5.0f} MB  {message}", end="")


def refused_everywhere(path: Path, tmp_path: Path, *expected: str) -> str:
    message = refuse(path, *expected)
    refuse_cli(path, tmp_path, *expected)
    return message


# ---------------------------------------------------------------------------------------------
# 1. A corrupt zip


def test_truncated_xlsx(tmp_path: Path) -> None:
    whole = valid_workbook(tmp_path / "hel.xlsx").read_bytes()
    path = tmp_path / "avkuttet.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    refused_everywhere(path, tmp_path, "er skadet", "ufullstendig")


def test_zip_with_damaged_member_data(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    parts = raw_copy(source, {})
    for part in parts:
        if part.name == sheet:  # flip bytes in the middle of the deflate stream
            middle = len(part.data) // 2
            part.data = part.data[:middle] + bytes(b ^ 0x5A for b in part.data[middle:])
    path = write_raw_zip(tmp_path / "odelagt.xlsx", parts)
    refused_everywhere(path, tmp_path, "er skadet")


def test_only_the_signature_of_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "bare-start.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    refuse(path, "er skadet")


# ---------------------------------------------------------------------------------------------
# 2. Not Excel at all, with an .xlsx name


def test_csv_text_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "risiko.xlsx"
    path.write_text("Risiko-ID;Risiko;Sannsynlighet\nR1;Forsinkelse;4\n", encoding="utf-8")
    refused_everywhere(path, tmp_path, "ikke en Excel-arbeidsbok", "CSV", ".csv")


def test_html_page_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "nedlasting.xlsx"
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Logg inn</title></head><body>Økt utløpt</body></html>",
        encoding="utf-8",
    )
    refused_everywhere(path, tmp_path, "ikke en Excel-arbeidsbok", "nettside")


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "dokument.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    refuse(path, "ikke en Excel-arbeidsbok")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "tom.xlsx"
    path.touch()
    refused_everywhere(path, tmp_path, "er tom")


# ---------------------------------------------------------------------------------------------
# 3. XML entity bombs


def test_billion_laughs_in_a_sheet(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = with_prolog(members(source)[sheet], BILLION_LAUGHS).replace(
        b"<t>Forsinkelse", b"<t>&lol9;Forsinkelse"
    )
    path = rewrite(source, tmp_path / "latter-ark.xlsx", {sheet: xml})
    refused_everywhere(path, tmp_path, "DTD")


def test_billion_laughs_in_shared_strings(tmp_path: Path) -> None:
    # calamine reads xl/sharedStrings.xml by name, whether or not anything points to it.
    source = valid_workbook(tmp_path / "hel.xlsx")
    strings = BILLION_LAUGHS + (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    path = rewrite(source, tmp_path / "latter-strenger.xlsx", {"xl/sharedStrings.xml": strings})
    refused_everywhere(path, tmp_path, "DTD")


def test_dtd_after_a_long_leading_comment(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    padding = b"<!--" + b" fyll " * 20_000 + b"-->\n"  # 120 KB: past the prolog we read
    prolog = b'<?xml version="1.0"?>\n' + padding + BILLION_LAUGHS.split(b"?>", 1)[1]
    path = rewrite(
        source, tmp_path / "kommentar.xlsx", {sheet: with_prolog(members(source)[sheet], prolog)}
    )
    refused_everywhere(path, tmp_path, "er skadet", sheet)


def test_dtd_behind_a_comment_that_looks_like_a_root(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    prolog = b'<?xml version="1.0"?>\n<!-- <worksheet> -->' + BILLION_LAUGHS.split(b"?>", 1)[1]
    path = rewrite(
        source, tmp_path / "lurt.xlsx", {sheet: with_prolog(members(source)[sheet], prolog)}
    )
    refuse(path, "DTD")


def test_dtd_in_utf16(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = with_prolog(members(source)[sheet], BILLION_LAUGHS).replace(b'<?xml version="1.0"?>', b"")
    xml = b"\xff\xfe" + (b'<?xml version="1.0" encoding="UTF-16"?>' + xml).decode().encode(
        "utf-16-le"
    )
    path = rewrite(source, tmp_path / "utf16.xlsx", {sheet: xml})
    refuse(path, "DTD")


def test_dtd_in_an_ods(tmp_path: Path) -> None:
    path = tmp_path / "latter.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", BILLION_LAUGHS + b"<office:document-content/>")
    refuse(path, "DTD")


def test_calamine_itself_does_not_expand_entities(tmp_path: Path) -> None:
    """Defence in depth: past our checks, calamine reports the entity instead of expanding it."""
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = with_prolog(members(source)[sheet], BILLION_LAUGHS).replace(
        b"<t>Forsinkelse", b"<t>&lol9;Forsinkelse"
    )
    path = rewrite(source, tmp_path / "latter.xlsx", {sheet: xml})
    with pytest.raises(UnreadableFile, match="er skadet"):
        read.child._parse_isolated(path, path.name)


# ---------------------------------------------------------------------------------------------
# 4. Zip bombs

EMPTY_ROWS = b"<row/>" * 65_536
FULL_ROWS = b"<row><c><v>1</v></c></row>" * 65_536


def zip_bomb(
    tmp_path: Path, name: str, block: bytes, *, lie: bool = False, named: bool = True
) -> Path:
    """A valid workbook whose Risiko sheet unpacks to ~500 MB of rows, in a file of ~1 MB
    (~5 MB when not `named`: an index the checks cannot read)."""
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = re.sub(rb"<dimension[^>]*>", b"", members(source)[sheet])
    head, rest = xml.split(b"<sheetData>")
    tail = rest[rest.index(b"</sheetData>") :]
    bomb = repeated_member(sheet, head + b"<sheetData>", block, 500_000_000 // len(block), tail)
    if lie:  # headers that claim the member unpacks to its own compressed size
        bomb.declared_size = len(bomb.data)
    changes = {sheet: bomb}
    if not named:
        relationships = without_sheet_names_for_the_checks(members(source)[RELATIONSHIPS])
        changes[RELATIONSHIPS] = RawMember.deflated(RELATIONSHIPS, relationships)
    path = write_raw_zip(tmp_path / name, raw_copy(source, changes))
    assert path.stat().st_size < (1_500_000 if named else 7_000_000)
    assert bomb.size > 490_000_000
    return path


def test_zip_bomb(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path, "bombe.xlsx", EMPTY_ROWS)
    refused_everywhere(path, tmp_path, "zip-bombe", "400 MB")


# Past the checks, a parse ends in one of these (the child's CRC check spots the lie).
CHILD_STOPPED = ("er skadet", "for mye minne", "tok for lang tid")


def test_zip_bomb_with_lying_sizes(tmp_path: Path) -> None:
    """The headers pass every check; the parse child meets the lie and stays within limits."""
    path = zip_bomb(tmp_path, "bombe-lyver.xlsx", FULL_ROWS, lie=True)
    check_workbook_file(path, path.name)
    message = refused_everywhere(path, tmp_path)
    assert any(reason in message for reason in CHILD_STOPPED), message


def test_zip_bomb_of_empty_rows_with_lying_sizes(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path, "bombe-lyver-tom.xlsx", EMPTY_ROWS, lie=True)
    message = refuse(path)
    assert any(reason in message for reason in CHILD_STOPPED), message


def test_zip_bomb_with_lying_sizes_in_a_sheet_the_checks_cannot_name(tmp_path: Path) -> None:
    """The workbook's index is too large for the checks to tie sheet parts to names; the
    parse child checks the CRC of such a part all the same (before: only its limits held)."""
    path = zip_bomb(tmp_path, "bombe-lyver-uten-navn.xlsx", FULL_ROWS, lie=True, named=False)
    check_workbook_file(path, path.name)
    problem = read.verify.Verification(path).result()
    assert problem is not None and "kontrollsummen" in problem, problem
    message = refuse(path)
    assert any(reason in message for reason in CHILD_STOPPED), message


def test_the_slowest_file_within_the_limits_still_answers_in_time(tmp_path: Path) -> None:
    """395 MB of empty rows behind 4 MB of noise: every check passes (ratio 109 < 150) and
    calamine works up to PARSE_SECONDS. Whether it finishes (the upload then holds only
    Prosjekter) or is stopped depends on the machine; the command line answers within 10 s."""
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = re.sub(rb"<dimension[^>]*>", b"", members(source)[sheet])
    head, rest = xml.split(b"<sheetData>")
    noise = b"<!--" + base64.b64encode(random.Random(1).randbytes(3_000_000)) + b"-->"
    count = (395_000_000 - len(noise)) // len(EMPTY_ROWS)
    slow = repeated_member(
        sheet, head + b"<sheetData>" + noise, EMPTY_ROWS, count, rest[rest.index(b"</sheetData>") :]
    )
    path = write_raw_zip(tmp_path / "treg.xlsx", raw_copy(source, {sheet: slow}))
    check_workbook_file(path, path.name)
    run = run_cli("load", path, "--db", tmp_path / "db.duckdb")
    assert run.code in (0, 2), run
    if run.code == 2:
        assert "tok for lang tid" in run.err, run
    assert "Traceback" not in run.err
    assert run.seconds < SECONDS and run.peak_bytes < MEMORY_BYTES, run
    MEASURED[path.name] = (run.seconds, run.peak_bytes, run.err.strip() or run.out.strip())


def test_a_parse_that_runs_too_long_is_stopped(tmp_path: Path, monkeypatch) -> None:
    """With the size checks lifted, 500 MB of empty rows keeps calamine busy: it is killed."""
    path = zip_bomb(tmp_path, "treg.xlsx", EMPTY_ROWS)
    monkeypatch.setattr(read.limits, "MAX_UNPACKED_BYTES", 10**10)
    monkeypatch.setattr(read.limits, "MAX_MEMBER_RATIO", 10**6)
    monkeypatch.setattr(read.limits, "PARSE_SECONDS", 1)
    started = time.monotonic()
    refuse(path, "tok for lang tid", "over 1 sekunder")
    assert time.monotonic() - started < 3


def test_a_parse_that_needs_too_much_memory_is_stopped(tmp_path: Path, monkeypatch) -> None:
    """With the size checks lifted, millions of cells exhaust the child's address space."""
    path = zip_bomb(tmp_path, "grådig.xlsx", FULL_ROWS)
    monkeypatch.setattr(read.limits, "MAX_UNPACKED_BYTES", 10**10)
    monkeypatch.setattr(read.limits, "MAX_MEMBER_RATIO", 10**6)
    monkeypatch.setattr(read.limits, "PARSE_MEMORY_BYTES", 300 * 1024 * 1024)
    refuse(path, "for mye minne")


# ---------------------------------------------------------------------------------------------
# 5. Over the size limit


def test_over_the_size_limit(tmp_path: Path, monkeypatch) -> None:
    path = valid_workbook(tmp_path / "stor.xlsx")
    monkeypatch.setattr(read.limits, "MAX_FILE_BYTES", path.stat().st_size - 1)
    refuse(path, "over grensen")


def test_over_the_size_limit_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "stor.xlsx"
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.write(b"PK\x03\x04")
        handle.truncate(read.MAX_FILE_BYTES + 1)
    refused_everywhere(path, tmp_path, "er 51 MB, over grensen på 50 MB")


# ---------------------------------------------------------------------------------------------
# 6. Password-protected (an OLE2 compound file, not a zip)


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = tmp_path / "hemmelig.xlsx"
    data = compound_file(["EncryptedPackage", "EncryptionInfo", "\x06DataSpaces"])
    path.write_bytes(data + os.urandom(4096))
    refused_everywhere(path, tmp_path, "passordbeskyttet", "fjern passordet")


def test_our_compound_file_is_what_calamine_calls_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "hemmelig.xlsx"
    path.write_bytes(compound_file(["EncryptedPackage", "EncryptionInfo"]))
    code = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, path], capture_output=True, text=True, timeout=30, check=False
    )
    assert "password protected" in done.stderr


def test_old_xls_or_other_ole2_file(tmp_path: Path) -> None:
    path = tmp_path / "gammel.xlsx"
    path.write_bytes(compound_file(["Workbook"]) + b"\0" * 1024)
    message = refuse(path, ".xls")
    assert "passord" not in message


def test_zip_level_encryption(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    parts = raw_copy(source, {})
    parts[0].flags |= 0x1
    path = write_raw_zip(tmp_path / "zipkryptert.xlsx", parts)
    refuse(path, "passordbeskyttet")


# ---------------------------------------------------------------------------------------------
# 7. A tiny workbook with a value in XFD1048576


def far_cell_workbook(path: Path, sheet: str = "Risiko") -> Path:
    extra = {} if sheet == "Risiko" else {sheet: [["Notat"]]}
    valid_workbook(path, extra)
    book = openpyxl.load_workbook(path)
    book[sheet]["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    return path


def test_calamine_aborts_on_a_far_cell(tmp_path: Path) -> None:
    """The claim behind the checks: calamine allocates the whole grid and the process dies."""
    path = far_cell_workbook(tmp_path / "langt-unna.xlsx")
    code = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet('Risiko')"
    done = subprocess.run(
        [sys.executable, "-c", code, path],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    assert done.returncode == -signal.SIGABRT, done
    assert b"memory allocation" in done.stderr


def test_a_far_cell_is_refused_before_parsing(tmp_path: Path, monkeypatch) -> None:
    path = far_cell_workbook(tmp_path / "langt-unna.xlsx")

    def no_parse(*args: object) -> None:
        raise AssertionError("the parse must not start")

    monkeypatch.setattr(read, "PendingRead", no_parse)
    refuse(path, "arket «Risiko»", "1 048 576 rader × 16 384 kolonner", "Ctrl+End")


def test_a_far_cell_on_the_command_line(tmp_path: Path) -> None:
    path = far_cell_workbook(tmp_path / "langt-unna.xlsx")
    refuse_cli(path, tmp_path, "1 048 576 rader × 16 384 kolonner")


@pytest.mark.parametrize(
    ("variant", "replacement"),
    [("uten-dimensjon", b""), ("lyver-om-dimensjon", b'<dimension ref="A1"/>')],
)
def test_a_far_cell_behind_a_missing_or_lying_dimension(
    tmp_path: Path, variant: str, replacement: bytes
) -> None:
    """The checks cannot see it; the child's memory limit catches calamine's abort."""
    source = far_cell_workbook(tmp_path / "langt-unna.xlsx")
    sheet = sheet_member(source, "Risiko")
    xml = re.sub(rb"<dimension[^>]*>", replacement, members(source)[sheet])
    path = rewrite(source, tmp_path / f"{variant}.xlsx", {sheet: xml})
    check_workbook_file(path, path.name)
    refused_everywhere(path, tmp_path, "for mye minne", "arket «Risiko»", "Ctrl+End")


def test_a_far_cell_that_fits_in_memory_is_refused_by_the_cell_limit(tmp_path: Path) -> None:
    """A1 and T1000000: a grid of 20 million cells, which calamine cannot build within the
    parse child's memory limit; refused with the sheet named."""
    source = tmp_path / "kilde.xlsx"
    valid_workbook(source)
    book = openpyxl.load_workbook(source)
    book["Risiko"]["T1000000"] = "x"
    book.save(source)
    sheet = sheet_member(source, "Risiko")
    xml = re.sub(rb"<dimension[^>]*>", b"", members(source)[sheet])
    path = rewrite(source, tmp_path / "tjue-millioner.xlsx", {sheet: xml})
    refused_everywhere(path, tmp_path, "for mye minne", "arket «Risiko»")


@pytest.mark.parametrize("dimension", ["intakt", "fjernet"])
def test_a_far_cell_in_an_unknown_sheet_is_ignored(tmp_path: Path, dimension: str) -> None:
    source = far_cell_workbook(tmp_path / "kilde.xlsx", sheet="Notater")
    path = source
    if dimension == "fjernet":
        sheet = sheet_member(source, "Notater")
        xml = re.sub(rb"<dimension[^>]*>", b"", members(source)[sheet])
        path = rewrite(source, tmp_path / "notater-uten-dimensjon.xlsx", {sheet: xml})
    raw = read_workbook(path)
    assert [sheet.name for sheet in raw.sheets] == ["Prosjekter", "Risiko"]
    assert raw.ignored_sheets == ["Notater"]
    run = run_cli("load", path, "--db", tmp_path / "db.duckdb")
    assert run.code == 0, run
    assert "Notater" in run.err and "Traceback" not in run.err
    assert run.seconds < SECONDS and run.peak_bytes < MEMORY_BYTES


def test_more_rows_than_an_upload_takes(tmp_path: Path, monkeypatch) -> None:
    """The parse hands back at most MAX_ROWS rows: validating more would take the caller long."""
    path = valid_workbook(tmp_path / "lang.xlsx")
    # Prosjekter has 2 rows, Risiko 2 (with headings)
    monkeypatch.setattr(read.limits, "MAX_ROWS", 3)
    refuse(
        path,
        "arket «Prosjekter» (2 rader × 2 kolonner)",
        "til sammen minst 4 rader",
        "høyst 3 rader",
        "Ctrl+End",
    )
    # Risiko (the larger, read first) alone is too large
    monkeypatch.setattr(read.limits, "MAX_ROWS", 1)
    refuse(path, "arket «Risiko»", "2 rader × 5 kolonner", "høyst 1 rader")


# ---------------------------------------------------------------------------------------------
# Zip structure


def test_thousands_of_members(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    extra: dict[str, bytes | None] = {f"xl/media/bilde{n}.png": b"" for n in range(6_000)}
    path = rewrite(source, tmp_path / "mange-deler.xlsx", extra)
    refused_everywhere(path, tmp_path, "6 010 deler", "høyst 5 000")


def test_a_huge_central_directory_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch
) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    path = rewrite(source, tmp_path / "stor-katalog.xlsx", {"x" * 60_000: b""})
    monkeypatch.setattr(read.limits, "MAX_CENTRAL_DIRECTORY_BYTES", 50_000)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # must not get that far
    refuse(path, "urimelig stor innholdsliste")


def test_unknown_compression_method(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    parts = raw_copy(source, {})
    sheet = sheet_member(source, "Risiko")
    for part in parts:
        if part.name == sheet:
            part.method = 99  # AES in WinZip's numbering; unknown to zipfile
    path = write_raw_zip(tmp_path / "ukjent-metode.xlsx", parts)
    refused_everywhere(path, tmp_path, "komprimeringsmetode")


def test_duplicate_member_names(tmp_path: Path) -> None:
    # The first copy is harmless; a reader that takes the second would meet a DTD.
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    evil = RawMember.deflated(sheet, with_prolog(members(source)[sheet], BILLION_LAUGHS))
    path = write_raw_zip(tmp_path / "dobbel.xlsx", [*raw_copy(source, {}), evil])
    refused_everywhere(path, tmp_path, "to deler med samme navn")


def test_duplicate_member_names_differing_in_case(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    twin = RawMember.deflated(sheet.upper(), members(source)[sheet])
    path = write_raw_zip(tmp_path / "dobbel-stor.xlsx", [*raw_copy(source, {}), twin])
    refuse(path, "to deler med samme navn")


@pytest.mark.parametrize("name", ["../../etc/passwd.xml", "/xl/absolutt.xml", "xl/\x01.xml"])
def test_odd_member_names(tmp_path: Path, name: str) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    odd = RawMember.deflated(name, b"<x/>")
    path = write_raw_zip(tmp_path / "rart-navn.xlsx", [*raw_copy(source, {}), odd])
    refuse(path, "ugyldige navn")


def test_nested_zip_member_is_not_opened(tmp_path: Path) -> None:
    """An embedded workbook (an OLE object) is a zip inside the zip; it is never unpacked."""
    inner = valid_workbook(tmp_path / "indre.xlsx").read_bytes()
    source = valid_workbook(tmp_path / "hel.xlsx")
    path = rewrite(source, tmp_path / "nestet.xlsx", {"xl/embeddings/indre.xlsx": inner})
    assert [sheet.name for sheet in read_workbook(path).sheets] == ["Prosjekter", "Risiko"]


def test_overlapping_members(tmp_path: Path) -> None:
    """Many directory entries pointing at one stored block: the non-recursive zip bomb."""
    source = valid_workbook(tmp_path / "hel.xlsx")
    parts = raw_copy(source, {})
    sheet = next(part for part in parts if part.name == sheet_member(source, "Risiko"))
    copies = [
        RawMember(f"xl/media/kopi{n}.xml", sheet.data, sheet.crc, sheet.size, offset=0)
        for n in range(50)
    ]
    path = write_raw_zip(tmp_path / "overlapp.xlsx", [*parts, *copies])
    refuse(path, "overlapper")


# ---------------------------------------------------------------------------------------------
# CSV


def test_csv_with_millions_of_empty_lines(tmp_path: Path) -> None:
    path = tmp_path / "risiko.csv"
    path.write_bytes(b"Risiko-ID;Risiko\n" + b"\n" * 2_000_000)
    refuse(path, "200 000 rader")


def test_csv_with_an_endless_quoted_field(tmp_path: Path) -> None:
    path = tmp_path / "risiko.csv"
    path.write_text('Risiko-ID;Risiko\nR1;"' + "x" * 200_000 + "\n", encoding="utf-8")
    refuse(path, "ikke en gyldig CSV-fil")


def test_a_workbook_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "risiko.csv"
    path.write_bytes(valid_workbook(tmp_path / "hel.xlsx").read_bytes())
    refuse(path, ".xlsx")


# ---------------------------------------------------------------------------------------------
# What must still be read


def test_a_macro_workbook_is_read_for_its_values(tmp_path: Path) -> None:
    source = valid_workbook(tmp_path / "hel.xlsx")
    types = members(source)["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    assert b"macroEnabled" in types
    vba = compound_file(["VBA", "PROJECT", "PROJECTwm"]) + b'Attribute VB_Name = "Modul1"'
    path = rewrite(
        source, tmp_path / "makro.xlsm", {"[Content_Types].xml": types, "xl/vbaProject.bin": vba}
    )
    raw = read_workbook(path)
    risk = next(sheet for sheet in raw.sheets if sheet.name == "Risiko")
    assert [column[0].as_py() for column in risk.columns[:3]] == ["R1", "OU2", "Forsinkelse"]
    run = run_cli("load", path, "--db", tmp_path / "db.duckdb")
    assert run.code == 0, run
    assert "Versjon 1 lagret" in run.out
    assert run.seconds < SECONDS and run.peak_bytes < MEMORY_BYTES


def test_checks_read_only_a_prolog_of_a_large_register(tmp_path: Path, monkeypatch) -> None:
    """A 50 000-row register: the checks read at most PROLOG_BYTES (+1) of its sheet."""
    source = valid_workbook(tmp_path / "hel.xlsx")
    sheet = sheet_member(source, "Risiko")
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>R%d</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>OU2</t></is></c>'
        b'<c r="C%d" t="inlineStr"><is><t>Risiko %d om noe som kan g\xc3\xa5 galt</t></is></c>'
        b'<c r="D%d"><v>%d</v></c><c r="E%d"><v>%d</v></c></row>'
        % (n, n, n, n, n, n, n, n % 5 + 1, n, n * 7 % 5 + 1)
        for n in range(3, 50_002)
    )
    xml = members(source)[sheet].replace(b"</sheetData>", rows + b"</sheetData>")
    xml = re.sub(rb"<dimension[^>]*>", b'<dimension ref="A1:E50001"/>', xml)
    path = rewrite(source, tmp_path / "register.xlsx", {sheet: xml})
    read_bytes: dict[str, int] = {}
    original = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        read_bytes[self.name] = read_bytes.get(self.name, 0) + len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    started = time.monotonic()
    check_workbook_file(path, path.name)
    seconds = time.monotonic() - started
    assert len(xml) > 5_000_000
    assert read_bytes[sheet] <= read.limits.PROLOG_BYTES + 1
    assert seconds < 0.5, seconds
    monkeypatch.undo()
    raw = read_workbook(path)
    register = next(s for s in raw.sheets if s.name == "Risiko")
    assert register.header_row == 1 and len(register.columns[0]) == 50_000


def test_a_caller_busy_longer_than_the_parse_limit_still_gets_the_result(
    tmp_path: Path, monkeypatch
) -> None:
    """The command line waits for a locked database before it takes the parse's result; the
    child must neither block on its full pipe meanwhile nor be stopped for the wait."""
    rows = [["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens"]]
    rows += [[f"R{n}", f"Risiko nummer {n} som kan inntreffe", 3, 4] for n in range(3000)]
    path = make_workbook(tmp_path / "stor.xlsx", {"Risiko": rows})
    monkeypatch.setattr(read.limits, "PARSE_SECONDS", 2)
    pending = read.start_reading(path)
    time.sleep(2.5)
    # The result (far more than a pipe holds) was taken as it came: the child is done.
    assert pending.process.poll() == 0
    raw = pending.result()
    assert len(raw.sheets[0].columns[0]) == 3000
