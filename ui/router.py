"""The app's pages: their files, titles and addresses, the navigation, and the page for an
address that does not exist.

The page files are in `app_pages/`, not `pages/`: see app.py for why.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui import layout

PAGE_FOLDER = "app_pages"
OVERSIKT = f"{PAGE_FOLDER}/oversikt.py"
STATUS = f"{PAGE_FOLDER}/status.py"
RISIKO = f"{PAGE_FOLDER}/risiko.py"
GEVINSTER = f"{PAGE_FOLDER}/gevinster.py"
ANBEFALINGER = f"{PAGE_FOLDER}/anbefalinger.py"
EVALUERING = f"{PAGE_FOLDER}/evaluering.py"
MILEPAELER = f"{PAGE_FOLDER}/milepaeler.py"
LAST_OPP = f"{PAGE_FOLDER}/last_opp.py"
HISTORIKK = f"{PAGE_FOLDER}/historikk.py"
TILGANG = f"{PAGE_FOLDER}/tilgang.py"
MOTER = f"{PAGE_FOLDER}/moter.py"
MOTEMODUS = f"{PAGE_FOLDER}/motemodus.py"
#: Meeting mode's address: a page without the menu, the filters or the sidebar.
MEETING_MODE_ADDRESS = "motemodus"
#: Meeting mode's parameter naming the meeting (`?moteid=4`); only meeting mode has it. (Not
#: `mote`: that one is bound to Møter's list, and Streamlit refuses to set a bound parameter
#: by hand.)
MEETING_MODE_PARAM = "moteid"


@dataclass(frozen=True)
class PageEntry:
    file: str
    title: str
    icon: str
    #: The address after the app's root; "" for the first page, which opens at the root.
    url_path: str


#: The navigation, section by section, in the order a meeting goes through it.
SECTIONS: dict[str, tuple[PageEntry, ...]] = {
    "Styringsgruppen": (
        PageEntry(OVERSIKT, "Oversikt", ":material/dashboard:", ""),
        PageEntry(STATUS, "Status", ":material/traffic:", "status"),
        PageEntry(RISIKO, "Risiko", ":material/warning:", "risiko"),
        PageEntry(GEVINSTER, "Gevinster", ":material/trending_up:", "gevinster"),
        PageEntry(ANBEFALINGER, "Anbefalinger", ":material/gavel:", "anbefalinger"),
        PageEntry(EVALUERING, "Evaluering", ":material/event_available:", "evaluering"),
        PageEntry(MILEPAELER, "Milepæler", ":material/flag:", "milepaeler"),
    ),
    "Møtet": (
        PageEntry(MOTER, "Møter", ":material/groups:", "moter"),
        PageEntry(MOTEMODUS, "Møtemodus", ":material/slideshow:", MEETING_MODE_ADDRESS),
    ),
    "Data": (
        PageEntry(LAST_OPP, "Last opp", ":material/upload_file:", "last_opp"),
        PageEntry(HISTORIKK, "Historikk", ":material/history:", "historikk"),
        PageEntry(TILGANG, "Tilgang", ":material/admin_panel_settings:", "tilgang"),
    ),
}
#: Pages in the navigation only for admins; for anyone else they stay at their address (and
#: say there that they need the role admin), hidden from the menu.
ADMIN_PAGES = frozenset({TILGANG})
#: Pages opened from another page (meeting mode, from Møter: it needs a meeting), kept out of
#: the menu.
OPENED_FROM_ELSEWHERE = frozenset({MOTEMODUS})
ADDRESSES = frozenset(entry.url_path for entries in SECTIONS.values() for entry in entries)


def _page(entry: PageEntry, *, admin: bool) -> StreamlitPage:
    if not entry.url_path:
        return st.Page(entry.file, title=entry.title, icon=entry.icon, default=True)
    hidden = (entry.file in ADMIN_PAGES and not admin) or entry.file in OPENED_FROM_ELSEWHERE
    return st.Page(
        entry.file,
        title=entry.title,
        icon=entry.icon,
        url_path=entry.url_path,
        visibility="hidden" if hidden else "visible",
    )


def requested_address() -> str | None:
    """The address the browser asked for, after the app's root ("" at the root); None when
    the browser did not say (an AppTest)."""
    url = st.context.url
    if url is None:
        return None
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    root = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
    return path.removeprefix(root.rstrip("/")).strip("/")


def not_found(address: str) -> StreamlitPage:
    """A hidden page at `address`, saying in Norwegian that there is no such page.

    Streamlit answers an address no page has with an English "Page not found" dialog; a page
    registered at exactly that address is found instead, and shows this.
    """

    def show() -> None:
        st.title("Fant ikke siden", anchor=False)
        layout.empty(
            f"Adressen «/{address}» finnes ikke i Styringsrom. Velg en side i menyen til "
            "venstre, eller gå til Oversikt."
        )
        st.page_link(OVERSIKT, label="Til Oversikt", icon=":material/dashboard:")

    return st.Page(
        show,
        title="Fant ikke siden",
        icon=":material/help:",
        url_path=address,
        visibility="hidden",
    )


def in_meeting_mode(page: StreamlitPage) -> bool:
    """Whether `page` is meeting mode, which the router runs without menu and sidebar."""
    return page.url_path == MEETING_MODE_ADDRESS


def navigation(*, admin: bool = False, shown: bool = True) -> StreamlitPage:
    """st.navigation with every page (and, for an unknown address, the page that says so);
    returns the page to run. `admin`: the admin pages in the menu too; `shown`: False before
    sign-in, when the menu is hidden (the addresses still resolve, so a link opened before
    sign-in gets no "Page not found")."""
    sections = {
        title: [_page(entry, admin=admin) for entry in entries]
        for title, entries in SECTIONS.items()
    }
    address = requested_address()
    # A nested address (with "/") cannot be a page's address: Streamlit answers it itself.
    if address and address not in ADDRESSES and "/" not in address:
        sections["Data"].append(not_found(address))
    # Meeting mode fills the projector: no menu (and the router draws no filters). Right after
    # st.switch_page the address the browser reported is still the previous page's; the
    # parameter that page set is already there.
    meeting_mode = address == MEETING_MODE_ADDRESS or MEETING_MODE_PARAM in st.query_params
    shown = shown and not meeting_mode
    return st.navigation(sections, position="sidebar" if shown else "hidden")
