"""The command line: `python -m lib.cli COMMAND`. Argument parsing, exit codes and output only:
every message for people goes through `say`, which shows control characters from the data
visibly (lib.safe_text.terminal_text)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import os
import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lib import clock, wording
from lib.contract import SHEETS, SHEETS_BY_KEY
from lib.safe_text import csv_cell, terminal_text

if TYPE_CHECKING:
    import pandas

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def say(text: str, *, err: bool = False) -> None:
    """Print one message: the command line's only way to write text for people.

    Control characters are shown visibly (`\\x1b`), never sent to the terminal: a project
    name, a file name, a meeting name or a cell may hold an escape sequence that would clear
    the screen or set the window title. The message's own line breaks stay; a value from the
    data goes through `value` first, so it cannot break a line either.
    """
    print(terminal_text(text, keep_lines=True), file=sys.stderr if err else sys.stdout)


def value(data: object) -> str:
    """A value from the data inside a message: every control character shown visibly."""
    return terminal_text(data)


class _Formatter(argparse.HelpFormatter):
    """argparse's help in Norwegian: «bruk:» where it says "usage:"."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Norwegian headings, help and usage errors."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["add_help"] = False  # argparse's own -h says "show this help message and exit"
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.add_argument("-h", "--help", action="help", help="vis denne hjelpen og avslutt")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        say(f"Feil i kommandoen: {value(_in_norwegian(message))}", err=True)
        self.exit(EXIT_UNREADABLE)


#: argparse's usage errors (Python 3.11 wording) and what they say in Norwegian.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (.*)"), r"dette mangler: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"ukjent i kommandoen: \1"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        r"\1: \2 er ikke et av valgene (\3)",
    ),
    (
        re.compile(r"argument (\S+): invalid (?:int|fromisoformat) value: (.*)"),
        r"\1: \2 er ikke et gyldig tall eller en dato (ÅÅÅÅ-MM-DD)",
    ),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 må ha en verdi"),
)


def _in_norwegian(message: str) -> str:
    """An argparse usage error in Norwegian, where its wording is known."""
    for pattern, norwegian in _ARGPARSE_ERRORS:
        if pattern.fullmatch(message):
            return pattern.sub(norwegian, message)
    return message


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help="databasefil (standard: $STYRINGSROM_DB eller data/styringsrom.duckdb)",
    )


#: Why the command line may do everything: said in its help.
LOCAL_ACTOR = (
    "Kommandolinjen handler som den som kjører den, med alle roller: den som kan kjøre "
    "kommandoene, kan også åpne databasefilen direkte. Navnet (--av, ellers brukernavnet på "
    "maskinen) lagres i historikken og revisjonsloggen."
)


def _add_by(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--av",
        "--by",
        dest="by",
        metavar="NAVN",
        help=f"{help_text} (standard: brukernavnet på maskinen)",
    )


def _role(text: str) -> str:
    """A role as typed: `moteleder` (without ø) is `møteleder`."""
    cleaned = text.strip().lower()
    return "møteleder" if cleaned == "moteleder" else cleaned


def _action(text: str) -> str:
    from lib.access import ACTIONS, action_named

    found = action_named(text)
    if found is None:
        named = ", ".join(ACTIONS)
        raise argparse.ArgumentTypeError(f"ukjent handling «{text}»; velg en av {named}")
    return found


def _add_access_commands(command) -> None:  # type: ignore[no-untyped-def]
    """`tilgang` (roles) and `revisjon` (the audit trail)."""
    from lib.access import ACTIONS, ADMIN_ENV, ROLES

    access = command(
        "tilgang",
        "vis, gi og fjern tilganger (roller per prosjekt)",
        "Rollene: leser (leser prosjektet), opplaster (laster opp for det, og leser), "
        "møteleder (låser versjoner for møter, og leser), admin (alt, for alle prosjekter: "
        "tilganger og gjenoppretting). En tilgang gis til en e-postadresse eller en bruker-ID "
        "(oid/sub fra innloggingen), for ett prosjekt (--prosjekt) eller alle. De første "
        f"administratorene står i secrets.toml eller ${ADMIN_ENV}. {LOCAL_ACTOR} "
        "Uten HANDLING: som `tilgang vis`.",
    )
    steps = access.add_subparsers(dest="access_step", metavar="HANDLING")
    access._positionals.title = "handlinger"

    def step(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = steps.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + "."
        )
        sub._optionals.title = "valg"
        sub._positionals.title = "argumenter"
        _add_db(sub)
        return sub

    step("vis", "list tilgangene og brukerne som har logget inn")
    for name, help_text in (("gi", "gi en rolle"), ("fjern", "fjern en rolle")):
        sub = step(name, help_text)
        sub.add_argument("who", metavar="EPOST|ID", help="e-postadresse eller bruker-ID (oid/sub)")
        sub.add_argument("role", type=_role, choices=ROLES, metavar="ROLLE", help="; ".join(ROLES))
        sub.add_argument(
            "--prosjekt",
            metavar="ID",
            help="bare dette prosjektet (standard: alle prosjekter; admin gjelder alltid alle)",
        )
        _add_by(sub, "hvem som endrer tilgangen")

    audit = command(
        "revisjon",
        "vis revisjonsloggen: hvem gjorde hva, og når",
        "Innlogging, opplasting (med filens SHA-256), låsing, gjenoppretting, vedtak, "
        "tilganger og nedlastinger, nyeste først. Loggen kan bare utvides; ingenting i den "
        "endres eller slettes.",
    )
    audit.add_argument(
        "--handling",
        type=_action,
        metavar="HANDLING",
        help="bare denne handlingen: "
        + ", ".join(ACTIONS)
        + " (eller navnet slik loggen viser det, f.eks. «Lastet opp»)",
    )
    audit.add_argument(
        "--hvem", metavar="TEKST", help="navn, e-post eller bruker-ID inneholder TEKST"
    )
    audit.add_argument("--prosjekt", metavar="ID", help="bare linjer om dette prosjektet")
    audit.add_argument(
        "--fra", type=dt.date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="fra og med denne datoen"
    )
    audit.add_argument(
        "--csv",
        action="store_true",
        help=(
            "skriv CSV i stedet for tekst, til å åpne i Excel: tekst som kan bli en formel "
            "(begynner med = + - @) får ' foran, og kontrolltegn fjernes"
        ),
    )


def _add_meeting_commands(command) -> None:  # type: ignore[no-untyped-def]
    """`vedtak` (record a decision), `motereferat` (a meeting's minutes) and `motepakke` (the
    meeting pack)."""
    from lib.contract import DECISIONS

    decision = command(
        "vedtak",
        "registrer et vedtak for én anbefaling som en ny versjon",
        "Endrer bare Vedtak, Vedtakstekst, Ansvarlig og Vedtaksdato (møtets dato, ellers i "
        "dag) for anbefalingen; alt annet står. Versjonen vises i historikken og kan "
        "angres med `rollback` til versjonen før. --tekst og --ansvarlig som utelates, beholder "
        'det som står; en tom verdi ("") tømmer feltet. Avslutningskode 0: lagret; 1: '
        f"ugyldig, ingenting er lagret. {LOCAL_ACTOR}",
    )
    decision.add_argument("recommendation", metavar="ANBEFALING-ID")
    decision.add_argument(
        "--vedtak",
        required=True,
        metavar="VEDTAK",
        help="ett av: " + ", ".join(DECISIONS) + " (eller en frase som betyr det, f.eks. Vedtatt)",
    )
    decision.add_argument(
        "--project", metavar="ID", help="prosjektet, når flere prosjekter har samme ID"
    )
    decision.add_argument("--tekst", metavar="T", help="vedtaksteksten slik den protokolleres")
    decision.add_argument("--ansvarlig", metavar="A", help="hvem som gjennomfører")
    decision.add_argument(
        "--meeting", metavar="NAVN", help="møtet vedtaket fattes i (Vedtaksdato blir møtets dato)"
    )
    _add_by(decision, "hvem som registrerer vedtaket")

    minutes = command(
        "motereferat",
        "skriv møtereferatet: vedtakene i et møte, i dagsordenens rekkefølge",
        "Som tekst, som CSV til Excel (--csv), eller som en Excel-fil (--xlsx FIL). "
        "Avslutningskode 0, eller 1 når møtet ikke finnes.",
    )
    minutes.add_argument("--meeting", required=True, metavar="NAVN", help="møtets navn")
    form = minutes.add_mutually_exclusive_group()
    form.add_argument(
        "--csv",
        action="store_true",
        help="skriv CSV (tekst som kan bli en formel får ' foran, kontrolltegn fjernes)",
    )
    form.add_argument("--xlsx", type=Path, metavar="FIL", help="skriv referatet som Excel-fil")

    pack = command(
        "motepakke",
        "skriv møtepakken som PDF eller PowerPoint",
        "Forside, saksliste, status per prosjekt med trafikklys, risikomatrisen (porteføljen "
        "og hvert prosjekt) med endringer siden forrige møte, anbefalinger til vedtak, "
        "evalueringer som har forfalt eller forfaller snart, forsinkede milepæler, gevinster "
        "bak skjema, datakvalitet og, etter møtet, referatet. Alt slik dataene var i "
        "versjonen: møtets låste grunnlag, ellers den siste. Formatet følger filnavnet "
        "(.pdf eller .pptx). Avslutningskode 0: skrevet; 1: ukjent møte, versjon eller "
        "filtype.",
    )
    pack.add_argument("file", type=Path, metavar="FIL.pdf|FIL.pptx")
    which = pack.add_mutually_exclusive_group()
    which.add_argument(
        "--meeting", metavar="NAVN", help="møtet: pakken viser versjonen som er låst for det"
    )
    which.add_argument("--version", type=int, metavar="N", help="versjon N i stedet for den siste")
    pack.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="ID",
        help="bare dette prosjektet (kan gis flere ganger)",
    )
    pack.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        metavar="ÅÅÅÅ-MM-DD",
        help="dagens dato (pakkens «Laget»; statusene i siste versjon vurderes på den)",
    )


def _meeting_named_or_none(db: Path, name: str):  # type: ignore[no-untyped-def]
    from lib.meetings import meeting_named

    found = meeting_named(db, name)
    if found is None:
        say(f"Møtet «{value(name)}» finnes ikke. Se møtene på siden Møter i appen.", err=True)
    return found


def _decision(db: Path, args: argparse.Namespace) -> int:
    from lib.decisions import record_decision, recorded_decisions

    found = None
    if args.meeting is not None:
        found = _meeting_named_or_none(db, args.meeting)
        if found is None:
            return EXIT_INVALID
    stored = record_decision(
        db,
        args.recommendation,
        args.vedtak,
        actor=_actor(args),
        project=args.project,
        vedtakstekst=args.tekst,
        ansvarlig=args.ansvarlig,
        meeting_id=None if found is None else found.id,
    )
    [done] = recorded_decisions(db, version=stored.version)
    where = f" i møtet «{value(found.label())}»" if found is not None else ""
    say(
        f"Vedtak «{done.vedtak}» for anbefaling {value(done.anbefaling_id)} "
        f"({value(done.prosjekt_id)}){where} er lagret som versjon {stored.version}."
    )
    return EXIT_OK


def _minutes(db: Path, args: argparse.Namespace) -> int:
    from lib.meetings import minutes

    found = _meeting_named_or_none(db, args.meeting)
    if found is None:
        return EXIT_INVALID
    table = minutes(db, found.id)
    if args.xlsx is not None:
        from lib.exports import minutes_workbook

        args.xlsx.write_bytes(minutes_workbook(table, found.name, found.meeting_date))
        say(f"Møtereferatet for «{value(found.label())}» er skrevet til {value(args.xlsx)}.")
        return EXIT_OK
    if args.csv:
        table["Registrert"] = [_when(moment) for moment in table["Registrert"]]
        write_csv(table, list(table.columns), for_excel=True)
        return EXIT_OK
    say(f"Møtereferat: {value(found.describe())}")
    if table.empty:
        say("Ingen vedtak er registrert i møtet.")
        return EXIT_OK
    for row in table.itertuples(index=False):
        number = "" if row[0] is None or str(row[0]) == "<NA>" else f"Sak {row[0]}: "
        text = f": {value(row[5])}" if row[5] else ""
        responsible = f" (ansvarlig: {value(row[6])})" if row[6] else ""
        say(
            f"{number}{value(row[1])} {value(row[2])} {value(row[3])} – {value(row[4])}"
            f"{text}{responsible}; registrert av {value(row[8])}, versjon {row[10]}"
        )
    return EXIT_OK


#: The meeting pack's formats, by the file's suffix.
PACK_FORMATS = {".pdf": "PDF", ".pptx": "PowerPoint"}


def _pack(db: Path, args: argparse.Namespace) -> int:
    suffix = args.file.suffix.lower()
    if suffix not in PACK_FORMATS:
        say(
            f"Filen {value(args.file)} må slutte på .pdf eller .pptx (fant "
            f"«{value(suffix or 'ingen filendelse')}»).",
            err=True,
        )
        return EXIT_INVALID
    from lib.pack import engine

    engine.start()  # the chart's engine warms on the other core while the data is read
    from lib.pack.content import PackError, pack_content

    try:
        content = pack_content(
            db,
            meeting=args.meeting,
            version=args.version,
            projects=tuple(args.project),
            today=args.today,
        )
    except PackError as error:
        say(value(str(error)), err=True)
        return EXIT_INVALID
    if suffix == ".pdf":
        from lib.pack.pdf import pack_pdf

        args.file.write_bytes(pack_pdf(content))
    else:
        from lib.pack.pptx import pack_pptx

        args.file.write_bytes(pack_pptx(content))
    say(
        f"Møtepakken ({PACK_FORMATS[suffix]}, versjon {content.version}, "
        f"{wording.count(len(content.projects), 'prosjekt', 'prosjekter')}) er skrevet til "
        f"{value(args.file)}."
    )
    return EXIT_OK


_MEETING_COMMANDS = {"vedtak": _decision, "motereferat": _minutes, "motepakke": _pack}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m lib.cli",
        description="Styringsrom på kommandolinjen: mal, opplasting, eksport og historikk.",
        epilog=(
            "Kontrolltegn fra dataene (f.eks. en escape-sekvens i et navn eller en celle) "
            "skrives synlig, som \\x1b, aldri til terminalen som de er. En database som er "
            "skadet, skrivebeskyttet eller ikke kan åpnes, gir en melding og avslutningskode 2."
        ),
    )
    parser._positionals.title = "kommandoer"
    parser._optionals.title = "valg"
    _add_db(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def command(name: str, help_text: str, more: str = "") -> argparse.ArgumentParser:
        description = f"{help_text[0].upper()}{help_text[1:]}. {more}" if more else help_text
        sub = commands.add_parser(name, help=help_text, description=description)
        sub._optionals.title = "valg"
        sub._positionals.title = "argumenter"
        _add_db(sub)
        return sub

    template = command("template", "skriv den tomme malen med nedtrekkslister")
    template.add_argument("file", type=Path, metavar="FIL.xlsx")

    load = command(
        "load",
        "valider og lagre én arbeidsbok som en ny versjon",
        "Hvert ark i filen blir fasiten for prosjektene det har rader for; en kolonne arket "
        "ikke har, endres ikke, og en tom celle i en kolonne som finnes, tømmer verdien. En "
        "arbeidsbok uten rader i kjente ark lagres ikke. Et prosjekt som ligner et lagret "
        "(samme navn eller samme anbefalinger), gir en merknad. Et utfylt KommIT "
        "Gevinstverktøy leses som det er (krever --project). "
        "Avslutningskode 0: lagret; 1: feil i arbeidsboken eller ingenting å lagre, ingenting "
        "er lagret; 2: filen kan ikke leses, eller databasen er skadet eller skrivebeskyttet.",
    )
    load.add_argument("file", type=Path, metavar="FIL")
    _add_by(load, "hvem som laster opp")
    load.add_argument(
        "--project",
        metavar="ID",
        help="prosjektet arbeidsboken gjelder: fyller tomme Prosjekt-ID-er, og en arbeidsbok "
        "der alle rader gjelder ett annet prosjekt som ikke er lagret, lastes inn på ID",
    )

    export = command(
        "export",
        "skriv gjeldende data som en arbeidsbok i samme format",
        "Arbeidsboken kan lastes inn i en ny, tom database og gir de samme dataene "
        "(`dump` av hvert ark er lik). Et prosjekt som bare ble navngitt ved opplasting "
        "(`load --project ID`), får en rad i Prosjekter med ID-en som Prosjektnavn. "
        "Historikken følger ikke med: bruk `backup` for den.",
    )
    export.add_argument("file", type=Path, metavar="FIL.xlsx")
    export.add_argument("--version", type=int, metavar="N", help="data slik de var i versjon N")

    dump = command(
        "dump",
        "skriv gjeldende rader i ett ark som CSV",
        "For maskiner: nøyaktige, kanoniske data (CSV-sitert), uten formelvern, så tekst som "
        "=SUM(…) står som den er. Åpne den ikke i Excel; bruk `export` eller `changes --csv`. "
        "Til en fil eller et program skrives dataene nøyaktig; til en terminal vises "
        "kontrolltegn synlig (\\x1b, \\n i en celle).",
    )
    dump.add_argument("sheet", choices=[sheet.key for sheet in SHEETS], metavar="ARK")
    dump.add_argument("--version", type=int, metavar="N", help="rader slik de var i versjon N")

    plan = command(
        "evalueringsplan",
        "skriv den beregnede evalueringsplanen som CSV",
        "Som `dump`: nøyaktige data for maskiner; til en terminal vises kontrolltegn synlig.",
    )
    plan.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="dagens dato"
    )

    command("versions", "list alle versjoner")
    rollback = command("rollback", "gjenopprett versjon N som en ny versjon")
    rollback.add_argument("version", type=int, metavar="N")
    _add_by(rollback, "hvem som gjenoppretter")

    snapshot = command("snapshot", "lås en versjon for et møte i styringsgruppen")
    snapshot.add_argument("name", metavar="NAVN", help="møtets navn, f.eks. «Styringsgruppemøte»")
    snapshot.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        metavar="ÅÅÅÅ-MM-DD",
        help="møtedatoen (standard: datoen til et ulåst møte med samme navn, ellers i dag)",
    )
    snapshot.add_argument(
        "--version", type=int, metavar="N", help="versjonen som låses (standard: siste)"
    )
    _add_by(snapshot, "hvem som låser")

    changes = command(
        "changes", "vis endringer siden siste møte (versjonen som sist ble låst for et møte)"
    )
    changes.add_argument(
        "--since", type=int, metavar="N", help="sammenlign med versjon N i stedet for siste møte"
    )
    changes.add_argument(
        "--version", type=int, metavar="N", help="sammenlign versjon N (standard: siste)"
    )
    changes.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="ID",
        help="bare dette prosjektet (kan gjentas)",
    )
    changes.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="dagens dato"
    )
    changes.add_argument(
        "--csv",
        action="store_true",
        help=(
            "skriv CSV i stedet for tekst, til å åpne i Excel: tekst som kan bli en formel "
            "(begynner med = + - @) får ' foran, og kontrolltegn fjernes"
        ),
    )

    backup = command(
        "backup",
        "skriv en sikkerhetskopi av databasen med hele historikken",
        "Kopien er av én tilstand, også mens appen kjører (en opplasting som pågår, venter "
        "til kopien er tatt), og får navnet <database>-ÅÅÅÅ-MM-DD-TTMMSS.duckdb i MAPPE. "
        "Gjenopprett ved å kopiere den over databasefilen mens ingen skriver til den (stopp "
        "appen), eller pek STYRINGSROM_DB (eller --db) på kopien.",
    )
    backup.add_argument("folder", type=Path, metavar="MAPPE")

    _add_access_commands(command)
    _add_meeting_commands(command)
    _add_quality_and_agenda_commands(command)

    demo = command("demo", "bygg demodatabasen appen starter med")
    demo.add_argument(
        "--force", action="store_true", help="erstatt en database som allerede har versjoner"
    )
    return parser


def write_csv(frame: pandas.DataFrame, headings: Sequence[str], *, for_excel: bool = False) -> None:
    """Rows as CSV: ISO dates, whole numbers without .0, month lists as `6, 12`.

    `for_excel`: CSV meant to be opened in Excel (`changes --csv`): text that could run as
    a formula gets a leading `'` and control characters are dropped (lib.safe_text.csv_cell).
    Otherwise the data are exact (`dump`, for machines). On a terminal, either way, each
    record's control characters (line breaks in a cell too) are shown visibly; to a file or
    a pipe the CSV is written as it is.
    """
    import numpy as np
    import pandas as pd

    from lib.parse import is_missing

    def plain(value: object) -> object:
        if isinstance(value, np.ndarray | list | tuple):
            return ", ".join(str(int(item)) for item in value)
        if isinstance(value, np.generic):
            value = value.item()
        if is_missing(value):
            return ""
        if isinstance(value, float):
            return int(value) if value.is_integer() else value
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return csv_cell(value) if for_excel else value

    on_terminal = sys.stdout.isatty()
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")  # also what csv quotes a cell for

    def write(values: Sequence[object]) -> None:
        record.seek(0)
        record.truncate()
        writer.writerow(values)
        line = record.getvalue()
        sys.stdout.write(terminal_text(line[:-1]) + "\n" if on_terminal else line)

    write([csv_cell(heading) if for_excel else heading for heading in headings])
    for row in frame.itertuples(index=False):
        write([plain(item) for item in row])


def _run(args: argparse.Namespace, early: object = None) -> int:
    from lib.db import default_db_path

    db: Path = getattr(args, "db", None) or default_db_path()
    if getattr(args, "version", None) is not None and args.command in ("export", "dump"):
        from lib.db import latest_version

        if not 1 <= args.version <= latest_version(db):
            say(f"Versjon {args.version} finnes ikke.", err=True)
            return EXIT_INVALID
    if args.command == "template":
        from lib.exports import write_template

        write_template(args.file)
        say(f"Malen er skrevet til {value(args.file)}.")
        return EXIT_OK
    if args.command == "load":
        return _load(db, args, early)
    if args.command == "export":
        from lib.exports import write_export
        from lib.queries import sheet_rows

        tables = {sheet.key: sheet_rows(db, sheet.key, args.version) for sheet in SHEETS}
        write_export(args.file, tables)
        written = wording.rows(sum(map(len, tables.values())))
        say(f"Eksporten er skrevet til {value(args.file)} ({written}).")
        return EXIT_OK
    if args.command == "dump":
        from lib.queries import dump_rows

        sheet = SHEETS_BY_KEY[args.sheet]
        write_csv(dump_rows(db, sheet.key, args.version), [c.name for c in sheet.columns])
        return EXIT_OK
    if args.command == "evalueringsplan":
        from lib.queries import evaluation_plan

        plan = evaluation_plan(db, args.today)
        write_csv(plan, ["Prosjekt-ID", "Anbefaling-ID", "Evaluering", "Frist", "Status"])
        return EXIT_OK
    if args.command == "versions":
        return _versions(db)
    if args.command == "rollback":
        from lib.store import rollback

        stored = rollback(db, args.version, actor=_actor(args))
        say(f"Versjon {args.version} er gjenopprettet som versjon {stored.version}.")
        return EXIT_OK
    if args.command == "snapshot":
        from lib.snapshots import lock_for_meeting

        # Without --date: the date of the meeting of that name still to be locked, else today.
        locked = lock_for_meeting(db, args.version, args.name, args.date, actor=_actor(args))
        say(f"Versjon {locked.version} er låst for møtet {value(locked.label())}.")
        return EXIT_OK
    if args.command == "changes":
        return _changes(db, args)
    if args.command == "kvalitet":
        return _quality(db, args)
    if args.command == "agenda":
        return _agenda(db, args)
    if args.command == "tilgang":
        return _access(db, args)
    if args.command == "revisjon":
        return _audit(db, args)
    if args.command in _MEETING_COMMANDS:
        return _MEETING_COMMANDS[args.command](db, args)
    if args.command == "backup":
        from lib.backup import write_backup

        written = write_backup(db, args.folder)
        say(
            f"Sikkerhetskopien er skrevet til {value(written.path)} "
            f"(alle versjoner, siste er versjon {written.version})."
        )
        return EXIT_OK
    if args.command == "demo":
        from lib.demo import build_demo_database

        version = build_demo_database(db, replace=args.force)
        say(f"Demodatabasen er bygget i {value(db)} (versjon {version}).")
        return EXIT_OK
    raise AssertionError(args.command)  # argparse allows no other command


def _start_parse(args: argparse.Namespace) -> object:
    """For `load`, start the parse child before the heavy imports, so the two overlap."""
    if args.command != "load":
        return None
    from lib.read import UnreadableFile, start_reading

    try:
        pending = start_reading(args.file, fork=True)
    except UnreadableFile as error:
        return error
    # Import what storing needs while the child parses, in a helper thread that gives way
    # to the parse (lib.read.yield_to_the_parse): the parse is the longest step and the
    # imports have time to spare. The main thread waits for it and goes on as it was.
    importer = threading.Thread(target=_import_for_load, daemon=True)
    importer.start()
    importer.join()
    return pending


def _import_for_load() -> None:
    from lib.read import import_pyarrow_lean, yield_to_the_parse

    yield_to_the_parse(10)
    import_pyarrow_lean()  # a load needs neither numpy nor pandas
    import lib.ingest  # noqa: F401


def _load(db: Path, args: argparse.Namespace, early: object) -> int:
    from lib.ingest import load_file
    from lib.read import UnreadableFile

    try:
        if isinstance(early, UnreadableFile):
            raise early
        result = load_file(db, args.file, actor=_actor(args), project=args.project, pending=early)
    except UnreadableFile as error:
        say(f"Kan ikke lese filen: {value(error)}", err=True)
        return EXIT_UNREADABLE
    if result.upload.template is not None:  # a known template, read as it is
        print(result.upload.template.summary(), file=sys.stderr)
    for notice in result.notices:
        say(f"Merk: {value(notice.as_text())}", err=True)
    if result.stored is None:
        errors = result.upload.errors
        name = value(result.upload.file_name)
        say(f"{len(errors)} feil i {name}; ingenting er lagret:", err=True)
        for error in errors:
            say(f"  {value(error.as_text())}", err=True)
        return EXIT_INVALID
    say(value(result.stored.summary()))
    return EXIT_OK


def _actor(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The command line's actor: the person at this machine (see LOCAL_ACTOR)."""
    from lib.access import Actor

    return Actor.on_this_machine(getattr(args, "by", None))


def _when(moment: object) -> str:
    import pandas as pd

    return "" if moment is None or pd.isna(moment) else f"{pd.Timestamp(moment):%Y-%m-%d %H:%M:%S}"


def _access(db: Path, args: argparse.Namespace) -> int:
    from lib import access

    step = args.access_step or "vis"
    if step == "vis":
        return _list_access(db)
    actor = _actor(args)
    project = (args.prosjekt or "").strip() or None
    if args.role == access.ADMIN and project:
        say("Merk: admin gjelder alltid alle prosjekter; --prosjekt brukes ikke.", err=True)
    if step == "gi":
        given = access.grant(db, actor, args.who, args.role, project)
        scope = "alle prosjekter" if given.scope == access.ALL_PROJECTS else given.scope
        say(f"{value(given.principal)} har fått rollen «{given.role}» for {value(scope)}.")
        return EXIT_OK
    scope_text = "alle prosjekter" if args.role == access.ADMIN or not project else project
    if access.revoke(db, actor, args.who, args.role, project):
        say(f"{value(args.who)} har ikke lenger rollen «{args.role}» for {value(scope_text)}.")
        return EXIT_OK
    say(
        f"{value(args.who)} har ikke rollen «{args.role}» for {value(scope_text)}; "
        "ingenting er endret. Se `tilgang vis`.",
        err=True,
    )
    return EXIT_INVALID


def _list_access(db: Path) -> int:
    from lib import access

    given = access.grants(db)
    if not given:
        say("Ingen tilganger er gitt ennå.")
    else:
        say("Tilganger (hvem, rolle, prosjekt, gitt):")
        for row in given:
            scope = "alle prosjekter" if row.scope == access.ALL_PROJECTS else row.scope
            by = f" av {value(row.granted_by)}" if row.granted_by else ""
            say(
                f"  {value(row.principal)}\t{row.role}\t{value(scope)}\t{_when(row.granted_at)}{by}"
            )
    first = sorted(access.admins())
    if first:
        say(f"Første administratorer fra ${access.ADMIN_ENV}: {value(', '.join(first))}")
    people = access.users(db)
    if people.empty:
        say("Ingen har logget inn ennå.")
        return EXIT_OK
    say("Brukere som har logget inn (navn, e-post, bruker-ID, sist innlogget):")
    for person in people.itertuples(index=False):
        say(
            f"  {value(person.name or '')}\t{value(person.email or '')}\t"
            f"{value(person.subject)}\t{_when(person.last_seen)}"
        )
    return EXIT_OK


def _audit(db: Path, args: argparse.Namespace) -> int:
    from lib import access

    allowed = access.permissions(db, _actor(args))  # local: every line
    lines = access.audit_lines(
        db,
        allowed,
        actions=[args.handling] if args.handling else (),
        who=args.hvem or "",
        project=args.prosjekt,
        since=args.fra,
    )
    table = access.audit_table(lines, allowed)
    if args.csv:
        table["Tidspunkt"] = [_when(moment) for moment in table["Tidspunkt"]]
        write_csv(table, list(access.AUDIT_COLUMNS), for_excel=True)
        return EXIT_OK
    if table.empty:
        narrowed = any((args.handling, args.hvem, args.prosjekt, args.fra))
        say("Ingen linjer i revisjonsloggen" + (" passer til valgene." if narrowed else " ennå."))
        return EXIT_OK
    for row in table.itertuples(index=False):
        email = f" ({row[2]})" if row[2] else ""
        version = "" if row[5] is None or str(row[5]) == "<NA>" else f"versjon {row[5]}"
        fields = [_when(row[0]), f"{row[1]}{email}", row[3], row[4], version, row[6]]
        if row[7]:
            fields.append(f"SHA-256 {row[7]}")
        say("\t".join(value(field) for field in fields))
    return EXIT_OK


def _versions(db: Path) -> int:
    from lib.parse import is_missing
    from lib.queries import versions

    frame = versions(db)
    if frame.empty:
        say("Ingen versjoner ennå.")
        return EXIT_OK
    for row in frame.itertuples(index=False):
        counts = ", ".join(f"{key} {count}" for key, count in row.row_counts.items())
        source = (
            row.file_name
            if not is_missing(row.file_name)
            else (
                f"gjenoppretting av versjon {row.restored_from}"
                if not is_missing(row.restored_from)
                else row.kind
            )
        )
        by = "-" if is_missing(row.created_by) else row.created_by
        say(
            f"{row.version}\t{row.created_at:%Y-%m-%d %H:%M:%S}\t{value(by)}\t{value(source)}"
            f"\t{value(counts)}"
        )
    return EXIT_OK


def _changes(db: Path, args: argparse.Namespace) -> int:
    from lib.db import latest_version
    from lib.meeting_changes import CATEGORIES, changes_since_last_meeting

    latest = latest_version(db)
    for asked in (args.since, args.version):
        if asked is not None and not 1 <= asked <= latest:
            say(f"Versjon {asked} finnes ikke (siste versjon er {latest}).", err=True)
            return EXIT_INVALID
    found = changes_since_last_meeting(
        db, args.version, args.project, args.today, since=args.since, iso_dates=args.csv
    )
    if found is None:
        before = args.version or latest
        say(
            f"Ingen versjon før versjon {before} er låst for et møte, så det er ingenting å "
            "sammenligne med. Lås en versjon med `python -m lib.cli snapshot NAVN`, eller "
            "sammenlign med en bestemt versjon: `changes --since N`.",
            err=True,
        )
        return EXIT_INVALID
    if args.csv:
        columns = [column for column in found.table.columns if column != "kind"]
        write_csv(found.table[columns], columns, for_excel=True)
        return EXIT_OK
    scope = ", ".join(args.project) if args.project else "alle prosjekter"
    say(f"Endringer {value(found.describe())} ({value(scope)}):")
    if found.empty:
        say("Ingen endringer.")
        return EXIT_OK
    for category in CATEGORIES:
        rows = found.rows(category.key)
        if rows.empty:
            continue
        say(f"\n{category.heading} ({len(rows)})")
        for row in rows.itertuples(index=False):
            before, after = row[3], row[4]
            moved = f"{value(before)} → {value(after)}" if before else value(after)
            title = f"  {value(row[2])}" if row[2] else ""
            say(f"  {value(row[0])}  {value(row[1])}{title}: {moved}")
    return EXIT_OK


def _add_quality_and_agenda_commands(command) -> None:  # type: ignore[no-untyped-def]
    """`kvalitet` and `agenda` (issue 12)."""
    quality = command(
        "kvalitet",
        "vis datakvalitetsfunn: data som mangler eller er utdatert",
        "Hvert funn nevner prosjekt, ark og ID og sier i én setning hva som må rettes. "
        "Avslutningskode 0 også når det er funn.",
    )
    quality.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="dagens dato"
    )
    quality.add_argument(
        "--csv",
        action="store_true",
        help=(
            "skriv CSV (Prosjekt-ID,Ark,ID,Regel,Melding) i stedet for tekst, til å åpne i "
            "Excel: tekst som kan bli en formel (begynner med = + - @) får ' foran"
        ),
    )
    agenda = command(
        "agenda",
        "vis forslag til saksliste for møtet, hentet fra dataene",
        "Rekkefølgen: status per prosjekt (verst først), nye og økte høye risikoer, "
        "anbefalinger som venter på vedtak, evalueringer som har forfalt eller forfaller "
        "innen 30 dager, forsinkede milepæler, gevinster bak skjema, datakvalitet og "
        "eventuelt.",
    )
    agenda.add_argument(
        "--meeting",
        metavar="NAVN",
        help="møtet med dette navnet (versjonen som er låst for det): sakslisten slik dataene "
        "var da, sammenlignet med møtet før, og vurdert på møtedatoen (om ikke --today er gitt)",
    )
    agenda.add_argument(
        "--today", type=dt.date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="dagens dato"
    )


def _quality(db: Path, args: argparse.Namespace) -> int:
    from lib.quality import FINDING_COLUMNS, findings, findings_frame

    found = findings(db, today=args.today or clock.today())
    if args.csv:
        write_csv(findings_frame(found), list(FINDING_COLUMNS), for_excel=True)
        return EXIT_OK
    if not found:
        say("Ingen funn.")
        return EXIT_OK
    say(f"Datakvalitet: {wording.count(len(found), 'funn', 'funn')}.")
    project = None
    for finding in found:
        if finding.prosjekt_id != project:
            project = finding.prosjekt_id
            say(f"\n{value(project)}")
        say(f"  {value(finding.melding)}")
    return EXIT_OK


def _agenda(db: Path, args: argparse.Namespace) -> int:
    from lib.agenda import AgendaItem, agenda_text, propose
    from lib.meetings import meeting_named, meetings
    from lib.snapshots import last_snapshot

    version = since = meeting = None
    if args.meeting is not None:
        meeting = meeting_named(db, args.meeting)
        if meeting is None:
            known = ", ".join(f"«{m.name}»" for m in meetings(db)) or "ingen ennå"
            say(f"Fant ikke møtet «{value(args.meeting)}». Møter: {value(known)}.", err=True)
            return EXIT_INVALID
        if meeting.agenda is not None:
            # The agenda the chair stored with the meeting, as it is.
            stored = [AgendaItem.from_dict(item) for item in meeting.agenda]
            for line in agenda_text(stored).splitlines():
                say(value(line))
            return EXIT_OK
        # Not stored yet: drawn from the meeting's basis (the latest, while not locked),
        # since the meeting locked before it.
        version = meeting.basis_version
        if version is not None:
            before = last_snapshot(db, version)
            since = before.version if before else 0
    # A meeting's agenda is judged on its date (evaluations due within 30 days of it).
    today = args.today or (meeting.meeting_date if meeting is not None else clock.today())
    items = propose(db, today=today, version=version, since=since)
    for line in agenda_text(items).splitlines():
        say(value(line))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    early = _start_parse(args)
    # heavy (duckdb): after the parse starts
    from lib.db import StoreBusy, StoreError, StoreUnavailable

    try:
        return _run(args, early)
    except StoreUnavailable as error:  # damaged or read-only where writing is needed
        say(str(error), err=True)
        return EXIT_UNREADABLE
    except (StoreBusy, StoreError) as error:
        say(str(error), err=True)
        return EXIT_INVALID
    except BrokenPipeError:  # `dump … | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        say(
            f"Kunne ikke skrive eller lese fil: {error.strerror} ({value(error.filename)})",
            err=True,
        )
        return EXIT_UNREADABLE


if __name__ == "__main__":
    code = main()
    # Every file and database connection is closed by now; skip the interpreter's teardown
    # of pandas, pyarrow and DuckDB, which takes longer than a small command itself.
    with contextlib.suppress(BrokenPipeError):  # `dump … | head`: the reader has left
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
