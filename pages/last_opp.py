"""Last opp: download the template or a project's data, upload a workbook, see what it would
change, and store it only when the person confirms.

The uploaded bytes are checked by lib.ingest (a temporary file parsed in a child process,
validated, previewed in SQL); nothing is stored while any error exists. Storing refuses when
someone else stored the same project after the preview was made; the page then says so and
shows the new preview.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import ingest, wording
from lib.contract import SHEETS
from lib.exports import XLSX_MIME
from lib.preview import PREVIEW_ROWS
from lib.read import UnreadableFile
from lib.store import ConcurrentUpload, StoreBusy, StoreError
from lib.validate import problems_frame
from pages import _changes, _ui

# Session-state keys of this page.
CHECKED = "opplasting_kontroll"  # {"token": …, "checked": CheckedUpload | None, "error": str}
STORED = "opplasting_lagret"  # the success message of the last store
CONFLICT = "opplasting_konflikt"  # why the preview was made again
UPLOADER_ROUND = "opplasting_runde"  # bumped after a store, which empties the file field
FAILED = "opplasting_feilet"  # why storing failed (the database was busy), shown once


# --- Helpers ------------------------------------------------------------------------------------

#: A preview table this small is shown as a static table, whose text wraps and can be read on
#: a projector; a larger one scrolls.
STATIC_ROWS, STATIC_COLUMNS = 40, 9


def show_rows(frame: pd.DataFrame, *, key: str, drop_empty: bool = True) -> None:
    """A table, static and wrapping when it is small; without its empty columns if asked."""
    if drop_empty:
        frame = frame.loc[:, [(frame[c] != "").any() for c in frame.columns]]
    if len(frame) <= STATIC_ROWS and len(frame.columns) <= STATIC_COLUMNS:
        # st.table renders Markdown in cells: escape the workbook's text so it shows as typed.
        shown = frame.map(lambda value: _ui.escape(value) if isinstance(value, str) else value)
        st.table(shown, hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, key=key)


def check_again() -> None:
    """Read, validate and preview the uploaded file (`uploaded`, below) against the data now."""
    token = (uploaded.file_id, upload_project)
    with st.spinner("Leser og kontrollerer arbeidsboken …"):
        try:
            checked = ingest.check_upload_bytes(
                _ui.db_path(), uploaded.getvalue(), uploaded.name, upload_project
            )
            state[CHECKED] = {"token": token, "checked": checked, "error": ""}
        except UnreadableFile as error:
            state[CHECKED] = {"token": token, "checked": None, "error": str(error)}
        except (StoreBusy, StoreError) as error:
            state[CHECKED] = {"token": token, "checked": None, "error": str(error)}


def store_it() -> None:
    """Callback of «Lagre»: store what was previewed, unless someone stored it meanwhile."""
    checked = state.get(CHECKED, {}).get("checked")
    who = _changes.current_name()
    if checked is None or not who:  # a second click after storing, or no name yet
        return
    try:
        stored = ingest.store_checked(_ui.db_path(), checked, who)
    except ConcurrentUpload as error:
        state[CONFLICT] = str(error)
        state[CHECKED]["token"] = None  # check and preview again against the new data
        return
    except (StoreBusy, StoreError) as error:
        state[FAILED] = str(error)
        return
    state[STORED] = _ui.escape(
        f"Versjon {stored.version} er lagret av {who} («{checked.file_name}»). "
        + ingest.stored_summary(stored)
    )
    state.pop(CHECKED, None)
    state.pop(CONFLICT, None)
    state[UPLOADER_ROUND] = state.get(UPLOADER_ROUND, 0) + 1


# --- The page -----------------------------------------------------------------------------------

chosen = _ui.filters()
state = st.session_state
st.title("Last opp", anchor=False)
st.caption(
    "Last ned malen eller dagens data, fyll ut i Excel og last opp. Ingenting lagres før du "
    "har sett hva som blir endret og bekreftet."
)
if chosen.version is not None:
    st.info(
        f"De andre sidene viser versjon {chosen.version}. En opplasting sammenlignes alltid "
        "med siste versjon.",
        icon=":material/history:",
    )

# --- 1. Download ------------------------------------------------------------------------------

st.subheader("1. Last ned", anchor=False)
template, export = st.columns(2, border=True)
with template:
    st.markdown("**Tom mal**")
    st.caption("Alle ark, med nedtrekkslister, forklaring og kolonnene som må fylles ut.")
    st.download_button(
        "Last ned malen",
        data=ingest.template_bytes,
        file_name="styringsrom-mal.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key="last_ned_mal",
    )
with export:
    st.markdown("**Dagens data, til redigering**")
    st.caption("Rett i arbeidsboken og last den opp igjen; uendrede rader forblir uendret.")
    projects = _ui.sheet("prosjekter")
    names = dict(zip(projects["prosjekt_id"], projects["prosjektnavn"], strict=True))
    options: list[str | None] = [None, *sorted(names)]
    default = chosen.projects[0] if len(chosen.projects) == 1 else None
    project = st.selectbox(
        "Prosjekt",
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda p: "Alle prosjekter" if p is None else f"{p} – {names.get(p, '')}",
        key="eksport_prosjekt",
    )
    db = str(_ui.db_path())
    st.download_button(
        "Last ned dataene",
        data=lambda: ingest.export_bytes(db, project),
        file_name=f"styringsrom-{project or 'alle'}-{_ui.today():%Y-%m-%d}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        disabled=not names,
        key="last_ned_data",
    )

# --- 2. Upload --------------------------------------------------------------------------------

st.subheader("2. Last opp", anchor=False)
name_column, project_column = st.columns(2)
with name_column:
    name = _changes.your_name("Lagres i historikken som den som lastet opp.")
with project_column:
    upload_project = st.selectbox(
        "Arbeidsboken gjelder",
        options,
        format_func=lambda p: "Prosjektene i arbeidsboken" if p is None else f"Bare {p}",
        key="opplasting_prosjekt",
        help="Velg et prosjekt når arbeidsboken gjelder ett prosjekt og mangler Prosjekt-ID.",
    )
round_number = state.setdefault(UPLOADER_ROUND, 0)
uploaded = st.file_uploader(
    "Arbeidsbok (.xlsx, .xlsm, .ods eller .csv)",
    type=["xlsx", "xlsm", "ods", "csv"],
    key=f"opplasting_fil_{round_number}",
    help="Kontrolleres før noe lagres. Ark du ikke tar med, blir ikke endret.",
)
if uploaded is None:
    state.pop(CHECKED, None)
    state.pop(CONFLICT, None)
    if STORED in state:
        st.success(state[STORED], icon=":material/check_circle:")
        links = st.columns(3)
        with links[0]:
            st.page_link("pages/risiko.py", label="Se Risiko", icon=":material/warning:")
        with links[1]:
            st.page_link("pages/oversikt.py", label="Se Oversikt", icon=":material/dashboard:")
        with links[2]:
            st.page_link("pages/historikk.py", label="Se Historikk", icon=":material/history:")
    st.stop()
state.pop(STORED, None)


if state.get(CHECKED, {}).get("token") != (uploaded.file_id, upload_project):
    if state.get(CHECKED, {}).get("token", "") is not None:
        state.pop(CONFLICT, None)  # a new file or project; a conflict keeps its message
    check_again()
result = state[CHECKED]
if result["error"]:
    st.error(_ui.escape(result["error"]), icon=":material/error:")
    st.stop()
checked: ingest.CheckedUpload = result["checked"]
upload = checked.upload

if upload.notices:
    with st.expander(f"Merknader ({len(upload.notices)})", icon=":material/info:"):
        st.caption("Merknader stopper ikke opplastingen.")
        st.dataframe(problems_frame(upload.notices), hide_index=True)

if not upload.ok:
    st.error(
        _ui.escape(ingest.error_summary(upload))
        + " **Ingenting er lagret.** Rett feilene i arbeidsboken og last den opp på nytt.",
        icon=":material/error:",
    )
    errors = problems_frame(upload.errors)
    show_rows(errors, key="opplasting_feil_tabell", drop_empty=False)
    _ui.download(errors, "Feil i arbeidsboken", key="opplasting_feil")
    st.stop()

if not upload.tables:
    st.warning(
        _ui.escape(
            f"«{upload.file_name}» har ingen rader i ark som Styringsrom kjenner igjen "
            f"({', '.join(sheet.name for sheet in SHEETS)}), så det er ingenting å lagre. "
            "Se merknadene over."
        ),
        icon=":material/warning:",
    )
    st.stop()

# --- 3. Preview -------------------------------------------------------------------------------

preview = checked.preview
assert preview is not None  # a valid upload is always previewed
st.subheader("3. Se over endringene", anchor=False)
if CONFLICT in state:
    st.warning(
        _ui.escape(state[CONFLICT]) + " Forhåndsvisningen under er laget på nytt; se over "
        "og bekreft igjen.",
        icon=":material/sync_problem:",
    )
st.caption(
    _ui.escape(
        f"«{upload.file_name}» sammenlignet med versjon {preview.base_version} "
        f"· gjelder {', '.join(preview.projects) or 'ingen prosjekter'}"
    )
)
added, changed, removed = preview.totals()
unchanged = sum(sheet.unchanged for sheet in preview.sheets.values())
figures = {
    "Nye rader": added,
    "Endrede rader": changed,
    "Fjernede rader": removed,
    "Uendrede rader": unchanged,
}
for column, (label, value) in zip(st.columns(4, border=True), figures.items(), strict=True):
    column.metric(label, value)

same = [p for p in preview.sheets.values() if not p.has_changes]
if same:
    st.caption(
        "Uten endringer: "
        + ", ".join(f"{p.sheet.name} ({wording.rows(p.unchanged)})" for p in same)
        + "."
    )
for sheet_preview in preview.sheets.values():
    if not sheet_preview.has_changes:
        continue
    with st.container(border=True):
        st.markdown(f"**{sheet_preview.sheet.name}** · {sheet_preview.summary()}")
        parts = {
            "endret": ("Endret", sheet_preview.changed_fields),
            "nye": ("Nye rader", sheet_preview.added_rows),
            "fjernet": ("Fjernes (finnes fortsatt i historikken)", sheet_preview.removed_rows),
        }
        for part, (title, frame) in parts.items():
            if frame.empty:
                continue
            st.markdown(f"*{title}*")
            # Whole rows lose their empty columns; a field's "Før" stays even when empty.
            show_rows(
                frame,
                key=f"forhandsvisning_{sheet_preview.key}_{part}",
                drop_empty=part != "endret",
            )
        counts = (sheet_preview.changed, sheet_preview.added, sheet_preview.removed)
        if max(counts) > PREVIEW_ROWS:
            st.caption(f"Viser de første {PREVIEW_ROWS} radene av hver tabell.")

# --- 4. Store ---------------------------------------------------------------------------------

st.subheader("4. Lagre", anchor=False)
if not preview.has_changes:
    st.info(
        "Arbeidsboken er lik det som er lagret. Lagrer du, blir den en ny versjon uten "
        "endringer (nyttig som bekreftelse på at dataene er gjennomgått).",
        icon=":material/info:",
    )
if not name:
    st.warning(
        "Skriv navnet ditt i feltet «Ditt navn» over før du lagrer.", icon=":material/person:"
    )
st.button(
    f"Lagre som versjon {preview.base_version + 1}",
    type="primary",
    icon=":material/save:",
    disabled=not name,
    on_click=store_it,
    key="opplasting_lagre",
)
