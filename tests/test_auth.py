"""Sign-in in the app (AppTest, the user given by tests/signed_in.py): the sign-in screen and
nothing of the data before it, the name and «Logg ut» after, the sign-in in the audit trail
once per session, local mode, a broken `[auth]`, and the server settings that keep it safe."""

from __future__ import annotations

import shutil
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import access
from lib.demo import TODAY
from tests.fixtures import figures_shown
from tests.signed_in import TEST_AUTH, sign_in
from ui import auth

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "ada@kommune.no"


@pytest.fixture
def db(demo_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo database (a sign-in writes to it)."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database, path)
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    monkeypatch.delenv(access.ADMIN_ENV, raising=False)
    return path


def app_as(email: str | None, **options: object) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return sign_in(app, email, **options)  # type: ignore[arg-type]


def shown_text(app: AppTest) -> str:
    parts = [element.value for element in app.title]
    parts += [element.value for element in app.subheader]
    parts += [element.value for element in app.markdown]
    parts += [element.value for element in app.caption]
    parts += [element.value for element in (*app.info, *app.warning, *app.error)]
    return "\n".join(str(part) for part in parts)


def sidebar_text(app: AppTest) -> str:
    parts = [element.value for element in app.sidebar.markdown]
    parts += [element.value for element in app.sidebar.caption]
    parts += [element.value for element in app.sidebar.info]
    return "\n".join(str(part) for part in parts)


def shows_no_data(app: AppTest) -> None:
    """Nothing of the demo's data: no table, figure, chart, filter or project name."""
    assert not app.dataframe and not figures_shown(app) and not app.get("arrow_vega_lite_chart")
    assert not app.sidebar.multiselect and not app.sidebar.selectbox
    assert "Oversikt" not in [title.value for title in app.title]
    # A project of the demo, by name.
    assert "Digital byggesak" not in shown_text(app)


# --- Before sign-in ---------------------------------------------------------------------------


def test_not_signed_in_sees_the_sign_in_screen_and_no_data(db: Path) -> None:
    app = app_as(None)
    app.run()
    assert not app.exception
    assert auth.SIGN_IN_PROMPT in shown_text(app)
    assert [button.label for button in app.button] == ["Logg inn"]
    shows_no_data(app)
    assert access.audit_trail(db, actions=["innlogging"]).empty


def test_a_link_to_a_page_opened_before_sign_in_shows_only_the_sign_in_screen(db: Path) -> None:
    app = app_as(None)
    app.run()
    app.switch_page("app_pages/risiko.py")
    app.run()
    assert not app.exception
    assert auth.SIGN_IN_PROMPT in shown_text(app)
    shows_no_data(app)


# --- Signed in --------------------------------------------------------------------------------


def test_signed_in_sees_the_name_sign_out_and_data(db: Path) -> None:
    app = app_as(ADMIN, name="Ada Lovelace", admins=(ADMIN,))
    app.run()
    assert not app.exception
    assert "Innlogget som **Ada Lovelace**" in sidebar_text(app)
    assert "Logg ut" in [button.label for button in app.sidebar.button]
    assert auth.LOCAL_MODE not in sidebar_text(app)
    assert figures_shown(app)  # Oversikt's figures
    assert auth.SIGN_IN_PROMPT not in shown_text(app)


def test_the_sign_in_is_recorded_once_per_session(db: Path) -> None:
    app = app_as(ADMIN, name="Ada Lovelace", admins=(ADMIN,))
    app.run()
    app.run()
    app.switch_page("app_pages/risiko.py")
    app.run()
    trail = access.audit_trail(db, actions=["innlogging"])
    assert len(trail) == 1
    assert trail["email"].iloc[0] == ADMIN and trail["name"].iloc[0] == "Ada Lovelace"
    assert trail["subject"].iloc[0] == f"sub-{ADMIN}"  # from the token, never typed
    users = access.users(db)
    assert users["email"].tolist() == [ADMIN]


def test_a_read_only_database_does_not_stop_the_sign_in(db: Path) -> None:
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        app = app_as(ADMIN, name="Ada Lovelace", admins=(ADMIN,))
        app.run()
        assert not app.exception
        assert "Innlogget som **Ada Lovelace**" in sidebar_text(app)
        assert figures_shown(app)  # the data, read as before
    finally:
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_signed_in_without_any_role_sees_no_data(db: Path) -> None:
    app = app_as("ola@kommune.no", name="Ola Nordmann")
    app.run()
    assert not app.exception
    assert "Ingen tilgang ennå" in shown_text(app)
    assert "Innlogget som **Ola Nordmann**" in sidebar_text(app)
    assert [button.label for button in app.sidebar.button] == ["Logg ut"]
    shows_no_data(app)
    app.switch_page("app_pages/historikk.py")
    app.run()
    shows_no_data(app)


def test_a_reader_from_the_token_sees_data(db: Path) -> None:
    app = app_as("kari@kommune.no", roles=("Styringsrom.Leser",))
    app.run()
    assert not app.exception
    assert figures_shown(app)


def test_user_text_in_the_sidebar_is_text(db: Path) -> None:
    app = app_as(ADMIN, name="**Ada** [lenke](http://x)", admins=(ADMIN,))
    app.run()
    assert r"Innlogget som **\*\*Ada\*\* \[lenke\]\(http\:" in sidebar_text(app)


# --- Local mode -------------------------------------------------------------------------------


def test_local_mode_says_so_in_the_sidebar_and_shows_data(db: Path) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert auth.LOCAL_MODE in sidebar_text(app)
    assert "Logg ut" not in [button.label for button in app.sidebar.button]
    assert figures_shown(app)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        (None, True),  # Streamlit gives no address for a browser on localhost
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("::ffff:10.0.0.5", False),
        ("fe80::1%eth0", False),
        ("2001:db8::1", False),
        ("", False),
        ("not an address", False),
    ],
)
def test_only_this_machine_counts_as_loopback(address: str | None, loopback: bool) -> None:
    assert auth.is_loopback(address) is loopback


# --- A broken [auth] --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"cookie_secret": None}, "mangler «cookie_secret»"),
        ({"cookie_secret": ""}, "mangler «cookie_secret»"),
        ({"cookie_secret": "kort-hemmelighet"}, "er for kort: 16 tegn, minst 32"),
        ({"client_id": None, "redirect_uri": None}, "mangler «redirect_uri», «client_id»"),
    ],
)
def test_a_broken_auth_section_stops_the_app_with_a_norwegian_message(
    db: Path, changed: dict[str, str | None], said: str
) -> None:
    app = app_as(ADMIN, admins=(ADMIN,))
    section = {**TEST_AUTH, **changed}
    app.secrets["auth"] = {key: value for key, value in section.items() if value is not None}
    app.run()
    assert not app.exception
    assert "Innloggingen er ikke satt opp riktig" in shown_text(app)
    assert said in "\n".join(element.value for element in app.error).replace("\\", "")
    assert not app.button and not app.sidebar.button  # not even «Logg inn»
    shows_no_data(app)


def test_the_test_cookie_secret_is_long_enough() -> None:
    assert len(TEST_AUTH["cookie_secret"]) >= auth.MIN_COOKIE_SECRET


# --- Server settings and secrets --------------------------------------------------------------


def test_the_server_listens_on_localhost_with_xsrf_protection_on() -> None:
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "localhost"
    assert config["server"].get("enableXsrfProtection", True) is True


def test_the_real_secrets_file_is_ignored_by_git_and_the_example_is_not() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".streamlit/secrets.toml"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, ".streamlit/secrets.toml is not ignored by git"
    example = subprocess.run(
        ["git", "check-ignore", "--quiet", ".streamlit/secrets.toml.example"],
        cwd=ROOT,
        check=False,
    )
    assert example.returncode == 1, "the example must be committed"


def test_the_example_secrets_name_every_setting_and_need_a_cookie_secret(db: Path) -> None:
    example = tomllib.loads((ROOT / ".streamlit/secrets.toml.example").read_text("utf-8"))
    section = example["auth"]
    assert set(auth.REQUIRED_AUTH_KEYS) <= set(section)
    assert section["redirect_uri"].endswith("/oauth2callback")
    assert section["server_metadata_url"].startswith("https://login.microsoftonline.com/")
    assert section["client_kwargs"]["scope"] == "openid profile email"
    assert example["styringsrom"]["admin"]
    # Copied as it is, the app refuses to start until a cookie secret is made.
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.secrets.update(example)
    app.run()
    assert "mangler «cookie_secret»" in "\n".join(e.value for e in app.error).replace("\\", "")
