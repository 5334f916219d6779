"""A reader of one project cannot reach another through any page (issue 14, items 3 and 5).

Each data page runs (AppTest) signed in as a reader of ASK-TM on the demo portfolio. Nothing
the page sends to the browser, main area and sidebar alike, holds another project's ID, name
or unit: not the text, the tables' data (what the Excel downloads are built from), the
charts' data and tooltips, or the choices of a select box. A project asked for in the address
is answered as one that does not exist. Someone with no grant, or not signed in, sees no data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import access, queries
from lib.demo import TODAY
from tests.fixtures import copy_database, figures_shown
from tests.signed_in import sign_in

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "app_pages/oversikt.py": "Oversikt",
    "app_pages/status.py": "Status",
    "app_pages/risiko.py": "Risiko",
    "app_pages/gevinster.py": "Gevinster",
    "app_pages/anbefalinger.py": "Anbefalinger",
    "app_pages/evaluering.py": "Evaluering",
    "app_pages/milepaeler.py": "Milepæler",
}
MINE = "ASK-TM"
READER = "leser@kommune.no"
NO_GRANTS = "ny@kommune.no"
#: Views a page shows after a click, asked for in the address instead: the matrix after
#: tiltak and one clicked cell, closed risks, the done milestones in the figure.
VARIANTS = [
    ("app_pages/risiko.py", {"etter_tiltak": "true", "celle": "3-4", "sammenlign": "4"}),
    ("app_pages/risiko.py", {"status": "Lukket"}),
    ("app_pages/milepaeler.py", {"med_fullforte": "true"}),
    ("app_pages/oversikt.py", {"versjon": "6"}),
]


@pytest.fixture(scope="module")
def granted(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio with one grant: READER may read ASK-TM."""
    db = copy_database(demo_database, tmp_path_factory.mktemp("lesere") / "demo.duckdb")
    access.grant(db, access.Actor.on_this_machine("Admin"), READER, access.LESER, MINE)
    return db


@pytest.fixture
def app_db(granted: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STYRINGSROM_DB", str(granted))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return granted


@pytest.fixture(scope="module")
def theirs(demo_database: Path) -> list[str]:
    """What belongs to the other projects only: their IDs, names, units and people (owners,
    and those who uploaded only for them)."""
    every = queries.filter_options(demo_database)
    mine = queries.filter_options(demo_database, {MINE})
    ids = [project for project in every.projects if project != MINE]
    names = [every.project_names[project] for project in ids]
    units = [unit for unit in every.units if unit not in mine.units]
    owners = [owner for owner in every.owners if owner not in mine.owners]
    uploaders = set(queries.versions(demo_database)["created_by"])
    uploaders -= set(queries.versions(demo_database, {MINE})["created_by"])
    return ids + names + units + owners + sorted(uploaders)


def opened(
    page: str, email: str | None, *, signed_out: bool = False, **params: str
) -> tuple[AppTest, list[str]]:
    """The app at `page` for `email` (None: local mode, or nobody signed in yet when
    `signed_out`), with `params` in the address; and the warnings of the first run, the one
    that reads the address (unescaped)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if email is not None or signed_out:
        sign_in(app, email)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    said = [str(warning.value).replace("\\", "") for warning in app.warning]
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app, said


def run(page: str, email: str | None, *, signed_out: bool = False, **params: str) -> AppTest:
    return opened(page, email, signed_out=signed_out, **params)[0]


def nodes(app: AppTest) -> Iterator[object]:
    yield from app.main
    yield from app.sidebar


def sent(app: AppTest) -> str:
    """Everything the page sends to the browser, as text: each element's message (its text,
    options, labels, and the Arrow data of its tables and charts), with Markdown's escapes
    taken out."""
    found = bytearray()
    for node in nodes(app):
        proto = getattr(node, "proto", None)
        if proto is not None:
            found += proto.SerializeToString() + b"\n"
    return found.replace(b"\\", b"").decode("utf-8", errors="replace")


def shown_of(theirs: list[str], app: AppTest) -> list[str]:
    text = sent(app)
    return [value for value in theirs if value in text]


@pytest.mark.parametrize("page", list(PAGES))
def test_a_reader_sees_their_project_and_nothing_of_the_others(
    app_db: Path, theirs: list[str], page: str
) -> None:
    app = run(page, READER)
    assert app.title[0].value == PAGES[page]
    assert MINE in sent(app)
    assert shown_of(theirs, app) == []
    assert app.multiselect(key="prosjekt").options == [f"{MINE} · Tillitsmodellen – Askøy"]


@pytest.mark.parametrize("page", list(PAGES))
def test_without_sign_in_the_same_page_shows_the_others(
    app_db: Path, theirs: list[str], page: str
) -> None:
    """The check above can fail: in local mode (every role) the page shows other projects."""
    assert shown_of(theirs, run(page, None))


@pytest.mark.parametrize(("page", "params"), VARIANTS)
def test_views_after_a_click_show_a_reader_nothing_of_the_others(
    app_db: Path, theirs: list[str], page: str, params: dict[str, str]
) -> None:
    assert shown_of(theirs, run(page, None, **params))
    assert shown_of(theirs, run(page, READER, **params)) == []


def test_each_benefit_a_reader_can_pick_is_theirs(app_db: Path, theirs: list[str]) -> None:
    app = run("app_pages/gevinster.py", READER)
    picker = app.selectbox(key="gevinst_valgt")
    assert picker.options and all(option.startswith(MINE) for option in picker.options)
    for index in range(len(picker.options)):
        picker.select_index(index)
        app.run()
        assert not app.exception
        assert shown_of(theirs, app) == []
        picker = app.selectbox(key="gevinst_valgt")


@pytest.mark.parametrize("page", list(PAGES))
def test_another_project_in_the_address_is_answered_as_one_that_does_not_exist(
    app_db: Path, theirs: list[str], page: str
) -> None:
    app, warned = opened(page, READER, prosjekt="NTNU-BOTT")
    said = f"Prosjektet NTNU-BOTT {access.NO_ACCESS}."
    assert [text for text in warned if said in text]
    assert not [w for w in app.warning if access.NO_ACCESS in w.value]  # said once
    assert app.multiselect(key="prosjekt").value == []
    shown = shown_of(theirs, app)
    assert shown in ([], ["NTNU-BOTT"])  # the ID the address asked for, said back; no more
    assert "BOTT ØL – innføring ved MH" not in sent(app)
    assert MINE in sent(app)


def test_a_project_that_exists_reads_as_one_that_does_not(app_db: Path) -> None:
    existing = opened("app_pages/risiko.py", READER, prosjekt="NTNU-BOTT")[1]
    missing = opened("app_pages/risiko.py", READER, prosjekt="FINNES-IKKE")[1]
    assert existing
    assert [text.replace("NTNU-BOTT", "X") for text in existing] == [
        text.replace("FINNES-IKKE", "X") for text in missing
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_someone_without_a_grant_sees_no_data_and_is_told_why(
    app_db: Path, theirs: list[str], page: str
) -> None:
    app = run(page, NO_GRANTS)
    # The app says it once, instead of any page (ui/auth.no_access): no menu, no filters.
    told = " ".join(info.value for info in app.info)
    assert "har ikke tilgang til noen prosjekter. Be en administrator om tilgang" in told
    assert MINE not in sent(app) and shown_of(theirs, app) == []
    assert not app.dataframe and not app.get("vega_lite_chart") and not figures_shown(app)
    assert not app.multiselect


@pytest.mark.parametrize("page", list(PAGES))
def test_before_sign_in_no_page_shows_any_data(app_db: Path, theirs: list[str], page: str) -> None:
    app = run(page, None, signed_out=True)
    assert MINE not in sent(app) and shown_of(theirs, app) == []
    assert not app.dataframe and not app.get("vega_lite_chart") and not figures_shown(app)


def test_a_reader_s_version_filter_offers_the_versions_of_their_project(app_db: Path) -> None:
    """Versions that touched only other projects are not offered (their uploader, their day):
    a link to one says that version does not exist here."""
    app, warned = opened("app_pages/oversikt.py", READER, versjon="5")  # Åmot's own upload
    assert app.selectbox(key="versjon").options == ["7", "6", "4", "1"]
    assert [text for text in warned if "versjon «5», som ikke finnes her" in text]
    assert app.selectbox(key="versjon").value is None
    every = run("app_pages/oversikt.py", None)
    assert every.selectbox(key="versjon").options == ["7", "6", "5", "4", "3", "2", "1"]


def test_historikk_shows_a_reader_the_versions_of_their_project_only(
    app_db: Path, theirs: list[str]
) -> None:
    """Versions, their details and the Revisjonslogg: nothing of the other projects (the
    meetings' names and who locked them belong to the steering group, and stay)."""
    app = run("app_pages/historikk.py", READER)
    assert app.title[0].value == "Historikk"
    assert MINE in sent(app)
    # «Styringsgruppen» owns another project's items, and is also a word of the page's own.
    assert shown_of([value for value in theirs if value != "Styringsgruppen"], app) == []
    # Why the reader may not lock the version names their project, and only counts the others.
    assert f"lede møter for {MINE}, 4 andre prosjekter" in sent(app)
    assert shown_of(theirs, run("app_pages/historikk.py", None))  # the check can fail
