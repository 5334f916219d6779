"""AppTest of Last opp, Historikk and "Endringer siden sist møte": upload, preview, confirm,
errors, conflicts, locking and restoring, as a person clicks through them."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import history, ingest, store
from lib.db import latest_version
from lib.exports import write_export
from lib.queries import sheet_rows, versions
from tests.fixtures import PROJECTS, TESTER, figures_shown, frame, local, make_workbook, risk

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME = "_ditt_navn_felt"


def workbook_bytes(tmp_path: Path, name: str, tables: dict[str, list[dict]]) -> bytes:
    path = tmp_path / name
    write_export(path, {key: frame(key, rows) for key, rows in tables.items()})
    return path.read_bytes()


def file_state(db: Path) -> str:
    digest = hashlib.sha256()
    for path in (db, Path(f"{db}.wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.duckdb"
    first = tmp_path / "first.xlsx"
    write_export(
        first,
        {
            "prosjekter": frame("prosjekter", PROJECTS),
            "risiko": frame("risiko", [risk("R1", 3, 3), risk("R2", 1, 2)]),
        },
    )
    assert ingest.load_file(path, first, actor=local("Kari")).ok
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    return path


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].upload(name, data, XLSX).run()
    assert not app.exception, app.exception
    return app


def texts(elements) -> list[str]:
    return [str(element.value) for element in elements]


def changed_lines(app: AppTest) -> list[list[str]]:
    """The preview's static tables, as the rows a person reads (markdown escapes removed)."""
    lines = []
    for table in app.table:
        for row in table.value.astype(str).values.tolist():
            lines.append([cell.replace("\\", "") for cell in row])
    return lines


def test_a_valid_workbook_is_previewed_and_stored_only_when_confirmed(
    db: Path, tmp_path: Path
) -> None:
    app = open_page("app_pages/last_opp.py")
    data = workbook_bytes(tmp_path, "risiko.xlsx", {"risiko": [risk("R1", 4, 4), risk("R2", 1, 2)]})
    upload(app, "risiko.xlsx", data)

    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {
        "Nye rader": "0",
        "Endrede rader": "1",
        "Fjernede rader": "0",
        "Uendrede rader": "1",
    }
    lines = changed_lines(app)
    assert ["2", "P1", "R1", "Risiko R1", "Risikoverdi (S × K)", "9", "16"] in lines
    assert ["2", "P1", "R1", "Risiko R1", "Sannsynlighet", "3 - Middels", "4 - Høy"] in lines
    assert latest_version(db) == 1  # nothing stored yet

    save = app.button(key="opplasting_lagre")
    assert save.label == "Lagre som versjon 2" and save.disabled  # no name, no store
    assert any("Ditt navn" in text for text in texts(app.warning))
    app.text_input(key=NAME).input("Åse Ødegård").run()
    app.button(key="opplasting_lagre").click().run()
    assert not app.exception, app.exception

    assert latest_version(db) == 2
    stored = versions(db).iloc[0]
    assert (stored.created_by, stored.file_name) == ("Åse Ødegård", "risiko.xlsx")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    rows = sheet_rows(db, "risiko")
    assert rows[rows.risiko_id == "R1"].sannsynlighet.tolist() == [4]
    success = " ".join(texts(app.success)).replace("\\", "")
    assert "Versjon 2 er lagret av Åse Ødegård" in success and "Risiko: 0 nye, 1 endret" in success
    assert app.file_uploader[0].value is None  # ready for the next file
    assert app.text_input(key=NAME).value == "Åse Ødegård"  # remembered


def written_bytes(tmp_path: Path, name: str, sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook written cell by cell: only the columns given (tests.fixtures.make_workbook)."""
    return make_workbook(tmp_path / name, sheets).read_bytes()


def test_the_preview_lists_the_stored_values_an_upload_would_clear(
    db: Path, tmp_path: Path
) -> None:
    app = open_page("app_pages/last_opp.py")
    data = written_bytes(
        tmp_path,
        "prosjekter.xlsx",
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Enhet"],
                ["P1", "Prosjekt én", None],
                ["P2", "Prosjekt to", "Oppvekst"],
            ]
        },
    )
    upload(app, "prosjekter.xlsx", data)
    warnings = [text.replace("\\", "") for text in texts(app.warning)]
    cleared = [text for text in warnings if "tømmes" in text]
    assert len(cleared) == 1
    assert "- Prosjekter – tømmes: Enhet i 1 rad (P1 Helse)" in cleared[0]
    # A sheet without the column clears nothing, and says nothing.
    app.file_uploader[0].upload(
        "uten-enhet.xlsx",
        written_bytes(
            tmp_path,
            "uten-enhet.xlsx",
            {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["P1", "Prosjekt én"]]},
        ),
        XLSX,
    ).run()
    assert not [text for text in texts(app.warning) if "tømmes" in text]
    assert {metric.label: metric.value for metric in app.metric}["Endrede rader"] == "0"


def test_a_similar_stored_project_is_flagged_and_can_be_loaded_onto(
    db: Path, tmp_path: Path
) -> None:
    app = open_page("app_pages/last_opp.py")
    data = written_bytes(
        tmp_path,
        "p1.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["P-1", "PROSJEKT ÉN"]],
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
                ["R1", "Risiko R1", 5, 5],
            ],
        },
    )
    upload(app, "p1.xlsx", data)
    warnings = [text.replace("\\", "") for text in texts(app.warning)]
    assert any(
        "Prosjekt-ID «P-1» er ikke lagret fra før, men det lagrede prosjektet P1 "
        "(«Prosjekt én») har samme prosjektnavn" in text
        for text in warnings
    ), warnings
    button = app.button(key="opplasting_last_inn_pa_P-1_P1")
    assert button.label.replace("\\", "") == "Last inn på P1 i stedet"
    assert {metric.label: metric.value for metric in app.metric}["Nye rader"] == "2"

    button.click().run()
    assert not app.exception, app.exception
    assert not any("er ikke lagret fra før" in text for text in texts(app.warning))
    assert any("P-1 lastes inn på P1" in text.replace("\\", "") for text in texts(app.info))
    metrics = {metric.label: metric.value for metric in app.metric}
    assert (metrics["Nye rader"], metrics["Endrede rader"]) == ("0", "2")
    app.text_input(key=NAME).input("Kari").run()
    app.button(key="opplasting_lagre").click().run()
    assert not app.exception, app.exception
    assert latest_version(db) == 2
    assert sorted(sheet_rows(db, "prosjekter").prosjekt_id) == ["P1", "P2"]
    rows = sheet_rows(db, "risiko")
    assert rows[rows.risiko_id == "R1"].sannsynlighet.tolist() == [5]


def test_undoing_the_choice_checks_the_workbook_as_written(db: Path, tmp_path: Path) -> None:
    app = open_page("app_pages/last_opp.py")
    data = written_bytes(
        tmp_path,
        "p1.xlsx",
        {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["P-1", "Prosjekt én"]]},
    )
    upload(app, "p1.xlsx", data)
    app.button(key="opplasting_last_inn_pa_P-1_P1").click().run()
    assert not any("er ikke lagret fra før" in text for text in texts(app.warning))
    app.button(key="opplasting_angre").click().run()
    assert any("er ikke lagret fra før" in text for text in texts(app.warning))


def test_measurements_that_go_with_a_removed_benefit_are_previewed(
    db: Path, tmp_path: Path
) -> None:
    benefits = [
        {"gevinst_id": "G1", "gevinst": "Tid", "malverdi": 50.0},
        {"gevinst_id": "G2", "gevinst": "Kø", "malverdi": 5.0},
    ]
    measured = [{"gevinst_id": "G1", "dato": dt.date(2025, 1, 1), "verdi": 40.0}]
    first = tmp_path / "gevinster.xlsx"
    write_export(
        first, {"gevinster": frame("gevinster", benefits), "malinger": frame("malinger", measured)}
    )
    assert ingest.load_file(db, first, project="P1", actor=TESTER).ok
    app = open_page("app_pages/last_opp.py")
    app.selectbox(key="opplasting_prosjekt").set_value("P1").run()
    upload(app, "uten-g1.xlsx", workbook_bytes(tmp_path, "uten.xlsx", {"gevinster": benefits[1:]}))

    assert {metric.label: metric.value for metric in app.metric}["Fjernede rader"] == "2"
    shown = " ".join(texts(app.markdown) + texts(app.caption) + texts(app.subheader))
    assert "Målinger" in shown.replace("\\", "")
    # The removed benefit and the measurement that goes with it, as a person reads them.
    assert changed_lines(app) == [
        ["G1", "P1", "Tid", "Kvantitativ", "50"],
        ["G1", "P1", "01.01.2025", "40"],
    ]
    app.text_input(key=NAME).input("Kari").run()
    app.button(key="opplasting_lagre").click().run()
    assert not app.exception, app.exception
    assert sheet_rows(db, "malinger").empty


def test_a_workbook_with_errors_shows_them_and_stores_nothing(db: Path, tmp_path: Path) -> None:
    before = file_state(db)
    app = open_page("app_pages/last_opp.py")
    bad = make_workbook(
        tmp_path / "feil.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Prosjekt-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
                ["R1", "P1", "God rad", 5, 5, "01.03.2025"],
                ["R2", "P1", "Dårlig rad", "kanskje", 3, "31.02.2025"],
                ["R3", "P9", "Ukjent prosjekt", 2, 2, None],
            ]
        },
    )
    upload(app, "feil.xlsx", bad.read_bytes())

    error = " ".join(texts(app.error)).replace("\\", "")
    assert "«feil.xlsx» har 3 feil i 1 ark (Risiko: 3)" in error
    assert "Ingenting er lagret" in error
    problems = app.table[0].value  # a short list is a static table, readable on a projector
    assert problems.columns.tolist() == ["Ark", "Rad", "Kolonne", "Verdi", "Forventet"]
    assert sorted(zip(problems.Rad, problems.Kolonne, strict=True)) == [
        (3, "Frist"),
        (3, "Sannsynlighet"),
        (4, "Prosjekt\\-ID"),  # markdown-escaped for st.table; shows as Prosjekt-ID
    ]
    assert [button.key for button in app.button if button.key == "opplasting_lagre"] == []
    assert app.get("download_button")  # the error list can be downloaded
    assert file_state(db) == before and latest_version(db) == 1


def test_a_file_that_is_no_workbook_gets_a_norwegian_message(db: Path) -> None:
    app = open_page("app_pages/last_opp.py")
    upload(app, "regneark.xlsx", b"Dette er ikke et regneark")
    error = " ".join(texts(app.error)).replace("\\", "")
    assert "«regneark.xlsx»" in error and "Traceback" not in error
    assert latest_version(db) == 1


def test_a_workbook_without_known_sheets_has_nothing_to_store(db: Path, tmp_path: Path) -> None:
    app = open_page("app_pages/last_opp.py")
    other = make_workbook(tmp_path / "annet.xlsx", {"Budsjett": [["Post", "Beløp"], ["A", 1]]})
    upload(app, "annet.xlsx", other.read_bytes())
    # An error of validation since contract version 2, shown like every other error.
    error = " ".join(texts(app.error)).replace("\\", "")
    assert "Ingenting er lagret" in error
    problem = app.table[0].value.iloc[0]
    assert problem["Verdi"].replace("\\", "") == "Budsjett (ukjent ark)"
    assert "ingenting å lagre" in problem["Forventet"] and "Milepæler" in problem["Forventet"]
    assert not [b for b in app.button if b.key == "opplasting_lagre"]
    assert latest_version(db) == 1


def test_someone_else_storing_the_project_meanwhile_shows_the_preview_again(
    db: Path, tmp_path: Path
) -> None:
    app = open_page("app_pages/last_opp.py")
    app.text_input(key=NAME).input("Kari").run()
    upload(app, "mine.xlsx", workbook_bytes(tmp_path, "mine.xlsx", {"risiko": [risk("R1", 5, 5)]}))
    assert app.button(key="opplasting_lagre").label == "Lagre som versjon 2"

    # Another person stores P1 from the command line while Kari looks at the preview.
    theirs = tmp_path / "theirs.xlsx"
    write_export(theirs, {"risiko": frame("risiko", [risk("R1", 1, 1), risk("R2", 1, 2)])})
    assert ingest.load_file(db, theirs, actor=local("Per"), project="P1").stored.version == 2

    app.button(key="opplasting_lagre").click().run()
    assert not app.exception, app.exception
    warning = " ".join(texts(app.warning)).replace("\\", "")
    assert "versjon 2 (P1) ble lagret av Per" in warning
    assert "Forhåndsvisningen under er laget på nytt" in warning
    assert latest_version(db) == 2  # Kari's upload was not stored
    assert ["2", "P1", "R1", "Risiko R1", "Risikoverdi (S × K)", "1", "25"] in changed_lines(app)
    assert app.button(key="opplasting_lagre").label == "Lagre som versjon 3"

    app.button(key="opplasting_lagre").click().run()
    assert latest_version(db) == 3 and versions(db).iloc[0].created_by == "Kari"


def test_the_export_of_a_project_loads_back_unchanged(db: Path, tmp_path: Path) -> None:
    data = ingest.export_bytes(db, "P1")
    checked = ingest.check_upload_bytes(db, data, "P1.xlsx")
    assert checked.ok and not checked.preview.has_changes
    assert checked.preview.projects == ["P1"]
    assert ingest.template_bytes()[:2] == b"PK"


# ---------------------------------------------------------------------------------------------
# Historikk


def test_history_lists_versions_and_locks_one_for_a_meeting(db: Path) -> None:
    app = open_page("app_pages/historikk.py")
    table = app.dataframe[0].value
    assert table["Versjon"].tolist() == [1] and table["Lastet opp av"].tolist() == ["Kari"]
    assert len(table["SHA-256"].iloc[0]) == 64
    app.text_input(key=NAME).input("Sekretæren").run()
    form_name = next(t for t in app.text_input if t.label == "Møtets navn")
    form_name.input("Styringsgruppemøte mars")
    next(d for d in app.date_input if d.label == "Møtedato").set_value(dt.date(2025, 3, 12))
    next(b for b in app.button if b.label == "Lås versjon 1").click().run()
    assert not app.exception, app.exception
    locked = history.snapshots(db)
    assert [(s.version, s.name, s.meeting_date, s.created_by) for s in locked] == [
        (1, "Styringsgruppemøte mars", dt.date(2025, 3, 12), "Sekretæren")
    ]
    assert any("Låst for møtet" in text for text in texts(app.success))
    assert all(button.label != "Lås versjon 1" for button in app.button)  # cannot lock again


def test_history_restores_a_version_after_confirmation(db: Path, tmp_path: Path) -> None:
    later = tmp_path / "2.xlsx"
    write_export(later, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert ingest.load_file(db, later, project="P1", actor=TESTER).ok
    app = open_page("app_pages/historikk.py")
    app.selectbox(key="historikk_valgt").set_value(1).run()
    app.button(key="historikk_gjenopprett_knapp").click().run()
    shown = next(t.value for t in app.dataframe if "Kommer tilbake" in t.value.columns)
    risiko = shown[shown["Ark"] == "Risiko"].iloc[0]
    assert (risiko["Kommer tilbake"], risiko["Endres"], risiko["Forsvinner"]) == (1, 1, 0)
    assert app.button(key="historikk_bekreft").disabled  # who restores must be named
    assert latest_version(db) == 2

    app.text_input(key=NAME).input("Ola").run()
    app.button(key="historikk_bekreft").click().run()
    assert not app.exception, app.exception
    assert latest_version(db) == 3
    restored = versions(db).iloc[0]
    assert (restored.kind, restored.restored_from, restored.created_by) == ("rollback", 1, "Ola")
    assert sorted(sheet_rows(db, "risiko").risiko_id) == ["R1", "R2"]
    assert app.selectbox(key="historikk_valgt").value == 3  # the new version is shown


def test_history_cancelling_a_restore_changes_nothing(db: Path, tmp_path: Path) -> None:
    later = tmp_path / "2.xlsx"
    write_export(later, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert ingest.load_file(db, later, project="P1", actor=TESTER).ok
    app = open_page("app_pages/historikk.py")
    app.selectbox(key="historikk_valgt").set_value(1).run()
    app.button(key="historikk_gjenopprett_knapp").click().run()
    app.button(key="historikk_avbryt").click().run()
    assert latest_version(db) == 2
    assert not [b for b in app.button if b.key == "historikk_bekreft"]


def test_history_shows_the_whole_app_as_of_a_version(db: Path, tmp_path: Path) -> None:
    later = tmp_path / "2.xlsx"
    write_export(later, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert ingest.load_file(db, later, project="P1", actor=TESTER).ok
    app = open_page("app_pages/historikk.py")
    app.selectbox(key="historikk_valgt").set_value(1).run()
    app.button(key="historikk_vis").click().run()
    assert not app.exception, app.exception
    assert app.session_state["versjon"] == 1  # the router's version filter (?versjon=1)
    assert [title.value for title in app.title] == ["Oversikt"]
    assert "versjon 1" in " ".join(texts(app.caption))


# ---------------------------------------------------------------------------------------------
# Endringer siden sist møte, on the Oversikt page


def test_overview_shows_changes_since_the_last_meeting(db: Path, tmp_path: Path) -> None:
    app = open_page("app_pages/oversikt.py")
    assert any("Ingen versjon er låst for et møte" in text for text in texts(app.info))

    store.lock_for_meeting(db, 1, "Marsmøtet", dt.date(2025, 3, 12), actor=local("Sekretær"))
    later = tmp_path / "2.xlsx"
    write_export(later, {"risiko": frame("risiko", [risk("R1", 4, 4), risk("R3", 2, 5)])})
    assert ingest.load_file(db, later, project="P1", actor=TESTER).ok
    app.run()
    assert not app.exception, app.exception
    table = next(t.value for t in app.dataframe if "Endring" in t.value.columns)
    assert table[["Endring", "ID", "Før", "Nå"]].values.tolist() == [
        ["Ny risiko", "R3", "", "10 (Høy)"],
        ["Risiko økt", "R1", "9 (Middels)", "16 (Høy)"],
        ["Risiko fjernet", "R2", "Åpen, 2 (Lav)", "Fjernet"],
    ]
    shown = figures_shown(app)
    assert (shown["Nye"], shown["Økt"], shown["Fattet"]) == (1, 1, 0)
    caption = " ".join(texts(app.caption)).replace("\\", "")
    assert "fra møtet «Marsmøtet» (12.03.2025, versjon 1) til versjon 2" in caption


def test_changes_section_reads_any_filters_like_object(db: Path) -> None:
    """The Oversikt page passes its Filters; anything with .projects and .version will do."""
    from ui.changes import _chosen

    class Loose:
        projects = ("P2", "P1", "P1")
        version = "2"

    assert _chosen(Loose()) == (2, ("P1", "P2"))
    assert _chosen(object()) == (None, ())
    bad = type("Bad", (), {"projects": "P1", "version": "x"})()
    assert _chosen(bad) == (None, ("P1",))
