"""The admin page «Tilgang»: an admin gives and removes roles (through lib.access, with the
change in the audit trail), sees who has signed in; anyone else is refused at its address."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import access
from lib.demo import TODAY
from tests.fixtures import figures_shown
from tests.signed_in import sign_in

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/tilgang.py"
ADMIN = "ada@kommune.no"


@pytest.fixture
def db(demo_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database, path)
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    monkeypatch.delenv(access.ADMIN_ENV, raising=False)
    return path


def open_page(email: str | None, **options: object) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if email is not None:
        sign_in(app, email, **options)  # type: ignore[arg-type]
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    found = [*app.title, *app.subheader, *app.caption, *app.info, *app.success]
    found += [*app.warning, *app.error]
    return "\n".join(str(element.value) for element in found).replace("\\", "")


def give(app: AppTest, who: str, role: str, project: str) -> AppTest:
    app.text_input(key="tilgang_hvem").input(who)
    app.selectbox(key="tilgang_rolle").select(role)
    app.selectbox(key="tilgang_prosjekt").set_value(project)
    next(button for button in app.button if button.label == "Gi tilgang").click()
    app.run()
    assert not app.exception, app.exception
    return app


def test_an_admin_gives_a_role_and_removes_it(db: Path) -> None:
    app = open_page(ADMIN, name="Ada Lovelace", admins=(ADMIN,))
    assert "Tilgang" in [title.value for title in app.title]
    project = "ASK-TM"
    assert "ASK-TM – Tillitsmodellen – Askøy" in app.selectbox(key="tilgang_prosjekt").options
    give(app, "Ola.Nordmann@Kommune.no", "opplaster", project)
    assert "ola.nordmann@kommune.no har nå rollen «opplaster» for ASK-TM" in texts(app)
    stored = access.grants(db)
    assert [(g.principal, g.role, g.scope, g.granted_by) for g in stored] == [
        ("ola.nordmann@kommune.no", "opplaster", project, "Ada Lovelace")
    ]
    table = app.dataframe[0].value
    assert table["Hvem"].tolist() == ["ola.nordmann@kommune.no"]
    assert table["Prosjekt"].iloc[0].startswith(project)

    removing = app.selectbox(key="tilgang_fjern")
    removing.select(removing.options[0])
    next(button for button in app.button if button.label == "Fjern tilgang").click()
    app.run()
    assert "har ikke lenger rollen «opplaster» for ASK-TM" in texts(app)
    assert access.grants(db) == []
    trail = access.audit_trail(db, actions=["tilgang_gitt", "tilgang_fjernet"])
    assert trail["action"].tolist() == ["tilgang_fjernet", "tilgang_gitt"]
    assert set(trail["email"]) == {ADMIN}  # the signed-in admin, from the token


def test_a_role_for_every_project(db: Path) -> None:
    app = open_page(ADMIN, admins=(ADMIN,))
    give(app, "kari@kommune.no", "leser", access.ALL_PROJECTS)
    assert "for alle prosjekter" in texts(app)
    assert app.dataframe[0].value["Prosjekt"].tolist() == ["Alle prosjekter"]
    # The new reader now sees the data.
    reader = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(reader, "kari@kommune.no")
    reader.run()
    assert figures_shown(reader)


def test_a_refused_change_is_said_in_norwegian(db: Path) -> None:
    app = open_page(ADMIN, admins=(ADMIN,))
    give(app, "   ", "leser", access.ALL_PROJECTS)
    assert "Oppgi hvem tilgangen gjelder" in "\n".join(e.value for e in app.error)
    assert access.grants(db) == []


def test_who_has_signed_in_is_listed_as_text(db: Path) -> None:
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(other, "eve@kommune.no", name="<b>Eve</b> **fet**")
    other.run()
    app = open_page(ADMIN, name="Ada Lovelace", admins=(ADMIN,))
    users = app.dataframe[-1].value
    assert sorted(users["Navn"]) == ["<b>Eve</b> **fet**", "Ada Lovelace"]
    assert "Brukere som har logget inn" in texts(app)
    assert "<b>Eve</b>" not in "\n".join(str(m.value) for m in app.markdown)


def test_the_first_admins_are_listed(db: Path) -> None:
    app = open_page(ADMIN, admins=(ADMIN,))
    assert "Første administrator" in texts(app)
    assert any(ADMIN in frame.value["Hvem"].tolist() for frame in app.dataframe)


@pytest.mark.parametrize(
    "options",
    [
        {"roles": ("Styringsrom.Leser",)},
        {"roles": ("Moteleder", "Opplaster")},
        {},
    ],
    ids=["reader", "meeting-leader-uploader", "no-role"],
)
def test_anyone_else_is_refused_at_the_address(db: Path, options: dict[str, object]) -> None:
    app = open_page("ola@kommune.no", **options)
    assert not app.main.text_input and not app.main.dataframe
    assert "Gi tilgang" not in [button.label for button in app.button]
    if options:
        assert "Krever rollen admin" in texts(app)
    else:  # no role at all: no page runs
        assert "Ingen tilgang ennå" in texts(app)


def test_in_local_mode_the_page_is_usable(db: Path) -> None:
    app = open_page(None)
    assert "Lokal modus: innlogging er ikke satt opp" in texts(app)
    give(app, "ola@kommune.no", "møteleder", access.ALL_PROJECTS)
    assert [(g.principal, g.role) for g in access.grants(db)] == [("ola@kommune.no", "møteleder")]
