"""The Norwegian messages that several of lib.read's steps give.

Each names the file, says what is wrong and what to do. A message made in the parse child
names the file "{file_name}", which the parent fills in.
"""

from __future__ import annotations

import sys
import zipfile

from lib.wording import thousands

RESAVE = "Åpne den i Excel, lagre på nytt som «Excel-arbeidsbok (.xlsx)» og last opp igjen."


def corrupt(file_name: str, why: str = "") -> str:
    why = f" ({why})" if why else ""
    return f"«{file_name}» er skadet og kan ikke leses{why}. {RESAVE}"


def suspicious(file_name: str, why: str) -> str:
    return (
        f"«{file_name}» {why}, noe Excel aldri lager, og blir ikke lest av sikkerhetshensyn. "
        f"{RESAVE} Kommer filen fra noen andre, be dem sende den på nytt."
    )


def bomb(file_name: str, why: str) -> str:
    return (
        f"«{file_name}» {why} (mulig «zip-bombe») og blir ikke lest. {RESAVE} "
        "Er arbeidsboken virkelig så stor, del den i flere filer."
    )


def encrypted(file_name: str) -> str:
    return (
        f"«{file_name}» er passordbeskyttet (kryptert) og kan ikke leses. Åpne den i Excel, "
        "fjern passordet (Fil › Info › Beskytt arbeidsbok › Krypter med passord, tøm feltet), "
        "lagre og last opp på nytt."
    )


def zip_problem(error: zipfile.BadZipFile) -> str:
    """What a broken zip's error means, in words, or "" where it says nothing useful."""
    text = str(error)
    if "CRC" in text:
        return "innholdet stemmer ikke med kontrollsummen"
    if "not a zip file" in text or "End-of-central-directory" in text:
        return "filen er ufullstendig, kanskje ble den ikke ferdig lastet ned eller lagret"
    return ""


def too_large_sheet(file_name: str, sheet: str, height: int, width: int, limit: str) -> str:
    where = f"arket «{sheet}»" if sheet else "et ark"
    return (
        f"«{file_name}»: {where} strekker seg over {thousands(height)} rader × "
        f"{thousands(width)} kolonner, mer enn Styringsrom leser (høyst {limit}) — ofte "
        "fordi noe står i en celle langt nede eller langt til høyre. Trykk Ctrl+End i arket "
        "for å finne den siste cellen, slett tomme rader og kolonner utenfor tabellen, lagre "
        "og last opp på nytt. Er tabellen virkelig så stor, del den i flere filer."
    )


def too_large_upload(
    file_name: str, sheet: str, height: int, width: int, rows: int, cells: int, limit: str
) -> str:
    """The sheet that tipped the upload over its limits, read after larger ones."""
    return (
        f"«{file_name}»: med arket «{sheet}» ({thousands(height)} rader × "
        f"{thousands(width)} kolonner) har arkene til sammen minst {thousands(rows)} rader "
        f"og {thousands(cells)} celler, mer enn Styringsrom leser (høyst {limit}) — ofte "
        "fordi noe står i en celle langt nede eller langt til høyre i et av arkene. Trykk "
        "Ctrl+End i hvert ark for å finne den siste cellen, slett tomme rader og kolonner "
        "utenfor tabellene, lagre og last opp på nytt. Er tabellene virkelig så store, del "
        "arbeidsboken i flere filer."
    )


def upload_limit(max_rows: int, max_cells: int) -> str:
    return f"{thousands(max_rows)} rader og {thousands(max_cells)} celler per opplasting"


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}" if size >= 1024 * 1024 else f"{size / 1024 / 1024:.1f}"


READING_SHEET = "lib.read: leser arket "  # the child's stderr line before each sheet


def say_reading(name: str) -> None:
    """Say which sheet is being read, so that if calamine aborts the parent can name it."""
    sys.stderr.write(f"{READING_SHEET}{name}\n")
    sys.stderr.flush()
