"""AppTest of Last opp and Historikk signed in (tests/signed_in.py): who stores is the token's
user, never a typed name; what a role may not do is not offered, and when it is tried anyway
(a page drawn before the role was taken away) lib/ refuses and the page says so in Norwegian.
The Revisjonslogg lists the audit trail a person may see, and filters it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from lib import access
from lib.access import ADMIN, LESER, MOTELEDER, OPPLASTER
from lib.db import latest_version
from lib.exports import write_export
from lib.queries import versions
from lib.snapshots import snapshots
from tests.fixtures import PROJECTS, frame, load, local, risk
from tests.signed_in import sign_in

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME_FIELD = "_ditt_navn_felt"  # ui/person.py's «Ditt navn»
OPERATOR = local("Driftsansvarlig")
KARI = "kari@kommune.no"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """P1 and P2 (version 1), then a change to P1 (version 2)."""
    path = tmp_path / "innlogget.duckdb"
    tables = {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2), risk("R2", 3, 3, "P2")]}
    assert load(path, tmp_path, "1.xlsx", tables, actor=OPERATOR).ok
    assert load(path, tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4)]}, actor=OPERATOR).ok
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    return path


def give(db: Path, role: str, project: str | None = None, who: str = KARI) -> None:
    access.grant(db, OPERATOR, who, role, project)


def take(db: Path, role: str, project: str | None = None, who: str = KARI) -> None:
    assert access.revoke(db, OPERATOR, who, role, project)


def open_page(page: str, email: str = KARI, **signed_in: object) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(app, email, name="Kari Nordmann", **signed_in)  # type: ignore[arg-type]
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def texts(elements) -> list[str]:
    return [str(element.value).replace("\\", "") for element in elements]


def workbook(tmp_path: Path, rows: list[dict]) -> bytes:
    path = tmp_path / "opplasting.xlsx"
    write_export(path, {"risiko": frame("risiko", rows)})
    return path.read_bytes()


def upload(app: AppTest, data: bytes) -> AppTest:
    app.file_uploader[0].upload("opplasting.xlsx", data, XLSX).run()
    assert not app.exception, app.exception
    return app


def audit_actions(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return [
            row[0] for row in connection.execute("SELECT action FROM audit ORDER BY id").fetchall()
        ]


# --- Last opp --------------------------------------------------------------------------------


def test_signed_in_the_upload_is_stored_under_the_token_name_without_a_name_field(
    db: Path, tmp_path: Path
) -> None:
    give(db, OPPLASTER, "P1")
    app = open_page("app_pages/last_opp.py")
    assert not [field for field in app.text_input if field.key == NAME_FIELD]
    assert "Lagres som Kari Nordmann, fra innloggingen." in texts(app.caption)
    upload(app, workbook(tmp_path, [risk("R1", 5, 5)]))
    store = app.button(key="opplasting_lagre")
    assert not store.disabled
    store.click().run()
    assert not app.exception, app.exception
    assert "Versjon 3 er lagret av Kari Nordmann" in " ".join(texts(app.success))
    assert versions(db).iloc[0].created_by == "Kari Nordmann"
    trail = access.audit_lines(db, access.permissions(db, OPERATOR), limit=1).iloc[0]
    assert (trail["action"], trail["email"], trail["subject"]) == (
        "opplasting",
        KARI,
        f"sub-{KARI}",
    )


def test_a_reader_sees_no_uploader(db: Path) -> None:
    app = open_page("app_pages/last_opp.py", roles=(LESER,))
    assert not app.get("file_uploader")
    assert any("krever rollen «opplaster»" in text for text in texts(app.info))


def test_an_upload_for_a_project_without_the_role_is_refused_at_the_preview(
    db: Path, tmp_path: Path
) -> None:
    give(db, OPPLASTER, "P1")
    app = open_page("app_pages/last_opp.py")
    upload(app, workbook(tmp_path, [risk("R1", 5, 5), risk("R2", 1, 1, "P2")]))
    error = " ".join(texts(app.error))
    assert "Kari Nordmann har ikke tilgang til å laste opp for P2" in error
    assert "Ingenting er lagret" in error
    assert not [button for button in app.button if button.key == "opplasting_lagre"]
    assert latest_version(db) == 2


def test_a_role_taken_away_after_the_preview_is_refused_when_storing(
    db: Path, tmp_path: Path
) -> None:
    give(db, OPPLASTER, "P1")
    give(db, LESER, "P1")  # she still reads P1 after the upload role is gone
    app = open_page("app_pages/last_opp.py")
    upload(app, workbook(tmp_path, [risk("R1", 5, 5)]))
    before = audit_actions(db)
    take(db, OPPLASTER, "P1")
    app.button(key="opplasting_lagre").click().run()
    assert not app.exception, app.exception
    assert "har ikke tilgang til å laste opp for P1" in " ".join(texts(app.error))
    assert latest_version(db) == 2
    assert audit_actions(db) == [*before, "tilgang_fjernet"]  # no line for the refusal


# --- Historikk -------------------------------------------------------------------------------


def test_an_uploader_is_offered_neither_restore_nor_lock(db: Path) -> None:
    give(db, OPPLASTER, "P1")
    app = open_page("app_pages/historikk.py")
    assert not [field for field in app.text_input if field.key == NAME_FIELD]
    app.selectbox(key="historikk_valgt").set_value(1).run()
    assert app.button(key="historikk_gjenopprett_knapp").disabled
    assert next(b for b in app.button if b.label == "Lås versjon 1").disabled
    captions = " ".join(texts(app.caption))
    assert "Krever rollen «admin»." in captions
    # P2, which she may not read, is counted, not named.
    assert "Krever rollen «møteleder»" in captions
    assert "lede møter for P1, 1 annet prosjekt" in captions


def test_a_meeting_leader_locks_under_the_token_name(db: Path) -> None:
    app = open_page("app_pages/historikk.py", roles=("Styringsrom.Moteleder",))
    assert not [field for field in app.text_input if field.key == NAME_FIELD]
    next(t for t in app.text_input if t.label == "Møtets navn").input("Styringsgruppemøte")
    next(b for b in app.button if b.label == "Lås versjon 2").click().run()
    assert not app.exception, app.exception
    assert [(s.version, s.created_by) for s in snapshots(db)] == [(2, "Kari Nordmann")]
    assert any("Låst for møtet" in text for text in texts(app.success))


def test_a_lock_refused_by_lib_shows_the_norwegian_message(db: Path) -> None:
    give(db, MOTELEDER)
    give(db, LESER)  # she still reads every project after the meeting role is gone
    app = open_page("app_pages/historikk.py")
    lock = next(b for b in app.button if b.label == "Lås versjon 2")
    assert not lock.disabled
    take(db, MOTELEDER)
    next(t for t in app.text_input if t.label == "Møtets navn").input("Styringsgruppemøte")
    next(b for b in app.button if b.label == "Lås versjon 2").click().run()
    assert not app.exception, app.exception
    assert "Kari Nordmann har ikke tilgang til å lede møter for P1, P2" in " ".join(
        texts(app.error)
    )
    assert snapshots(db) == []


def test_a_restore_refused_by_lib_shows_the_norwegian_message(db: Path) -> None:
    give(db, ADMIN)
    give(db, LESER)  # she still reads every project after the admin role is gone
    app = open_page("app_pages/historikk.py")
    app.selectbox(key="historikk_valgt").set_value(1).run()
    app.button(key="historikk_gjenopprett_knapp").click().run()
    take(db, ADMIN)
    confirm = app.button(key="historikk_bekreft")
    assert not confirm.disabled  # drawn while she was an admin
    confirm.click().run()
    assert not app.exception, app.exception
    assert "Kari Nordmann har ikke rollen «admin»" in " ".join(texts(app.error))
    assert latest_version(db) == 2


def test_a_first_admin_from_the_secrets_restores_under_the_token_name(db: Path) -> None:
    app = open_page("app_pages/historikk.py", admins=(KARI,))
    app.selectbox(key="historikk_valgt").set_value(1).run()
    app.button(key="historikk_gjenopprett_knapp").click().run()
    app.button(key="historikk_bekreft").click().run()
    assert not app.exception, app.exception
    assert latest_version(db) == 3
    assert versions(db).iloc[0].created_by == "Kari Nordmann"
    assert "av Kari Nordmann" in " ".join(texts(app.success))


# --- Revisjonslogg ---------------------------------------------------------------------------


def audit_table(app: AppTest):
    return next(frame.value for frame in app.dataframe if "Handling" in frame.value.columns)


def test_the_revisjonslogg_lists_the_trail_and_filters_it(db: Path, tmp_path: Path) -> None:
    access.signed_in(db, access.Actor("sub-ola", "Ola Hansen", "ola@kommune.no"))
    app = open_page("app_pages/historikk.py", admins=(KARI,))
    table = audit_table(app)
    # Kari's own sign-in (the app records it) is the newest line.
    assert table["Handling"].tolist() == ["Logget inn", "Logget inn", "Lastet opp", "Lastet opp"]
    assert table["Hvem"].tolist() == [
        "Kari Nordmann",
        "Ola Hansen",
        "Driftsansvarlig",
        "Driftsansvarlig",
    ]
    assert table["Detaljer"].tolist()[2:] == ["fil «2.xlsx»", "fil «1.xlsx»"]
    assert table["Prosjekt"].tolist()[2:] == ["P1", "P1, P2"]

    app.selectbox(key="revisjon_handling").set_value("opplasting").run()
    assert audit_table(app)["Versjon"].tolist() == [2, 1]
    app.selectbox(key="revisjon_prosjekt").set_value("P2").run()
    assert audit_table(app)["Versjon"].tolist() == [1]
    app.selectbox(key="revisjon_handling").set_value(None).run()
    app.selectbox(key="revisjon_prosjekt").set_value(None).run()
    app.text_input(key="revisjon_hvem").input("ola@").run()
    assert audit_table(app)["Handling"].tolist() == ["Logget inn"]
    app.text_input(key="revisjon_hvem").input("ingen slik").run()
    assert not [frame for frame in app.dataframe if "Handling" in frame.value.columns]
    assert "Ingen linjer passer til valgene." in " ".join(texts(app.markdown) + texts(app.info))


def test_a_reader_sees_only_the_lines_of_their_projects(db: Path, tmp_path: Path) -> None:
    assert load(db, tmp_path, "3.xlsx", {"risiko": [risk("R2", 5, 5, "P2")]}, actor=OPERATOR).ok
    give(db, LESER, "P1")
    app = open_page("app_pages/historikk.py")
    table = audit_table(app)
    assert "P2" not in " ".join(table["Prosjekt"]) + " ".join(table["Detaljer"])
    # Her own sign-in, then the lines about P1.
    assert table["Handling"].tolist() == ["Logget inn", "Ga tilgang", "Lastet opp", "Lastet opp"]
    assert table["Versjon"].tolist()[2:] == [2, 1]
