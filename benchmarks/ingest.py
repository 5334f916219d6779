"""Ingest benchmark: how long one upload of a large risk register takes, as whole processes.

    python benchmarks/ingest.py [--rows 50000] [--repeat 5] [--seed N] [--markdown FILE]

Generates a workbook (a risk register of --rows rows over 40 projects, headings from
lib.contract) in a temporary folder, then times these commands as fresh processes, interleaved,
--repeat times each (after one unmeasured warm-up round):

    (a1) python-calamine: every sheet to Python values          (the floor, one candidate)
    (a2) fastexcel: every sheet to Arrow                        (the floor, other candidate)
    (b)  pandas.read_excel(sheet_name=None, engine="openpyxl")  (the naive way)
    (c)  python -m lib.cli load FILE --db FRESH.duckdb          (ours: read, validate, store)
    (c2) the same load again into the loaded database           (an unchanged re-upload)
    and, for context, `python -c pass` and the imports of the load.

Each measured command runs under a fresh `python -c` wrapper that times it (wall clock around
start and wait, so the wrapper's own start-up is not counted) and reports
getrusage(RUSAGE_CHILDREN).ru_maxrss: the peak RSS of the largest single process in the
command's tree (the kernel folds a reaped grandchild's peak into its parent's, so the load's
parse child counts). The wrapper also samples the summed RSS of the whole tree every 20 ms,
because the load's parent process and its parse child are alive at the same time; the memory
target is judged on the larger of the two numbers.

A per-stage breakdown of (c) runs in a separate fresh process per repetition (diagnosis only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.contract import PROSJEKTER, RISIKO, Kind, scale_choices  # noqa: E402

PROJECTS = 40
#: The twelve register columns, by their db names; headings come from the contract.
RISK_COLUMNS = (
    "risiko_id",
    "prosjekt_id",
    "risiko",
    "beskrivelse",
    "kategori",
    "sannsynlighet",
    "konsekvens",
    "tiltak",
    "ansvarlig",
    "frist",
    "status",
    "vurdert_dato",
)
TARGET_VS_FLOOR = 1.5
TARGET_VS_PANDAS = 0.1
TARGET_RSS_MB = 300

# ---------------------------------------------------------------------------------------------
# The workbook

_UNITS = (
    ("OU", "Oppvekst og utdanning"),
    ("HO", "Helse og omsorg"),
    ("DIG", "Digitalisering"),
    ("TEK", "Teknisk drift"),
    ("ØK", "Økonomi"),
    ("HR", "Organisasjon og personal"),
    ("KUL", "Kultur og fritid"),
    ("BYG", "Eiendom og bygg"),
)
_PROJECT_WORDS = (
    "Ny skoleplattform",
    "Velferdsteknologi i hjemmetjenesten",
    "Felles saksbehandlingssystem",
    "Sentralisering av innkjøp",
    "Rehabilitering av rådhuset",
    "Digital byggesak",
    "Heltidskultur",
    "Skytjenester og arkiv",
    "Ny barnehagestruktur",
    "Elektronisk pasientjournal",
)
_FIRST = (
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Sigrid",
    "Håkon",
    "Åse",
    "Bjørn",
    "Solveig",
    "Eirik",
    "Marit",
    "Øystein",
    "Tone",
    "Jørgen",
    "Ragnhild",
    "Per",
)
_LAST = (
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Haugen",
    "Bakken",
    "Sæther",
    "Strøm",
    "Aasen",
)
_HAZARDS = (
    "Forsinket leveranse fra leverandør",
    "Manglende kapasitet i fagmiljøet",
    "Budsjettoverskridelse",
    "Lav brukeraksept for ny løsning",
    "Uklare krav fra oppdragsgiver",
    "Brudd på personvernregelverket",
    "Integrasjon mot fagsystem feiler",
    "Nøkkelpersoner slutter",
    "Anskaffelsen blir påklaget",
    "Datakvaliteten i gamle systemer er for dårlig",
    "Manglende forankring i ledelsen",
    "Endringer i statlige føringer",
    "Prisstigning på materialer",
    "Opplæringen kommer for sent",
    "Sikkerhetshull i skytjenesten",
    "Tillitsvalgte involveres for sent",
)
_CATEGORIES = (
    "Økonomi",
    "Teknologi",
    "Organisasjon",
    "Juridisk",
    "Personvern",
    "Leverandør",
    "Fremdrift",
    "Kvalitet",
)
_FRAGMENTS = (
    "Dersom leverandøren ikke overholder tidsplanen",
    "kan innføringen i enhetene bli forskjøvet med flere måneder",
    "og gevinstene realiseres senere enn planlagt",
    "Det er usikkerhet knyttet til hvor mye tid de ansatte får til opplæring",
    "noe som kan føre til at rutinene ikke endres",
    "Økte kostnader må dekkes innenfor rammen",
    "særlig i perioden før sommeren",
    "Tidligere erfaringer fra lignende prosjekter tilsier at dette er krevende",
    "og det må avklares med personvernombudet",
    "Ansvaret for forvaltning etter prosjektslutt er ikke avklart",
)
_MEASURES = (
    "Ukentlige statusmøter med leverandøren",
    "Styrke prosjektteamet med en innleid rådgiver",
    "Gjennomføre risikovurdering av personvern (DPIA)",
    "Opplæringsplan for alle enheter før oppstart",
    "Avklare ansvar og myndighet i styringsgruppen",
    "Bygge inn opsjoner i kontrakten",
    "Pilot i én enhet før full utrulling",
    "Månedlig rapportering av økonomi til prosjekteier",
)
_STATUSES = ("Åpen", "Under arbeid", "Lukket")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _day(rng: random.Random, start: dt.date, span_days: int) -> dt.datetime:
    return dt.datetime.combine(start + dt.timedelta(days=rng.randrange(span_days)), dt.time())


def _maybe(rng: random.Random, share_empty: float, value: object) -> object:
    return None if rng.random() < share_empty else value


def _scale(rng: random.Random, kind: Kind) -> object:
    """A 1–5 scale value as people type it: mostly a number, often the drop-down label."""
    value = rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 5, 3, 1))[0]
    if rng.random() < 0.35:
        return scale_choices(kind)[value - 1]  # "4 - Høy"
    return value


def generate_workbook(path: Path, rows: int, seed: int) -> None:
    """Write the benchmark workbook: Prosjekter (40 projects) and a Risiko register."""
    import openpyxl

    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)

    projects = workbook.create_sheet(PROSJEKTER.name)
    projects.append([column.name for column in PROSJEKTER.columns])
    project_ids: list[str] = []
    for number in range(PROJECTS):
        prefix, unit = _UNITS[number % len(_UNITS)]
        project_id = f"{prefix}{number // len(_UNITS) + 1}"
        project_ids.append(project_id)
        start = _day(rng, dt.date(2023, 1, 1), 700)
        end = start + dt.timedelta(days=rng.randrange(180, 1100))
        projects.append(
            [
                project_id,
                f"{_PROJECT_WORDS[number % len(_PROJECT_WORDS)]} ({project_id})",
                "Omstilling 2027" if number % 3 else "Digital kommune",
                unit,
                _person(rng),
                _person(rng),
                start,
                end,
            ]
        )

    risks = workbook.create_sheet(RISIKO.name)
    risks.append([RISIKO.column(db).name for db in RISK_COLUMNS])
    weights = [rng.uniform(0.3, 3.0) for _ in project_ids]  # some projects hold far more
    counters = dict.fromkeys(project_ids, 0)
    for _ in range(rows):
        project_id = rng.choices(project_ids, weights=weights)[0]
        counters[project_id] += 1
        number = counters[project_id]
        description = ". ".join(rng.sample(_FRAGMENTS, rng.randint(1, 3))) + "."
        risks.append(
            [
                number if rng.random() < 0.3 else f"R{number}",
                project_id,
                f"{rng.choice(_HAZARDS)} ({rng.choice(_CATEGORIES).lower()})",
                _maybe(rng, 0.1, description),
                rng.choice(_CATEGORIES),
                _scale(rng, Kind.PROBABILITY),
                _scale(rng, Kind.CONSEQUENCE),
                _maybe(rng, 0.15, rng.choice(_MEASURES)),
                _person(rng),
                _maybe(rng, 0.1, _day(rng, dt.date(2024, 1, 1), 1400)),
                _maybe(rng, 0.1, rng.choice(_STATUSES)),
                _maybe(rng, 0.05, _day(rng, dt.date(2023, 6, 1), 900)),
            ]
        )
    workbook.save(path)


# ---------------------------------------------------------------------------------------------
# Measuring a whole process

#: Runs argv[1:] from the current folder; prints JSON with its wall time and peak RSS.
WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time

samples = {"tree_kb": 0}
done = threading.Event()
PAGE = os.sysconf("SC_PAGE_SIZE")

def tree_rss(pid):
    # Read /proc directly: a psutil walk over every process, 50 times a second, took some 5 %
    # of a core from the command measured.
    total, waiting, seen = 0, [pid], set()
    while waiting:
        process = waiting.pop()
        if process in seen:
            continue
        seen.add(process)
        try:
            with open(f"/proc/{process}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE
            tasks = os.listdir(f"/proc/{process}/task")
        except (OSError, ValueError):  # it ended meanwhile
            continue
        for task in tasks:
            try:
                with open(f"/proc/{process}/task/{task}/children") as children:
                    waiting += [int(child) for child in children.read().split()]
            except (OSError, ValueError):  # the thread ended meanwhile
                pass
    return total

def sample(pid):
    while not done.is_set():
        samples["tree_kb"] = max(samples["tree_kb"], tree_rss(pid) // 1024)
        done.wait(0.02)

start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
sampler = threading.Thread(target=sample, args=(child.pid,), daemon=True)
sampler.start()
out, err = child.communicate()
seconds = time.perf_counter() - start
done.set()
sampler.join()
print(json.dumps({
    "seconds": seconds,
    "returncode": child.returncode,
    "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "tree_kb": samples["tree_kb"],
    "stdout": out.decode("utf-8", "replace")[-4000:],
    "stderr": err.decode("utf-8", "replace")[-4000:],
}))
"""

READ_CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
sheets = {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
print(sum(len(rows) for rows in sheets.values()))
"""

READ_FASTEXCEL = """
import sys
import fastexcel
reader = fastexcel.read_excel(sys.argv[1])
sheets = {name: reader.load_sheet(name).to_arrow() for name in reader.sheet_names}
print(sum(table.num_rows for table in sheets.values()))
"""

READ_PANDAS = """
import sys
import pandas as pd
sheets = pd.read_excel(sys.argv[1], sheet_name=None, engine="openpyxl")
print(sum(len(frame) for frame in sheets.values()))
"""

#: What the load imports (without numpy and pandas; see lib.read.import_pyarrow_lean).
IMPORTS = "import lib.read; lib.read.import_pyarrow_lean(); import lib.cli, lib.ingest"

#: The load, stage by stage, in one fresh process: prints JSON of seconds and memory per stage.
#: First the steps of `python -m lib.cli load`, one after the other (the command line runs the
#: imports and the reading of the stored state beside the parse, and opens the store while it
#: validates), then each read step alone, then an unchanged re-upload.
STAGES = """
import time
first_line = time.time()
import json, resource, sys
times, memory = {}, {}
mark = time.perf_counter()

def lap(name):
    global mark
    now = time.perf_counter()
    times[name] = now - mark
    with open("/proc/self/statm") as statm:
        rss = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    memory[name] = (rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    mark = time.perf_counter()

import lib.cli
lap("1. import lib.cli (all it imports before it starts the parse)")
from pathlib import Path
from lib.read import start_reading
lap("1. import lib.read")
path, db = Path(sys.argv[1]), Path(sys.argv[2])
pending = start_reading(path)
lap("1. start_reading: checks, start the parse child")
from lib.read import import_pyarrow_lean
import_pyarrow_lean()
import lib.ingest
lap("1. import lib.ingest, child parsing")
from lib.db import known_data, stored_state
from lib.read import read_workbook
from lib.access import Actor
from lib.store import file_sha256, store_upload
from lib.validate import validate
stored = stored_state(db)
sha256 = file_sha256(path)
lap("1. stored_state (opens the new db) and file_sha256, child parsing")
raw = pending.result()
lap("1. waiting for the parse child (and unpickling from the pipe)")
upload = validate(raw, stored.known)
lap("1. validate")
assert upload.ok, [problem.as_text() for problem in upload.errors[:5]]
store_upload(db, upload.tables, upload.scope, actor=Actor.on_this_machine("benchmark"),
             file_name=path.name, sha256=sha256)
lap("1. store_upload")

raw = read_workbook(path)
lap("2. read_workbook alone (checks, child start, parse, pickle, unpickle)")
try:
    import pickle
    from lib.read import check_workbook_file, parse_workbook_in_this_process
    check_workbook_file(path, path.name)
    lap("2. read: check_workbook_file")
    parsed = parse_workbook_in_this_process(path)
    lap("2. read: fastexcel in this process (no child)")
    data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    lap("2. read: pickle.dumps")
    pickle.loads(data)
    lap("2. read: pickle.loads")
    megabytes = len(data) / 1e6
    del parsed, data
except ImportError:
    megabytes = None

known = known_data(db)
lap("3. re-upload: known_data")
upload = validate(raw, known)
lap("3. re-upload: validate")
stored = store_upload(
    db, upload.tables, upload.scope, actor=Actor.on_this_machine("benchmark"),
    file_name=path.name, sha256=file_sha256(path)
)
lap("3. re-upload: store_upload")
assert all(c.added == c.changed == c.removed == 0 for c in stored.changes.values()), stored
print(json.dumps({"times": times, "memory": memory, "pickled_mb": megabytes,
                  "first_line": first_line, "end": time.time()}), flush=True)
"""


def run_measured(command: list[str], cwd: Path) -> dict:
    """Run `command` under a fresh wrapper process; its time, peak RSS and output."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrapper failed: {done.stderr}")
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result['returncode']}:\n{result['stderr']}"
        )
    return result


def run_stages(workbook: Path, db: Path) -> dict:
    """The stage breakdown in a fresh process, with its start-up and exit measured outside."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", STAGES, str(workbook), str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    ended = time.time()
    if done.returncode != 0:
        raise RuntimeError(f"stage breakdown failed:\n{done.stderr}")
    stage = json.loads(done.stdout.strip().splitlines()[-1])
    stage["start_s"] = stage.pop("first_line") - started
    stage["exit_s"] = ended - stage.pop("end")
    return stage


# ---------------------------------------------------------------------------------------------
# The run


def _cases(workbook: Path) -> dict[str, list[str] | None]:
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "imports of the load": [python, "-c", IMPORTS],
        "a1": [python, "-c", READ_CALAMINE, str(workbook)],
        "a2": [python, "-c", READ_FASTEXCEL, str(workbook)],
        "b": [python, "-c", READ_PANDAS, str(workbook)],
        "c": None,  # needs a fresh database each time; (c2) follows it into that database
        "stages": None,
    }


def _load_command(workbook: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "lib.cli", "load", str(workbook), "--db", str(db)]


def measure(workbook: Path, work: Path, repeat: int, rows: int) -> tuple[dict, list[dict]]:
    cases = _cases(workbook)
    results: dict[str, list[dict]] = {name: [] for name in [*cases, "c2"] if name != "stages"}
    stages: list[dict] = []
    names = list(cases)
    counter = 0
    for round_number in range(repeat + 1):  # round 0 warms caches and is not kept
        keep = round_number > 0
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:  # interleaved, in a rotating order
            counter += 1
            label = "warm-up" if not keep else f"{round_number}/{repeat}"
            print(f"  [{label}] {name}", file=sys.stderr, flush=True)
            if name == "stages":
                stage = run_stages(workbook, work / f"s{counter}.duckdb")
                if keep:
                    stages.append(stage)
                continue
            if name == "c":
                db = work / f"c{counter}.duckdb"
                first = run_measured(_load_command(workbook, db), ROOT)
                if f"risiko: {rows} rader ({rows} nye" not in first["stdout"]:
                    raise RuntimeError(f"unexpected load summary: {first['stdout']}")
                again = run_measured(_load_command(workbook, db), ROOT)
                if f"risiko: {rows} rader (0 nye, 0 endret, 0 fjernet)" not in again["stdout"]:
                    raise RuntimeError(f"unexpected re-upload summary: {again['stdout']}")
                if keep:
                    results["c"].append(first)
                    results["c2"].append(again)
                continue
            result = run_measured(cases[name], ROOT)
            if keep:
                results[name].append(result)
    return results, stages


def _summary(runs: list[dict]) -> dict:
    seconds = [run["seconds"] for run in runs]
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "maxrss_mb": max(run["maxrss_kb"] for run in runs) / 1024,
        "tree_mb": max(run["tree_kb"] for run in runs) / 1024,
    }


LABELS = {
    "a1": "(a1) python-calamine, every sheet `to_python()`",
    "a2": "(a2) fastexcel, every sheet `load_sheet().to_arrow()`",
    "b": '(b) `pandas.read_excel(sheet_name=None, engine="openpyxl")`',
    "c": "(c) `python -m lib.cli load FILE --db NEW.duckdb`",
    "c2": "(c2) the same load again, unchanged (information)",
    "python -c pass": "`python -c pass` (interpreter start, information)",
    "imports of the load": "`python -c 'import lib.cli, lib.ingest'`, as the load imports "
    "(information)",
}


def _stage_lines(stages: list[dict], load_median: float) -> list[str]:
    def row(name: str, values: list[float], rss: list[float] = (), peak: list[float] = ()) -> str:
        memory = f"{statistics.median(rss):.0f} | {statistics.median(peak):.0f}" if rss else " | "
        return f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} | {memory} |"

    names = list(stages[0]["times"])
    lines = [
        "Stages of (c), in one fresh process per repetition with its own new database "
        "(diagnosis, not a target): 1 = the steps of `python -m lib.cli load`, one after the "
        "other (the command line overlaps them), "
        "2 = the read alone, 3 = the unchanged re-upload into the database of 1. Memory is "
        "that process's own (the parse child's is not in it): RSS after the stage, and its "
        "high-water mark so far.",
        "",
        "| stage | median s | min s | RSS after, MB | peak so far, MB |",
        "|---|---:|---:|---:|---:|",
        row("0. interpreter start, to the script's first line", [s["start_s"] for s in stages]),
        *(
            row(
                name,
                [s["times"][name] for s in stages],
                [s["memory"][name][0] for s in stages],
                [s["memory"][name][1] for s in stages],
            )
            for name in names
        ),
        row("4. interpreter exit, after the JSON line", [s["exit_s"] for s in stages]),
    ]
    if stages[0].get("pickled_mb") is not None:
        lines += ["", f"The parse child's pickled result: {stages[0]['pickled_mb']:.1f} MB."]
    start = statistics.median(s["start_s"] for s in stages)
    first = sum(statistics.median(s["times"][n] for s in stages) for n in names if n[:2] == "1.")
    lines += [
        "",
        f"Start-up plus stages 1 (one after the other): {start:.2f} + {first:.2f} = "
        f"{start + first:.2f} s; (c) took {load_median:.2f} s (medians). Not in the stages: "
        "argument parsing, the summary line and interpreter exit (row 4 is the exit of this "
        "process, which also holds stages 2 and 3). The stages run in their own processes at "
        "other moments than (c), so on a busy machine the two differ also by noise.",
    ]
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def _loads(values: tuple[float, ...]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _code_state() -> str:
    """The commit measured and the files changed since, so a number can be traced."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "lib"], cwd=ROOT, capture_output=True, text=True
        ).stdout.split("\n")
    except OSError:
        return "unknown"
    dirty = sorted(line[3:] for line in changed if line.strip())
    return f"{head}" + (f" with uncommitted changes in {', '.join(dirty)}" if dirty else "")


def report(
    results: dict[str, list[dict]],
    stages: list[dict],
    rows: int,
    repeat: int,
    size: int,
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    summary = {name: _summary(runs) for name, runs in results.items()}
    floor = min(("a1", "a2"), key=lambda name: summary[name]["median"])
    a, b, c = summary[floor], summary["b"], summary["c"]
    c_peak = max(c["maxrss_mb"], c["tree_mb"])
    lines = [
        f"Workbook: Risiko {rows:,} rows × {len(RISK_COLUMNS)} columns and Prosjekter "
        f"{PROJECTS} rows; {size / 1e6:.1f} MB. {repeat} measured repetitions per case, "
        "interleaved, after one warm-up round. Times are wall clock of the whole process; "
        "peak RSS is the maximum over the repetitions.",
        "",
        f"Code measured: {_code_state()}. Load average (1, 5, 15 min) before "
        f"{_loads(load[0])}, after {_loads(load[1])}.",
        "",
        "| case | median s | min s | peak RSS MB (largest process) | "
        "peak RSS MB (process tree, sampled sum) |",
        "|---|---:|---:|---:|---:|",
    ]
    order = ["a1", "a2", "b", "c", "c2", "python -c pass", "imports of the load"]
    for name in order:
        row = summary[name]
        label = LABELS[name]
        if name == floor:
            label += " = **(a)**, the faster"
        lines.append(
            f"| {label} | {row['median']:.2f} | {row['min']:.2f} | "
            f"{row['maxrss_mb']:.0f} | {row['tree_mb']:.0f} |"
        )
    ratio_a = c["median"] / a["median"]
    ratio_b = c["median"] / b["median"]
    lines += [
        "",
        "| target | measured, medians | measured, mins | met (on medians) |",
        "|---|---:|---:|---|",
        f"| (c)/(a) ≤ {TARGET_VS_FLOOR} | {ratio_a:.2f} "
        f"({c['median']:.2f} s / {a['median']:.2f} s) | {c['min'] / a['min']:.2f} "
        f"| {_met(ratio_a <= TARGET_VS_FLOOR)} |",
        f"| (c)/(b) ≤ {TARGET_VS_PANDAS} | {ratio_b:.3f} "
        f"({c['median']:.2f} s / {b['median']:.2f} s) | {c['min'] / b['min']:.3f} "
        f"| {_met(ratio_b <= TARGET_VS_PANDAS)} |",
        f"| peak RSS of (c) ≤ {TARGET_RSS_MB} MB | {c_peak:.0f} MB "
        f"(largest process {c['maxrss_mb']:.0f}, tree {c['tree_mb']:.0f}; the maximum over "
        f"the repetitions) | | {_met(c_peak <= TARGET_RSS_MB)} |",
        "",
        f"Also (medians): (c)/(a1) = {c['median'] / summary['a1']['median']:.2f}, "
        f"(c)/(a2) = {c['median'] / summary['a2']['median']:.2f}, "
        f"(c2)/(c) = {summary['c2']['median'] / c['median']:.2f}.",
    ]
    if stages:
        lines += ["", *_stage_lines(stages, c["median"])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="risk rows (default 50000)")
    parser.add_argument("--repeat", type=int, default=5, help="measured repetitions (default 5)")
    parser.add_argument("--seed", type=int, default=20_240_917, help="generator seed")
    parser.add_argument("--markdown", type=Path, help="also write the result section here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="styringsrom-bench-"))
    try:
        workbook = work / "risikoregister.xlsx"
        started = time.perf_counter()
        generate_workbook(workbook, args.rows, args.seed)
        size = workbook.stat().st_size
        print(
            f"Generated {workbook.name} ({size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s; measuring…",
            file=sys.stderr,
        )
        load_before = os.getloadavg()
        results, stages = measure(workbook, work, args.repeat, args.rows)
        load = (load_before, os.getloadavg())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, stages, args.rows, args.repeat, size, load)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
