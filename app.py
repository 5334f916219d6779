"""Styringsrom: the router. Page setup, who may use the app (ui/auth.admit: sign-in, local mode),
the database on first start, the shared filters, pages.

The page files live in `app_pages/`, not in `pages/`. Streamlit (1.67) decides per server
process: while no session has called st.navigation yet, a `pages/` folder next to this file
switches on its legacy multipage mode, so a freshly started server answers its first request
from that folder's file names (`app, anbefalinger, …, ui` in the sidebar, a helper module run as
a blank page, English "Page not found" for any other address) before a line of this file has
run. No configuration option turns that off, and setting the flag behind it is private API; the
documented way out, and Streamlit's own advice, is a page folder under another name (see
streamlit/streamlit#8388 and Streamlit's guidance "use st.navigation with an app_pages/
directory"). Helpers that are not pages live in `ui/`.
"""

from __future__ import annotations

import streamlit as st

from lib import access
from lib.db import StoreUnavailable, shared_reads
from ui import auth, data, filters, layout, router, startup

# After the imports, before the first run: Streamlit's collection after each run skips them.
startup.freeze_imported_objects()

st.set_page_config(
    page_title="Styringsrom",
    # An emoji, which the browser draws inline (a data: address): a ":material/…:" page icon
    # makes the browser fetch it from fonts.gstatic.com, which fails offline and tells a third
    # party who uses the app (tests/e2e/test_offline.py).
    page_icon="🧭",
    layout="wide",
    initial_sidebar_state="expanded",
)
if not auth.admit():
    # Before sign-in (or from another machine in local mode, or with a broken [auth]): the
    # screen admit() drew and nothing else: no menu, no filters, no page, no database read.
    router.navigation(shown=False)
    st.stop()
page = None
# One read-only connection for the whole run: a changed filter makes a dozen reads, and
# opening the file for each cost more than the reads (lib.db.shared_reads).
with shared_reads(data.db_path()):
    try:
        data.ensure_database()
        auth.record_sign_in()
        allowed = auth.permissions()
        # Signed in without a role for any project: no menu either, only who is signed in.
        page = router.navigation(admin=allowed.is_admin, shown=allowed.can(access.LESER))
        if allowed.can(access.LESER) and router.in_meeting_mode(page):
            # The presenter's view: the page alone, no sidebar (it keeps the filters for
            # the way back itself).
            page.run()
            st.stop()
        auth.sidebar()
        if allowed.can(access.LESER):
            # The filters are created here, before the page runs, so every page shares them
            # and they survive page changes; they are bound to the URL, so a copied link opens
            # the same view.
            filters.sidebar()
            page.run()
        else:
            auth.no_access()
    except StoreUnavailable as error:
        # A damaged database, or a read-only one asked to store: on every page, a Norwegian
        # message that says which file, what is wrong and what to do, never a traceback.
        if page is None:
            router.navigation()
            auth.sidebar()
        layout.database_unavailable(error)
