"""AppTest of the status views: Oversikt's lights (worst first, stale, greener than the data),
the page Status (reported beside measured, economy, lights over time), and its form, which
stores a report as a version as an upload of the Status sheet would (and shows up the same)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import status
from lib.db import latest_version
from lib.demo import TODAY
from lib.exports import write_export
from lib.queries import Filters, versions
from tests.fixtures import copy_database, frame
from tests.signed_in import sign_in

ROOT = Path(__file__).resolve().parent.parent
NAME = "_ditt_navn_felt"
PROJECT = "AMOT-ORG"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(demo_db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STYRINGSROM_DB", str(demo_db_copy))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return demo_db_copy


def open_page(page: str, app: AppTest | None = None, **params: str) -> AppTest:
    if app is None:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def html(app: AppTest) -> str:
    return " ".join(element.proto.body for element in app.get("html"))


def texts(elements) -> str:
    # Markdown escapes removed; lib.numbers' no-break spaces read as spaces.
    joined = " ".join(str(element.value) for element in elements)
    return joined.replace("\\", "").replace("\xa0", " ").replace("**", "")


def widget(elements, label: str):
    return next(element for element in elements if element.label == label)


def test_oversikt_shows_each_projects_lights_worst_first_with_stale_and_greener_marks(
    db: Path,
) -> None:
    app = open_page("app_pages/oversikt.py")
    board = html(app)
    # Every light with its mark AND word; the red project first.
    assert "▲ Rød" in board and "◆ Gul" in board and "● Grønn" in board
    first_rows = board.split("<tbody>")[1].split("</tr>")
    assert "OTK-OU2" in first_rows[0]
    # The old report is stale, with its date; a report greener than its data is marked,
    # the data's reason in the tooltip.
    assert "16.09.2026" in board and "Utdatert" in board
    assert "⚠ data: Rød" in board
    assert "Dataene sier Rød: 2 milepæler forsinket, den mest forsinkede 114 dager" in board
    summary = texts(app.markdown)
    assert "Rødt lys: OTK-OU2" in summary
    assert "⚠ grønnere enn dataene: AMOT-ORG, ASK-TM, NTNU-BEVISST, NTNU-BOTT" in summary
    assert "Utdatert: NTNU-BOTT" in summary
    assert (
        "AMOT-ORG · Fremdrift: rapportert Grønn, dataene sier Rød – 2 milepæler forsinket, den "
        "mest forsinkede 114 dager." in summary
    )


def test_status_page_shows_reported_beside_measured_economy_and_lights_over_time(
    db: Path,
) -> None:
    app = open_page("app_pages/status.py", statusprosjekt=PROJECT)
    assert widget(app.selectbox, "Prosjekt").value == PROJECT
    assert "Rapport 18.11.2026 · rapportert av Personalsjef" in texts(app.markdown)
    lights = html(app)
    assert "⚠ grønnere enn dataene" in lights
    assert "prognosen er 14 % over budsjettet" in lights
    assert "Måles ikke i dataene" in lights  # Kvalitet
    assert "Rapporten er grønnere enn dataene på Fremdrift, Økonomi, Gevinster." in texts(
        app.warning
    )
    captions = texts(app.caption)
    assert "Budsjett 950 000 kr, påløpt 690 000 kr, prognose 1 080 000 kr." in captions
    assert "2 rapporter, 15.09.2026–18.11.2026" in captions
    assert len(app.get("vega_lite_chart")) == 2
    # The form, prefilled from the latest report.
    assert widget(app.selectbox, "Fremdrift").value == "Grønn"
    assert widget(app.selectbox, "Økonomi").value == "Gul"
    assert widget(app.text_area, "Fremdrift kommentar").value == (
        "Vi tar igjen forsinkelsen før jul."
    )
    assert widget(app.text_input, "Budsjett (kr)").value == "950\xa0000"
    assert widget(app.text_area, "Kvalitet kommentar").value == ""


def test_the_sidebar_project_is_the_page_project_and_stale_is_said(db: Path) -> None:
    app = open_page("app_pages/status.py", prosjekt="NTNU-BOTT")
    assert not [box for box in app.selectbox if box.label == "Prosjekt"]
    assert "Utdatert: Rapporten er eldre enn siste møte (24.09.2026)." in texts(app.warning)


def write_report(app: AppTest, project: str = PROJECT, **changes: str) -> AppTest:
    app.text_input(key=NAME).input("Åse Ødegård").run()
    # The date first: it is outside the form (choosing it reruns the page at once).
    app.date_input(key=f"status_rapportdato_{project}").set_value(dt.date(2026, 11, 25)).run()
    for label, value in changes.items():
        label = label.replace("_", " ")
        boxes = [box for box in app.selectbox if box.label == label]
        if boxes:
            boxes[0].set_value(value)
        else:
            widget([*app.text_input, *app.text_area], label).input(value)
    button = next(b for b in app.button if b.label in ("Lagre statusrapport", "Erstatt rapporten"))
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_form_stores_a_new_version_and_the_lights_change(db: Path) -> None:
    before = latest_version(db)
    app = open_page("app_pages/status.py", statusprosjekt=PROJECT)
    write_report(app, Fremdrift="Rød", Kvalitet="Ikke vurdert")
    assert latest_version(db) == before + 1
    assert (
        f"Statusrapporten for {PROJECT} datert 25.11.2026 er lagret som versjon {before + 1}."
        in texts(app.success)
    )
    assert "Rapport 25.11.2026 · rapportert av Åse Ødegård" in texts(app.markdown)
    stored = versions(db).iloc[0]
    assert (stored.created_by, stored.file_name) == ("Åse Ødegård", "Statusrapport skrevet i appen")
    board = status.status_board(db, Filters(projects=(PROJECT,)), TODAY).iloc[0]
    assert (board["fremdrift"], board["kvalitet"], board["okonomi"]) == ("Rød", None, "Gul")
    assert board["fremdrift_kommentar"] == "Vi tar igjen forsinkelsen før jul."
    # The same date again: the form says it replaces the stored report.
    assert "Det finnes en rapport datert 25.11.2026" in texts(app.warning)
    assert any(button.label == "Erstatt rapporten" for button in app.button)
    oversikt = open_page("app_pages/oversikt.py")
    row = next(r for r in html(oversikt).split("<tr>") if f"<strong>{PROJECT}</strong>" in r)
    assert "25.11.2026" in row and "▲ Rød" in row


def test_a_bad_value_gets_the_uploads_message_and_nothing_is_stored(db: Path) -> None:
    before = latest_version(db)
    app = open_page("app_pages/status.py", statusprosjekt=PROJECT)
    write_report(app, **{"Budsjett (kr)": "mye"})
    assert latest_version(db) == before
    assert (
        "Statusrapporten ble ikke lagret: ark «Status», rad 2, kolonne «Budsjett»: fant «mye» "
        "– forventet et tall" in texts(app.error)
    )


def test_a_reader_sees_the_reports_but_no_form(db: Path) -> None:
    from lib import access
    from tests.fixtures import local

    access.grant(db, local("Drift"), "leser@kommune.no", access.LESER, PROJECT)
    access.grant(db, local("Drift"), "opplaster@kommune.no", access.OPPLASTER, PROJECT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    open_page("app_pages/status.py", sign_in(app, "leser@kommune.no"))
    assert "Rapport 18.11.2026" in texts(app.markdown)
    assert not any(button.label == "Lagre statusrapport" for button in app.button)
    assert "Du kan lese rapportene" in texts(app.caption)
    # Only the project the reader may read, in the list and on the page.
    assert widget(app.selectbox, "Prosjekt").options == [
        "AMOT-ORG – Ny administrativ organisering – Åmot"
    ]
    assert not {"OTK-OU2", "ASK-TM", "NTNU-BOTT", "NTNU-BEVISST"} & set(
        re.findall(r"[A-Z]+-[A-Z0-9]+", html(app) + texts(app.markdown) + texts(app.caption))
    )
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    open_page("app_pages/status.py", sign_in(app, "opplaster@kommune.no"))
    assert any(button.label == "Lagre statusrapport" for button in app.button)
    assert widget(app.text_input, "Rapportert av").value == "Opplaster"


def test_an_upload_and_the_form_show_up_the_same(
    db: Path, demo_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The form, in one copy of the demo.
    app = open_page("app_pages/status.py", statusprosjekt=PROJECT)
    write_report(
        app,
        Fremdrift="Gul",
        Risiko="Rød",
        Risiko_kommentar="Nøkkelpersoner slutter.",
        Overordnet_status="Ny runde med rekruttering.",
        **{"Påløpt (kr)": "700 000", "Rapportert av": "Personalsjef"},
    )
    typed = status.status_board(db, Filters(projects=(PROJECT,)), TODAY)
    # The same report uploaded as a Status sheet on Last opp, in another copy.
    other = copy_database(demo_database, tmp_path / "other.duckdb")
    monkeypatch.setenv("STYRINGSROM_DB", str(other))
    latest = status.report_history(other, PROJECT).iloc[-1].to_dict()
    row = {
        key: latest[key]
        for key in latest
        if key not in ("prosjektnavn",)
        and not (isinstance(latest[key], float) and latest[key] != latest[key])
    }
    row.update(
        rapportdato=dt.date(2026, 11, 25),
        fremdrift="Gul",
        risiko="Rød",
        risiko_kommentar="Nøkkelpersoner slutter.",
        overordnet_status="Ny runde med rekruttering.",
        palopt=700_000,
        rapportert_av="Personalsjef",
    )
    path = tmp_path / "status.xlsx"
    write_export(path, {"status": frame("status", [row])})
    upload = open_page("app_pages/last_opp.py")
    upload.file_uploader[0].upload("status.xlsx", path.read_bytes(), XLSX).run()
    upload.text_input(key=NAME).input("Åse Ødegård").run()
    upload.button(key="opplasting_lagre").click().run()
    assert not upload.exception, upload.exception
    uploaded = status.status_board(other, Filters(projects=(PROJECT,)), TODAY)
    assert uploaded.to_dict("records") == typed.to_dict("records")
    assert typed.iloc[0]["rapportdato"] == dt.datetime(2026, 11, 25)


def test_before_any_report_oversikt_says_so_in_one_line_and_status_invites_one(
    db: Path,
) -> None:
    # Version 2 holds no status report yet (the first came in version 3).
    app = open_page("app_pages/oversikt.py", versjon="2")
    assert not any("lys-tabell" in element.proto.body for element in app.get("html"))
    assert "Ingen statusrapporter ennå" in texts(app.caption)
    app = open_page("app_pages/status.py", versjon="2", statusprosjekt="NTNU-BOTT")
    assert "Prosjektet har ingen statusrapport i denne versjonen." in texts(app.info) + texts(
        app.markdown
    )
    assert "Du ser en eldre versjon" in texts(app.caption)
    assert not any(button.label == "Lagre statusrapport" for button in app.button)


def test_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lib import store

    empty = tmp_path / "tom.duckdb"
    with store.connect(empty):
        pass
    monkeypatch.setenv("STYRINGSROM_DB", str(empty))
    app = open_page("app_pages/status.py")
    assert "Databasen er tom" in texts(app.info) + texts(app.markdown)


def test_without_a_choice_the_project_that_needs_attention_most_is_shown(db: Path) -> None:
    app = open_page("app_pages/status.py")
    assert widget(app.selectbox, "Prosjekt").value == "OTK-OU2"  # the only red report
    assert "statusprosjekt" not in app.query_params  # the address stays as it was typed
