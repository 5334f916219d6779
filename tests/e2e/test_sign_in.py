"""A real sign-in in Chromium: the app with `[auth]` against a local OIDC provider
(oidc-provider-mock, on 127.0.0.1, started here; no network), through the provider's form and
back, and out again with «Logg ut». Also local mode reached from another machine's address."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib import access
from tests.e2e.browser import StreamlitServer, screenshot, wait_for_app, wait_for_layout
from ui import auth

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
werkzeug_serving = pytest.importorskip("werkzeug.serving")

ADMIN = oidc_provider_mock.User(
    sub="ada-oid", claims={"email": "ada@kommune.no", "name": "Ada Lovelace"}
)
NOBODY = oidc_provider_mock.User(
    sub="ola-oid", claims={"email": "ola@kommune.no", "name": "Ola Nordmann"}
)
#: A reader by the token's `roles` claim (an app role in Entra ID), with no grant stored.
READER = oidc_provider_mock.User(
    sub="kari-oid",
    claims={"email": "kari.leser@kommune.no", "name": "Kari Leser", "roles": ["Leser"]},
)
SECRETS = """
[auth]
redirect_uri = "{url}/oauth2callback"
cookie_secret = "e2e-cookie-secret-0123456789abcdef0123456789abcdef"
client_id = "styringsrom-e2e"
client_secret = "e2e-client-secret"
server_metadata_url = "PROVIDER/.well-known/openid-configuration"

[styringsrom]
admin = ["ada@kommune.no"]
"""
#: The provider (and Authlib in the app) refuse plain http unless told it is a test.
INSECURE = {"AUTHLIB_INSECURE_TRANSPORT": "1"}
SIZES = {"1280": (1280, 720), "1920": (1920, 1080)}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A local OpenID Connect provider with two users to pick on its sign-in form."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in INSECURE.items():
            patch.setenv(name, value)
        app = oidc_provider_mock.app(user_claims=[ADMIN, NOBODY, READER])
        running = werkzeug_serving.make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{running.server_port}"
        running.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_db(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database: signing in writes to it."""
    path = tmp_path_factory.mktemp("sign-in") / "demo.duckdb"
    shutil.copyfile(demo_database, path)
    return path


@pytest.fixture(scope="module")
def auth_server(provider: str, signed_db: Path) -> Iterator[StreamlitServer]:
    running = StreamlitServer(
        signed_db, secrets=SECRETS.replace("PROVIDER", provider), env=INSECURE
    )
    yield running
    running.stop()


def sign_in_as(page, server: StreamlitServer, user: oidc_provider_mock.User) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Logg inn").click()
    # The provider's own form: one button per known user.
    page.get_by_role("button", name=user.sub, exact=True).click()
    page.wait_for_url(f"{server.url}/**")
    wait_for_app(page)


def shows_no_data(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("[data-testid=stDataFrame]").count() == 0
    assert page.locator("[data-testid=stMetric]").count() == 0
    assert page.locator(".tall").count() == 0  # ui/figures.py's counts
    assert page.locator("[data-testid=stSidebarNav]").count() == 0 or (
        page.get_by_role("link", name="Risiko").count() == 0
    )
    assert page.get_by_text("Porteføljen").count() == 0


def identity_cookie(page) -> dict | None:  # type: ignore[no-untyped-def]
    found = [c for c in page.context.cookies() if c["name"] == "_streamlit_user"]
    return found[0] if found else None


def test_sign_in_with_the_provider_shows_the_name_and_data_and_sign_out_ends_it(
    auth_server: StreamlitServer, signed_db: Path, page
) -> None:
    page.goto(auth_server.url)
    wait_for_app(page)
    page.get_by_text(auth.SIGN_IN_PROMPT).wait_for()
    shows_no_data(page)
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        wait_for_layout(page)
        screenshot(page, f"sign-in-{name}")

    before = time.time()
    sign_in_as(page, auth_server, ADMIN)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Innlogget som").wait_for()
    sidebar.get_by_text("Ada Lovelace").wait_for()
    page.get_by_text("Porteføljen: 5 prosjekter").first.wait_for()
    assert page.get_by_text(auth.SIGN_IN_PROMPT).count() == 0

    # The sign-in lasts as long as the identity cookie: SIGN_IN_LASTS_DAYS, then sign in again.
    cookie = identity_cookie(page)
    assert cookie is not None and cookie["httpOnly"]
    lasts = cookie["expires"] - before
    assert abs(lasts - auth.SIGN_IN_LASTS_DAYS * 86_400) < 3_600, lasts

    trail = access.audit_trail(signed_db, actions=["innlogging"])
    assert trail["subject"].tolist() == [ADMIN.sub]
    assert trail["name"].tolist() == ["Ada Lovelace"]

    # The admin page is in the menu for an admin.
    page.get_by_role("link", name="Tilgang").click()
    page.get_by_role("heading", name="Tilgang", exact=True).wait_for()
    page.get_by_text("Brukere som har logget inn").wait_for()
    wait_for_app(page)
    # Give a role through the form, as an admin would.
    page.get_by_role("textbox", name="E-post eller bruker-ID").fill("kari@kommune.no")
    page.get_by_role("button", name="Gi tilgang").click()
    page.get_by_text("kari@kommune.no har nå rollen «leser» for alle prosjekter.").wait_for()
    wait_for_app(page)
    assert [(g.principal, g.role, g.granted_by) for g in access.grants(signed_db)] == [
        ("kari@kommune.no", "leser", "Ada Lovelace")
    ]
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        wait_for_layout(page)
        screenshot(page, f"tilgang-{name}")

    sidebar.get_by_role("button", name="Logg ut").click()
    # The provider's end-session page (Entra ID signs out there too), then back to the app.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{auth_server.url}/**")
    wait_for_app(page)
    page.get_by_text(auth.SIGN_IN_PROMPT).wait_for()
    shows_no_data(page)
    assert identity_cookie(page) is None
    # And a fresh load of a page's address still asks for sign-in.
    page.goto(f"{auth_server.url}/risiko")
    wait_for_app(page)
    page.get_by_text(auth.SIGN_IN_PROMPT).wait_for()
    shows_no_data(page)


def test_a_user_without_any_role_sees_no_data(auth_server: StreamlitServer, page) -> None:
    sign_in_as(page, auth_server, NOBODY)
    page.get_by_role("heading", name="Ingen tilgang ennå").wait_for()
    page.get_by_test_id("stSidebar").get_by_text("Ola Nordmann").wait_for()
    shows_no_data(page)
    assert page.get_by_role("link", name="Tilgang").count() == 0
    for address in ("risiko", "tilgang", "historikk"):
        page.goto(f"{auth_server.url}/{address}")
        wait_for_app(page)
        page.get_by_role("heading", name="Ingen tilgang ennå").wait_for()
        shows_no_data(page)


def test_a_reader_by_the_token_role_sees_data_but_not_the_admin_page(
    auth_server: StreamlitServer, page
) -> None:
    sign_in_as(page, auth_server, READER)
    page.get_by_test_id("stSidebar").get_by_text("Kari Leser").wait_for()
    page.get_by_text("Porteføljen: 5 prosjekter").first.wait_for()
    page.get_by_role("link", name="Risiko").wait_for()
    assert page.get_by_role("link", name="Tilgang").count() == 0
    page.goto(f"{auth_server.url}/tilgang")
    wait_for_app(page)
    page.get_by_text("Krever rollen admin").wait_for()
    assert page.get_by_role("button", name="Gi tilgang").count() == 0
    assert page.locator("[data-testid=stMain] [data-testid=stDataFrame]").count() == 0


def _address_of_this_machine() -> str | None:
    """An IPv4 address of this machine that is not loopback (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
        except OSError:
            return None
        found = probe.getsockname()[0]
    return None if found.startswith("127.") or found == "0.0.0.0" else found


def test_local_mode_refuses_a_browser_on_another_address(demo_database: Path, page) -> None:
    """Local mode listens on localhost; started on every interface by mistake, it still shows
    nothing to a browser that does not come from loopback."""
    here = _address_of_this_machine()
    if here is None:
        pytest.skip("this machine has no address besides loopback")
    running = StreamlitServer(demo_database, address="0.0.0.0", host=here)
    try:
        page.goto(running.url)
        wait_for_app(page)
        page.get_by_text("Lokal modus: appen kan bare brukes fra maskinen").wait_for()
        shows_no_data(page)
        assert page.get_by_text("Oversikt").count() == 0
    finally:
        running.stop()


def test_without_options_the_server_listens_on_this_machine_only(demo_database: Path) -> None:
    """The README's first command (no --server.address): reachable on localhost, not on the
    machine's network address (.streamlit/config.toml: server.address = "localhost")."""
    here = _address_of_this_machine()
    if here is None:
        pytest.skip("this machine has no address besides loopback")
    running = StreamlitServer(demo_database, address=None, host="localhost")
    try:
        with urllib.request.urlopen(f"{running.url}/_stcore/health", timeout=5) as answer:
            assert answer.status == 200
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{here}:{running.port}/_stcore/health", timeout=5)
    finally:
        running.stop()
