"""AppTest for every page: it renders (on the demo and on an empty database), the filters
change the figures, and the figures on the page equal counts made with plain SQL."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from lib import numbers, queries, store, wording
from lib.contract import DECISIONS, EVALUATION_STATUSES
from lib.demo import TODAY
from tests.fixtures import TESTER, figures_shown, local

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "app_pages/oversikt.py": "Oversikt",
    "app_pages/risiko.py": "Risiko",
    "app_pages/gevinster.py": "Gevinster",
    "app_pages/anbefalinger.py": "Anbefalinger",
    "app_pages/evaluering.py": "Evaluering",
    "app_pages/milepaeler.py": "Milepæler",
}
OWN_PAGES = list(PAGES)
OTHER_PAGES = ["app_pages/last_opp.py", "app_pages/historikk.py", "app_pages/status.py"]
CURRENT = "valid_to IS NULL"


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The session's demo database (tests/conftest.py), read by the app."""
    monkeypatch.setenv("STYRINGSROM_DB", str(demo_db))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return demo_db


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "empty.duckdb"
    with store.connect(db):
        pass
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return db


def run(page: str | None = None, **params: str | list[str]) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def sql(db: Path, query: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(query, params or []).fetchall()


def metrics(app: AppTest) -> dict[str, int]:
    return figures_shown(app)


def charts(app: AppTest) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Every Vega-Lite chart on the page: its spec and its datasets as frames."""
    found = []
    for element in app.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        data = {
            dataset.name: pa.ipc.open_stream(dataset.data.data).read_pandas()
            for dataset in element.proto.datasets
        }
        found.append((spec, data))
    return found


def texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.title, *app.subheader, *app.caption, *app.info, *app.markdown)]
    return "\n".join(str(part) for part in parts)


# --- Every page renders -----------------------------------------------------------------------


@pytest.mark.parametrize("page", OWN_PAGES + OTHER_PAGES)
def test_every_page_renders_on_the_demo(demo: Path, page: str) -> None:
    app = run(page)
    if page in PAGES:
        assert app.title[0].value == PAGES[page]


@pytest.mark.parametrize("page", OWN_PAGES + OTHER_PAGES)
def test_every_page_renders_on_an_empty_database(empty_db: Path, page: str) -> None:
    app = run(page)
    if page in PAGES:
        assert "tom" in texts(app)


@pytest.mark.parametrize("page", OWN_PAGES)
def test_no_match_shows_a_friendly_message(demo: Path, page: str) -> None:
    app = run(page, tekst="finnes ikke i noen rad")
    shown = texts(app)
    assert re.search(r"Ingen .* (passer|med de valgte)", shown), shown


@pytest.mark.parametrize("page", OWN_PAGES)
def test_every_list_can_be_downloaded_and_every_chart_has_its_numbers(demo: Path, page: str):
    app = run(page)
    downloads = [b for b in app.get("download_button") if "Excel" in b.proto.label]
    tables = app.dataframe
    assert tables and len(downloads) == len(tables)
    for table, button in zip(tables, downloads, strict=True):
        assert f"({wording.rows(len(table.value))})" in button.proto.label
    expanders = [e for e in app.expander if e.label == "Tallene bak figuren"]
    assert len(expanders) == len(app.get("vega_lite_chart"))
    for element in app.get("vega_lite_chart"):
        assert element.proto.alt  # a text alternative


# --- Oversikt ---------------------------------------------------------------------------------


def high_risks(db: Path, project: str | None = None) -> int:
    extra = "AND prosjekt_id = ?" if project else ""
    return sql(
        db,
        f"""SELECT count(*) FROM risiko WHERE {CURRENT} AND status IN ('Åpen', 'Under arbeid')
            AND sannsynlighet * konsekvens >= 10 {extra}""",
        [project] if project else [],
    )[0][0]


def late_milestones(db: Path, today: dt.date, project: str | None = None) -> int:
    extra = "AND prosjekt_id = ?" if project else ""
    return sql(
        db,
        f"""SELECT count(*) FROM milepaeler WHERE {CURRENT} AND fullfort IS NULL
            AND greatest(coalesce(prognose, planlagt), ?::DATE) > planlagt {extra}""",
        [today, *([project] if project else [])],
    )[0][0]


def test_overview_figures_equal_sql_counts(demo: Path) -> None:
    app = run()
    shown = metrics(app)
    assert shown["Høye risikoer"] == high_risks(demo)
    assert shown["Forsinket"] == late_milestones(demo, TODAY)
    decided = dict(
        sql(demo, f"SELECT vedtak, count(*) FROM anbefalinger WHERE {CURRENT} GROUP BY 1")
    )
    for decision in DECISIONS:
        assert shown[decision] == decided.get(decision, 0)
    plan = queries.evaluation_plan(demo, TODAY)
    assert shown["Forfalt"] == int((plan["status"] == "Forfalt").sum())
    assert shown["Snart"] == int((plan["status"] == "Snart").sum())
    benefits = sql(demo, f"SELECT count(*) FROM gevinster WHERE {CURRENT}")[0][0]
    table = app.dataframe[0].value
    assert list(table.columns[:3]) == ["Prosjekt-ID", "Prosjektnavn", "Høye risikoer"]
    decisions = app.dataframe[1].value
    for decision in DECISIONS:
        assert int(decisions[decision].sum()) == shown[decision]
    assert shown["På sporet"] + shown["Bak skjema"] <= benefits
    assert int(table["Høye risikoer"].sum()) == shown["Høye risikoer"]


def test_the_meeting_changes_show_every_headline_figure(demo: Path) -> None:
    from lib import history

    found = history.changes_since_last_meeting(demo, today=TODAY)
    app = run()
    shown = metrics(app)
    for _title, keys in history.HEADLINE_GROUPS:
        for key in keys:
            assert shown[history.CATEGORIES_BY_KEY[key].short] == found.counts()[key], key
    # One element for every box, in the order of the groups.
    boxes = [element.proto.body for element in app.get("html") if "tall-boks" in element.proto.body]
    titles = [title for title, _keys in history.HEADLINE_GROUPS]
    changes = next(body for body in boxes if titles[-1] in body)
    assert [changes.index(f'aria-label="{title}"') for title in titles] == sorted(
        changes.index(f'aria-label="{title}"') for title in titles
    )


def test_overview_links_every_figure_to_its_page(demo: Path) -> None:
    app = run()
    links = {link.proto.page for link in app.get("page_link")}
    assert {"risiko", "gevinster", "anbefalinger", "evaluering", "milepaeler"} <= links


def test_overview_quality_panel_shows_a_finding_for_a_demo_row(demo: Path) -> None:
    from lib import quality

    # A high open risk without after-tiltak scores, found with plain SQL.
    project, risk_id = sql(
        demo,
        f"""SELECT prosjekt_id, risiko_id FROM risiko WHERE {CURRENT}
            AND status IN ('Åpen', 'Under arbeid') AND sannsynlighet * konsekvens >= 10
            AND (sannsynlighet_etter IS NULL OR konsekvens_etter IS NULL)
            ORDER BY prosjekt_id, risiko_id LIMIT 1""",
    )[0]
    app = run()
    count = len(quality.findings(demo, today=TODAY))
    (panel,) = [e for e in app.expander if e.label.startswith("Datakvalitet")]
    assert panel.label == f"Datakvalitet ({count} funn)"
    table = app.dataframe[-1].value
    assert list(table.columns) == ["Prosjekt", "Ark", "ID", "Hva må rettes"]
    assert len(table) == count
    row = table[(table["Prosjekt"] == project) & (table["ID"] == risk_id)]
    assert row["Ark"].tolist() == ["Risiko"]
    assert "ingen vurdering etter tiltak" in row["Hva må rettes"].iloc[0]
    app.multiselect(key="prosjekt").set_value([project]).run()
    narrowed = next(e for e in app.expander if e.label.startswith("Datakvalitet"))
    assert set(app.dataframe[-1].value["Prosjekt"]) == {project}
    assert narrowed.label == f"Datakvalitet ({len(app.dataframe[-1].value)} funn)"


def test_changing_a_filter_changes_the_figures(demo: Path) -> None:
    app = run()
    everything = metrics(app)["Høye risikoer"]
    app.multiselect(key="prosjekt").set_value(["ASK-TM"]).run()
    one = metrics(app)
    assert one["Høye risikoer"] == high_risks(demo, "ASK-TM") != everything
    assert one["Forsinket"] == late_milestones(demo, TODAY, "ASK-TM")
    assert "ASK\\-TM – Tillitsmodellen" in app.subheader[0].value  # escaped markdown
    assert list(app.dataframe[0].value["Prosjekt-ID"]) == ["ASK-TM"]


def test_filters_come_from_the_url_and_survive_a_page_change(demo: Path) -> None:
    app = run(prosjekt=["ASK-TM", "OTK-OU2"], versjon="1", tekst="")
    assert app.multiselect(key="prosjekt").value == ["ASK-TM", "OTK-OU2"]
    assert app.selectbox(key="versjon").value == 1
    first = sql(
        demo,
        """SELECT count(*) FROM risiko WHERE valid_from <= 1 AND coalesce(valid_to, 99) > 1
           AND prosjekt_id IN ('ASK-TM', 'OTK-OU2') AND status <> 'Lukket'
           AND sannsynlighet * konsekvens >= 10""",
    )[0][0]
    assert metrics(app)["Høye risikoer"] == first
    app.switch_page("app_pages/risiko.py").run()
    assert app.multiselect(key="prosjekt").value == ["ASK-TM", "OTK-OU2"]
    assert app.selectbox(key="versjon").value == 1
    assert set(app.dataframe[-1].value["Prosjekt-ID"]) <= {"ASK-TM", "OTK-OU2"}


def test_a_link_to_what_does_not_exist_says_so(demo: Path) -> None:
    app = run(prosjekt=["ASK-TM", "FINNES-IKKE"], versjon="99", status="Åpen")
    (warning,) = [w.value for w in app.warning if "Lenken ba om" in w.value]
    assert "versjon «99», som ikke finnes her" in warning
    # Issue 14: the same words whether a project does not exist or may not be read.
    assert "Prosjektet FINNES\\-IKKE finnes ikke, eller du har ikke tilgang" in warning
    assert app.multiselect(key="prosjekt").value == ["ASK-TM"]
    app.run()  # the address no longer asks for them: said once
    assert not [w for w in app.warning if "Lenken ba om" in w.value]
    fine = run(prosjekt=["ASK-TM"], versjon="3", status="Åpen", enhet=[], tekst="")
    assert not [w for w in fine.warning if "Lenken ba om" in w.value]


def test_clearing_the_filters(demo: Path) -> None:
    app = run(prosjekt="ASK-TM", status="Lukket")
    app.button[0].click().run()
    assert app.multiselect(key="prosjekt").value == []
    assert app.multiselect(key="status").value == []


# --- Risiko -----------------------------------------------------------------------------------


def matrix_counts(app: AppTest) -> dict[tuple[int, int], int]:
    (_spec, data), *_ = charts(app)
    (frame,) = data.values()
    assert len(frame) == 25
    return {
        (int(row.sannsynlighet), int(row.konsekvens)): int(row.antall) for row in frame.itertuples()
    }


def test_risk_matrix_cells_equal_sql_counts(demo: Path) -> None:
    app = run("app_pages/risiko.py")
    expected = dict(
        ((s, k), n)
        for s, k, n in sql(
            demo,
            f"""SELECT sannsynlighet, konsekvens, count(*) FROM risiko
                WHERE {CURRENT} AND status <> 'Lukket' GROUP BY 1, 2""",
        )
    )
    counts = matrix_counts(app)
    assert {cell: n for cell, n in counts.items() if n} == expected
    rows = app.dataframe[-1].value
    assert len(rows) == sum(expected.values())
    assert list(rows["Score"]) == sorted(rows["Score"], reverse=True)
    assert list(rows.columns[:7]) == [
        "Prosjekt-ID",
        "Risiko-ID",
        "Risiko",
        "Score",
        "Nivå",
        "S",
        "K",
    ]
    assert any(column.startswith("Endring siden versjon") for column in rows.columns)
    spec, _ = charts(app)[0]
    assert spec["params"][0]["name"] == "celle"


def test_risk_compares_with_the_last_meeting_by_default(
    demo_db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A version after the meeting's and the latest: the one before is no longer the meeting's.
    store.rollback(demo_db_copy, 5, actor=local("Sekretæren"))
    monkeypatch.setenv("STYRINGSROM_DB", str(demo_db_copy))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    app = run("app_pages/risiko.py")
    compare = app.selectbox(key="sammenlign")
    assert compare.value == 6
    assert compare.options[1] == "v6 · Styringsgruppemøte september 2026 24.09.2026"
    assert compare.options[0].startswith("v7 · lastet opp ")
    assert app.dataframe[-1].value.columns.str.startswith("Endring siden versjon 6").any()


def test_risk_comparison_and_cell_come_from_the_address(demo: Path) -> None:
    app = run("app_pages/risiko.py", sammenlign="4", celle="3-4")
    assert app.selectbox(key="sammenlign").value == 4
    assert any(c.value.startswith("Cellen sannsynlighet 3, konsekvens 4:") for c in app.caption)
    spec, _ = charts(app)[0]
    assert spec["params"][0]["value"] == [{"sannsynlighet": 3, "konsekvens": 4}]
    rows = app.dataframe[-1].value
    assert set(zip(rows["S"], rows["K"], strict=True)) == {(3, 4)}


def test_risk_switch_shows_after_tiltak(demo: Path) -> None:
    app = run("app_pages/risiko.py")
    app.toggle(key="etter_tiltak").set_value(True).run()
    expected = dict(
        ((s, k), n)
        for s, k, n in sql(
            demo,
            f"""SELECT coalesce(sannsynlighet_etter, sannsynlighet),
                       coalesce(konsekvens_etter, konsekvens), count(*) FROM risiko
                WHERE {CURRENT} AND status <> 'Lukket' GROUP BY 1, 2""",
        )
    )
    assert {cell: n for cell, n in matrix_counts(app).items() if n} == expected
    assert "etter tiltak" in app.get("vega_lite_chart")[0].proto.alt


def test_risk_status_filter_shows_closed_risks(demo: Path) -> None:
    app = run("app_pages/risiko.py", status="Lukket")
    closed = sql(demo, f"SELECT count(*) FROM risiko WHERE {CURRENT} AND status = 'Lukket'")[0][0]
    assert len(app.dataframe[-1].value) == closed
    assert set(app.dataframe[-1].value["Status"]) == {"Lukket"}


# --- Gevinster --------------------------------------------------------------------------------


def test_benefits_page(demo: Path) -> None:
    app = run("app_pages/gevinster.py")
    total = sql(demo, f"SELECT count(*) FROM gevinster WHERE {CURRENT}")[0][0]
    assert sum(metrics(app).values()) == total
    table = app.dataframe[-1].value
    assert len(table) == total
    assert {"Nullpunkt", "Målverdi", "Siste måling", "Fremdrift %", "Status"} <= set(table.columns)
    (spec, data), *_ = charts(app)
    series = set(pd.concat(data.values())["serie"])
    assert {"Målt", "Planlagt bane", "Nullpunkt", "Mål"} <= series
    first = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
    app.selectbox(key="gevinst_valgt").select_index(2).run()
    (spec, _), *_ = charts(app)
    assert (spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]) != first
    # A project, then its benefits: every benefit can be picked, each once.
    projects = app.selectbox(key="gevinst_prosjekt").options
    assert len(projects) > 1
    pickable = []
    for index, project in enumerate(projects):
        app.selectbox(key="gevinst_prosjekt").select_index(index).run()
        options = app.selectbox(key="gevinst_valgt").options
        assert options and all(option.startswith(f"{project} · ") for option in options)
        pickable += options
        (spec, _), *_ = charts(app)
        title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
        assert any(title in option for option in options)  # the chart is of this project
    assert len(pickable) == len(set(pickable)) == total


def test_benefit_progress_on_the_page_is_the_contract_formula(demo: Path) -> None:
    app = run("app_pages/gevinster.py")
    table = app.dataframe[-1].value.dropna(subset=["Siste måling"])
    # The page shows measured values as Norwegian text (1 234,5): read them back as numbers.
    shown = ["Nullpunkt", "Målverdi", "Siste måling"]
    table[shown] = table[shown].map(numbers.parse)
    for row in table.itertuples():
        expected = 100 * (row[10] - row.Nullpunkt) / (row.Målverdi - row.Nullpunkt)
        assert row[12] == pytest.approx(expected, abs=0.06)


# --- Anbefalinger -----------------------------------------------------------------------------


def test_recommendation_counts_equal_sql(demo: Path) -> None:
    app = run("app_pages/anbefalinger.py")
    decided = dict(
        sql(demo, f"SELECT vedtak, count(*) FROM anbefalinger WHERE {CURRENT} GROUP BY 1")
    )
    assert metrics(app) == {decision: decided.get(decision, 0) for decision in DECISIONS}
    table = app.dataframe[0].value
    assert len(table) == sum(decided.values())
    assert {"Vedtakstekst", "Vedtaksdato", "Ansvarlig", "Iverksatt"} <= set(table.columns)


def test_recommendation_status_filter(demo: Path) -> None:
    app = run("app_pages/anbefalinger.py", status="Ikke støttet")
    assert set(app.dataframe[0].value["Vedtak"]) == {"Ikke støttet"}


# --- Evaluering -------------------------------------------------------------------------------


def test_evaluation_page_equals_the_derived_plan(demo: Path) -> None:
    app = run("app_pages/evaluering.py")
    plan = queries.evaluation_plan(demo, TODAY)
    counts = plan["status"].value_counts()
    assert metrics(app) == {status: int(counts.get(status, 0)) for status in EVALUATION_STATUSES}
    urgent, missing = app.dataframe[1].value, app.dataframe[2].value
    assert len(urgent) == int(counts.get("Forfalt", 0) + counts.get("Snart", 0))
    assert set(urgent["Status"]) <= {"Forfalt", "Snart"}
    assert len(missing) == int(counts.get("Mangler iverksettingsdato", 0))
    (_spec, data), *_ = charts(app)
    assert "I dag" in set(pd.concat(data.values())["tekst"].dropna())
    assert any("ics" in b.proto.label for b in app.get("download_button"))


def test_an_older_version_shows_its_statuses_as_they_were_on_its_day(demo: Path) -> None:
    """«Vis versjon»: evaluations and milestones judged on the day the version was stored,
    said under the chart and on its day line; the latest version is judged today."""
    stored = queries.versions(demo).set_index("version")["created_at"]
    old = 4
    day = stored[old].date()
    assert day < TODAY
    app = run("app_pages/evaluering.py", versjon=str(old))
    plan = queries.evaluations(demo, queries.Filters(version=old), day)
    counts = plan["status"].value_counts()
    assert metrics(app) == {status: int(counts.get(status, 0)) for status in EVALUATION_STATUSES}
    assert metrics(app) != {
        status: int(n)
        for status, n in queries.evaluations(demo, queries.Filters(version=old), TODAY)["status"]
        .value_counts()
        .reindex(EVALUATION_STATUSES, fill_value=0)
        .items()
    }
    (_spec, data), *_ = charts(app)
    assert f"Per {day:%d.%m.%Y}" in set(pd.concat(data.values())["tekst"].dropna())
    assert f"slik de var {day:%d.%m.%Y}" in texts(app).replace("\\", "")  # unescaped

    app = run("app_pages/milepaeler.py", versjon=str(old))
    assert metrics(app)["Forsinket"] == int(
        (queries.milestones(demo, queries.Filters(version=old), day)["status"] == "Forsinket").sum()
    )
    latest = run("app_pages/evaluering.py", versjon=str(int(stored.index.max())))
    (_spec, data), *_ = charts(latest)
    assert "I dag" in set(pd.concat(data.values())["tekst"].dropna())
    assert not latest.warning  # the latest version chosen by number is today's data


@pytest.mark.parametrize("page", OWN_PAGES)
def test_an_older_version_says_so_on_every_view(demo: Path, page: str) -> None:
    app = run(page, versjon="4")
    day = queries.versions(demo).set_index("version")["created_at"][4]
    (banner,) = [w.value for w in app.warning if "Du ser versjon" in w.value]
    assert banner.replace("\\", "").startswith(f"Du ser versjon 4 fra {day:%d.%m.%Y}, ikke siste")
    app.button(key="vis_siste").click().run()
    assert app.selectbox(key="versjon").value is None
    assert not [w for w in app.warning if "Du ser versjon" in w.value]


# --- Milepæler --------------------------------------------------------------------------------


def test_milestone_page(demo: Path) -> None:
    app = run("app_pages/milepaeler.py")
    shown = metrics(app)
    assert shown["Forsinket"] == late_milestones(demo, TODAY)
    done = sql(demo, f"SELECT count(*) FROM milepaeler WHERE {CURRENT} AND fullfort IS NOT NULL")
    assert shown["Fullført"] == done[0][0]
    # Late and upcoming first; the completed ones folded away in an expander under them.
    remaining, completed = (frame.value for frame in app.dataframe[-2:])
    assert len(remaining) + len(completed) == sum(shown.values())
    assert set(completed["Status"]) == {"Fullført"}
    statuses = list(remaining["Status"])
    assert statuses == sorted(statuses, key=["Forsinket", "I rute"].index)
    assert [e.label for e in app.expander if e.label.startswith("Fullførte")] == [
        f"Fullførte milepæler ({shown['Fullført']})"
    ]
    late = remaining[remaining["Status"] == "Forsinket"]
    assert (late["Avvik (dager)"] > 0).all()


# --- House rules ------------------------------------------------------------------------------


def test_pages_never_render_html() -> None:
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        assert "unsafe_allow_html" not in path.read_text(), path


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project whose texts look like markdown, HTML and a formula."""
    from lib.exports import write_export
    from lib.ingest import load_file
    from tests.fixtures import frame, risk

    db, workbook = tmp_path / "hostile.duckdb", tmp_path / "hostile.xlsx"
    name = "**Fet** <b>html</b> [lenke](http://x) :material/home:"
    write_export(
        workbook,
        {
            "prosjekter": frame("prosjekter", [{"prosjekt_id": "P1", "prosjektnavn": name}]),
            "risiko": frame("risiko", [risk("R1", 5, 5, risiko='=HYPERLINK("x")')]),
        },
    )
    assert load_file(db, workbook, actor=TESTER).ok
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    yield db


def test_user_text_is_escaped(hostile: Path) -> None:
    app = run()
    heading = app.subheader[0].value
    assert "\\*\\*Fet\\*\\*" in heading and "\\<b\\>" in heading and "\\:material" in heading
    risks = run("app_pages/risiko.py").dataframe[-1].value
    assert risks["Risiko"].iloc[0] == '=HYPERLINK("x")'


def test_a_new_database_path_stays_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contract: a path that does not exist becomes a new, empty database; only the
    demo command (or the default path on a fresh clone) fills one with demo data."""
    from lib.db import latest_version

    db = tmp_path / "ny.duckdb"
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    app = run()
    assert not app.exception
    assert latest_version(db) == 0


# --- Numbers in Norwegian, whatever the browser's language -------------------------------------


@pytest.mark.parametrize("page", OWN_PAGES)
def test_tables_leave_no_number_to_the_browser_s_language(demo: Path, page: str) -> None:
    """A table column the browser would format (`88.5` in an English browser) is Norwegian
    text instead; every number column left is formatted by the page or holds whole numbers
    under 10 000, which every language writes alike."""
    app = run(page)
    for table in app.dataframe:
        frame = table.value
        settings = json.loads(table.proto.columns)
        for column in frame.columns:
            kind = (settings.get(column) or {}).get("type_config", {})
            if kind.get("format") not in (None, "localized"):
                continue  # the page's own format, e.g. "%.0f %%", with no decimal mark
            assert not numbers.wants_text(frame[column]), (page, column)


def test_benefit_values_show_a_decimal_comma(demo: Path) -> None:
    app = run("app_pages/gevinster.py")
    table = app.dataframe[-1].value
    shown = list(table["Siste måling"].dropna())
    assert shown and all("." not in text for text in shown)
    assert any("," in text for text in shown)
    settings = json.loads(app.dataframe[-1].proto.columns)
    assert settings["Siste måling"]["type_config"]["type"] == "text"
    assert settings["Siste måling"]["alignment"] == "right"


# --- The sidebar's lists ----------------------------------------------------------------------


def test_the_project_filter_shows_id_and_name_and_the_address_keeps_the_id(demo: Path) -> None:
    app = run()
    names = dict(sql(demo, "SELECT prosjekt_id, prosjektnavn FROM prosjekter"))
    box = app.multiselect(key="prosjekt")
    assert "ASK-TM · " + names["ASK-TM"] in box.options
    assert all(" · " in option for option in box.options)
    box.select("ASK-TM").run()
    assert app.multiselect(key="prosjekt").value == ["ASK-TM"]
    assert app.query_params["prosjekt"] in ("ASK-TM", ["ASK-TM"])  # the ID, not the label


def test_the_status_filter_is_grouped_by_list(demo: Path) -> None:
    app = run()
    box = app.multiselect(key="status")
    assert box.options[0] == "Risiko: Åpen"
    assert [option.split(":")[0] for option in box.options] == [
        area for area, statuses in queries.STATUS_AREAS.items() for _ in statuses
    ]
    box.select("Lukket").run()
    assert app.query_params["status"] in ("Lukket", ["Lukket"])
