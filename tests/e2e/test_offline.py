"""No request leaves the machine: every page, in a browser whose every request is routed, asks
only the app's own address for anything (fonts, icons, scripts, the page icon included)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.browser import wait_for_app, wait_for_layout
from ui.router import SECTIONS

ADDRESSES = [entry.url_path for entries in SECTIONS.values() for entry in entries]


def test_no_request_goes_anywhere_but_the_app(server, browser) -> None:
    app = urlsplit(server.url)
    elsewhere: list[str] = []

    def only_the_app(route) -> None:
        asked = urlsplit(route.request.url)
        own = asked.scheme in ("http", "https", "ws", "wss") and asked.netloc == app.netloc
        inline = asked.scheme in ("data", "blob")  # made in the page itself, not fetched
        if own or inline:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("blockedbyclient")

    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    context.route("**/*", only_the_app)
    page = context.new_page()
    try:
        for address in ADDRESSES:
            page.goto(f"{server.url}/{address}")
            wait_for_app(page)
            wait_for_layout(page)
            # The page icon is set by the script (st.set_page_config); the browser fetches it
            # when the tab's <link rel=icon> changes. It must be the app's own or inline.
            icon = page.evaluate(
                "() => [...document.querySelectorAll(\"link[rel~='icon']\")].map(l => l.href)"
            )
            for href in icon:
                scheme = urlsplit(href).scheme
                assert scheme == "data" or urlsplit(href).netloc == app.netloc, href
        assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    finally:
        context.close()
