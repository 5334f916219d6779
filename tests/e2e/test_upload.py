"""The upload journey in real Chromium: upload a workbook through the file input, see the
preview, confirm, and find the change on the Risiko page; then the history and the meeting
comparison.

Runs its own server on a copy of the demo database, so the shared server's data stays as the
other browser tests expect it.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lib import ingest, snapshots, store
from lib.db import latest_version
from lib.queries import sheet_rows, versions
from tests.e2e.browser import StreamlitServer, screenshot, wait_for_app
from tests.fixtures import TESTER

PROJECT, RISK = "ASK-TM", "R1"


def settled(page: object) -> None:
    """The script has finished and nothing is still drawing (no skeletons)."""
    wait_for_app(page)
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000
    )


def go_to(page: object, name: str, url_path: str, heading: str) -> None:
    """Open a page by its link in the sidebar, as a person does, and wait for its `heading`.

    A click while the app is still drawing its first screen can be lost: the address may stay
    (click again, and in the end type the address, as a person would), or change while the new
    page's run never comes (load the address again).
    """
    shown = page.get_by_role("heading", name=heading, exact=True).first  # type: ignore[attr-defined]
    for _attempt in range(3):
        page.get_by_role("link", name=name, exact=True).first.click()  # type: ignore[attr-defined]
        try:
            page.wait_for_url(f"**/{url_path}*", timeout=10_000)  # type: ignore[attr-defined]
        except PlaywrightTimeout:
            continue  # the click was lost: the link is still there
        try:
            shown.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            # The address changed but the page never ran; the link may be gone (a link
            # in the page itself), so load the address instead.
            page.goto(page.url)  # type: ignore[attr-defined]
            shown.wait_for(timeout=30_000)
            break
    else:
        base = page.url.split("?")[0].rsplit("/", 1)[0]  # type: ignore[attr-defined]
        page.goto(f"{base}/{url_path}")  # type: ignore[attr-defined]
        shown.wait_for(timeout=30_000)
    settled(page)


def edited_export(db: Path, folder: Path) -> tuple[Path, int, int]:
    """The project's export with one risk's Sannsynlighet raised to 5; (file, old, new score)."""
    workbook = openpyxl.load_workbook(io.BytesIO(ingest.export_bytes(db, PROJECT)))
    sheet = workbook["Risiko"]
    headings = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == RISK)
    probability = headings.index("Sannsynlighet*") + 1
    consequence = int(str(sheet.cell(row, headings.index("Konsekvens*") + 1).value)[0])
    old = int(str(sheet.cell(row, probability).value)[0]) * consequence
    sheet.cell(row, probability).value = "5 - Svært høy"
    path = folder / "Tillitsmodellen risiko.xlsx"
    workbook.save(path)
    return path, old, 5 * consequence


def test_upload_preview_confirm_and_see_it_on_the_risk_page(
    demo_db_copy: Path, tmp_path: Path, page
) -> None:
    db = demo_db_copy
    latest = latest_version(db)
    path, old, new = edited_export(db, tmp_path)
    assert new > old
    server = StreamlitServer(db)
    try:
        page.goto(server.url)
        settled(page)
        go_to(page, "Last opp", "last_opp", "2. Last opp")
        page.get_by_text("2. Last opp").wait_for()

        page.locator("input[type='file']").set_input_files(str(path))
        page.get_by_text("3. Se over endringene").wait_for(timeout=60_000)
        settled(page)
        preview = page.locator("[data-testid='stTable']").first
        row = preview.locator("tr", has_text="Risikoverdi")
        row.wait_for()
        cells = [text.strip() for text in row.locator("td, th").all_inner_texts()]
        assert cells[-2:] == [str(old), str(new)], cells
        assert latest_version(db) == latest  # nothing stored before confirming
        screenshot(page, "last-opp-forhandsvisning")

        page.get_by_role("textbox", name="Ditt navn").fill("Kari Nordmann")
        page.keyboard.press("Tab")
        save = page.get_by_role("button", name=f"Lagre som versjon {latest + 1}")
        save.click()
        page.get_by_text(f"Versjon {latest + 1} er lagret av Kari Nordmann").wait_for(
            timeout=60_000
        )
        settled(page)
        screenshot(page, "last-opp-lagret")
        stored = versions(db).iloc[0]
        assert (stored.version, stored.created_by) == (latest + 1, "Kari Nordmann")
        rows = sheet_rows(db, "risiko")
        risk = rows[(rows.prosjekt_id == PROJECT) & (rows.risiko_id == RISK)].iloc[0]
        assert int(risk.sannsynlighet) == 5

        # The Risiko page lists the risk with its new score, compared by default with the
        # version locked for the last meeting (else the one before).
        locked = [s.version for s in snapshots.snapshots(db) if s.version <= latest]
        compared = max(locked) if locked else latest
        earlier = sheet_rows(db, "risiko", compared)
        before = earlier[(earlier.prosjekt_id == PROJECT) & (earlier.risiko_id == RISK)].iloc[0]
        was = int(str(before.sannsynlighet)[0]) * int(str(before.konsekvens)[0])
        go_to(page, "Se Risiko", "risiko", "Risikoer")
        page.get_by_text("Risikomatrise").first.wait_for()
        screenshot(page, "risiko-etter-opplasting")
        with page.expect_download() as download:
            page.locator(".st-key-risikoliste_xlsx button").click()
        listed = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        headings = [cell.value for cell in listed[1]]
        found = [
            dict(zip(headings, values, strict=True))
            for values in listed.iter_rows(min_row=2, values_only=True)
            if values[0] == PROJECT and values[1] == RISK
        ]
        assert len(found) == 1, found
        assert found[0]["Score"] == new
        assert found[0][f"Endring siden versjon {compared}"] == f"▲ Opp (fra {was})"
    finally:
        server.stop()


def test_errors_are_listed_and_nothing_is_stored(demo_db_copy: Path, tmp_path: Path, page) -> None:
    db = demo_db_copy
    before = db.read_bytes()
    workbook = openpyxl.load_workbook(io.BytesIO(ingest.export_bytes(db, PROJECT)))
    sheet = workbook["Risiko"]
    headings = [cell.value for cell in sheet[1]]
    sheet.cell(2, headings.index("Sannsynlighet*") + 1).value = "kanskje"
    sheet.cell(3, headings.index("Frist") + 1).value = "31.02.2026"
    path = tmp_path / "feil.xlsx"
    workbook.save(path)
    server = StreamlitServer(db)
    try:
        page.goto(server.url)
        settled(page)
        go_to(page, "Last opp", "last_opp", "2. Last opp")
        page.locator("input[type='file']").set_input_files(str(path))
        page.get_by_text("Ingenting er lagret").wait_for(timeout=60_000)
        settled(page)
        page.get_by_text("«feil.xlsx» har 2 feil i 1 ark (Risiko: 2).").wait_for()
        assert page.get_by_role("button", name="Lagre som versjon").count() == 0
        screenshot(page, "last-opp-feil")
        with page.expect_download() as download:
            page.locator(".st-key-opplasting_feil_xlsx button").click()
        listed = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        assert [cell.value for cell in listed[1]] == ["Ark", "Rad", "Kolonne", "Verdi", "Forventet"]
        assert listed.max_row == 3
    finally:
        server.stop()
    assert db.read_bytes() == before


def test_history_locks_a_version_and_the_overview_compares(
    demo_db_copy: Path, tmp_path: Path, page
) -> None:
    db = demo_db_copy
    latest = latest_version(db)
    store.lock_for_meeting(
        db, latest - 2, "Styringsgruppemøte juni", dt.date(2026, 6, 30), actor=TESTER
    )
    server = StreamlitServer(db)
    try:
        page.goto(server.url)
        settled(page)
        page.get_by_text("Endringer siden sist møte").first.wait_for()
        # The demo locks its September status (version 6); that is the last meeting.
        page.get_by_text("fra møtet «Styringsgruppemøte september 2026»").first.wait_for()
        page.get_by_text("Endringer siden sist møte").first.scroll_into_view_if_needed()
        screenshot(page, "oversikt-endringer-siden-sist-mote")

        go_to(page, "Historikk", "historikk", "Velg en versjon")
        page.get_by_role("textbox", name="Ditt navn").fill("Sekretæren")
        page.keyboard.press("Tab")
        page.get_by_role("textbox", name="Møtets navn").fill("Styringsgruppemøte desember")
        page.get_by_role("button", name=f"Lås versjon {latest}").click()
        page.get_by_text(f"Versjon {latest} er låst for møtet").first.wait_for(timeout=30_000)
        settled(page)
        screenshot(page, "historikk")
        assert [s.version for s in store_snapshots(db)] == [latest, latest - 1, latest - 2]

        # View the whole app as of an older version.
        page.get_by_role("combobox", name="Versjon", exact=True).click()
        page.get_by_role("option", name=f"Versjon {latest - 3} ·").click()
        settled(page)
        page.get_by_role("button", name=f"Vis versjon {latest - 3}").click()
        page.wait_for_url(f"**/?versjon={latest - 3}*", timeout=30_000)
        settled(page)
        page.get_by_text(f"versjon {latest - 3}").first.wait_for()
        screenshot(page, "oversikt-som-versjon")
    finally:
        server.stop()


def store_snapshots(db: Path) -> list:
    from lib.history import snapshots

    return snapshots(db)


def test_a_similar_project_is_loaded_onto_the_stored_one_with_one_click(
    demo_db_copy: Path, tmp_path: Path, page
) -> None:
    """A leader's workbook names the stored project under a new ID: the preview warns, and
    «Last inn på ASK-TM i stedet» stores it on the stored project, not beside it."""
    db = demo_db_copy
    latest = latest_version(db)
    projects = sheet_rows(db, "prosjekter")
    name = projects[projects.prosjekt_id == PROJECT].prosjektnavn.iloc[0]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Prosjekter"
    sheet.append(["Prosjekt-ID", "Prosjektnavn", "Prosjektleder"])
    sheet.append(["TM-NY", f"  {name.upper()} ", "Ny Leder"])
    path = tmp_path / "Tillitsmodellen ny ID.xlsx"
    workbook.save(path)
    server = StreamlitServer(db)
    try:
        page.goto(server.url)
        settled(page)
        go_to(page, "Last opp", "last_opp", "2. Last opp")
        page.locator("input[type='file']").set_input_files(str(path))
        page.get_by_text("Prosjekt-ID «TM-NY» er ikke lagret fra før").wait_for(timeout=60_000)
        settled(page)
        screenshot(page, "last-opp-lignende-prosjekt")
        page.get_by_role("button", name=f"Last inn på {PROJECT} i stedet").click()
        page.get_by_text(f"TM-NY lastes inn på {PROJECT}").wait_for(timeout=60_000)
        settled(page)
        assert page.get_by_text("er ikke lagret fra før").count() == 0
        page.get_by_role("textbox", name="Ditt navn").fill("Kari Nordmann")
        page.keyboard.press("Tab")
        page.get_by_role("button", name=f"Lagre som versjon {latest + 1}").click()
        page.get_by_text(f"Versjon {latest + 1} er lagret av Kari Nordmann").wait_for(
            timeout=60_000
        )
    finally:
        server.stop()
    projects = sheet_rows(db, "prosjekter")
    assert "TM-NY" not in set(projects.prosjekt_id)
    stored = projects[projects.prosjekt_id == PROJECT].iloc[0]
    assert stored.prosjektleder == "Ny Leder"
