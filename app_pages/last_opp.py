"""Last opp: download the template or a project's data, upload a workbook, see what it would
change, and store it only when the person confirms.

The uploaded bytes are checked by lib.ingest (a temporary file parsed in a child process,
validated, previewed in SQL); nothing is stored while any error exists. Storing refuses when
someone else stored the same project after the preview was made; the page then says so and
shows the new preview.

Who stores is the signed-in user (or, in local mode, the name in «Ditt navn»); they need the
role `opplaster` for every project the workbook writes. The page says so before anything is
stored (no uploader without the role for any project; a refusal naming the projects after
the check), and lib/ refuses again when storing (a stale page shows that refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from lib import access, ingest, queries, wording
from lib.db import StoreBusy, StoreError
from lib.exports import XLSX_MIME
from lib.parse import ParseError, parse_id
from lib.preview import PREVIEW_ROWS, SheetPreview, UploadPreview
from lib.queries import Filters
from lib.read import KnownTemplate, UnreadableFile
from lib.store import ConcurrentUpload
from lib.validate import problems_frame
from lib.validate.templates import stored_project_named, template_lines
from ui import auth, data, filters, layout, norwegian, router
from ui.person import current_name, who_acts
from ui.text import escape

if TYPE_CHECKING:  # what st.file_uploader returns
    from streamlit.runtime.uploaded_file_manager import UploadedFile

#: The file types the uploader takes.
UPLOAD_TYPES = ["xlsx", "xlsm", "ods", "csv"]

# Session-state keys of this page, one meaning each.
CHECKED = "opplasting_kontroll"  # Check: the outcome of checking one file for one project
RECHECK = "opplasting_kontroller_igjen"  # True: someone stored meanwhile; check the file again
CONFLICT = "opplasting_konflikt"  # why the preview was made again, shown until the next file
STORED = "opplasting_lagret"  # the success message of the last store
FAILED = "opplasting_feilet"  # why storing failed (the database was busy), shown once
FORBIDDEN = "opplasting_nektet"  # lib refused the store (no longer opplaster), shown once
UPLOADER_ROUND = "opplasting_runde"  # bumped after a store, which empties the file field
# (file id, {Prosjekt-ID in the workbook: stored Prosjekt-ID}): load a project onto a stored one
RENAMED = "opplasting_bytt_prosjekt"
# (file id, KnownTemplate, project chosen before): the file is a known template, whose project
# is chosen with the widgets below instead of «Arbeidsboken gjelder»
TEMPLATE = "opplasting_mal"
TEMPLATE_KIND = "opplasting_mal_prosjekttype"  # a stored project or a new one
TEMPLATE_STORED = "opplasting_mal_prosjekt"  # the stored project chosen
TEMPLATE_NEW = "opplasting_mal_nytt_prosjekt"  # the new project's Prosjekt-ID, as typed
STORED_PROJECT, NEW_PROJECT = "lagret", "nytt"

#: A preview table this small is shown as a static table, whose text wraps and can be read on
#: a projector; a larger one scrolls.
STATIC_ROWS, STATIC_COLUMNS = 40, 9


@dataclass(frozen=True)
class Check:
    """What checking one uploaded file for one project gave: a checked upload, or why not."""

    file_id: str
    project: str | None
    checked: ingest.CheckedUpload | None
    error: str = ""
    renamed: tuple[tuple[str, str], ...] = ()  # projects loaded onto stored ones

    def is_for(self, uploaded: UploadedFile, project: str | None, renamed: dict[str, str]) -> bool:
        return (self.file_id, self.project, self.renamed) == (
            uploaded.file_id,
            project,
            tuple(sorted(renamed.items())),
        )


def main() -> None:
    chosen = filters.current()
    st.title("Last opp", anchor=False)
    st.caption(
        "Last ned malen eller dagens data, fyll ut i Excel og last opp. Ingenting lagres før "
        "du har sett hva som blir endret og bekreftet."
    )
    if chosen.version is not None:
        st.info(
            f"De andre sidene viser versjon {chosen.version}. En opplasting sammenlignes alltid "
            "med siste versjon.",
            icon=":material/history:",
        )
    allowed = auth.permissions()
    projects = data.cached(queries.sheet_rows)("prosjekter", None)
    names = {
        project: name
        for project, name in zip(projects["prosjekt_id"], projects["prosjektnavn"], strict=True)
        if allowed.may_read(project)
    }
    show_downloads(names, chosen, allowed)
    if FORBIDDEN in st.session_state:
        st.error(escape(st.session_state.pop(FORBIDDEN)), icon=":material/block:")
    if not allowed.can(access.OPPLASTER):
        forget_the_check()
        show_last_store()
        st.subheader("2. Last opp", anchor=False)
        st.info(
            "Du kan ikke laste opp: det krever rollen «opplaster» for minst ett prosjekt. "
            "Spør en administrator om tilgang.",
            icon=":material/lock:",
        )
        return
    name, project, uploaded = show_upload_form(names)
    if uploaded is None:
        forget_the_check()
        show_last_store()
        return
    st.session_state.pop(STORED, None)
    renamed = renamed_projects(uploaded)
    if template_of(uploaded) is None:
        check = check_if_new(uploaded, project, renamed)
        if check.checked is None:
            st.error(escape(check.error), icon=":material/error:")
            return
        if check.checked.upload.template is not None:
            # A known template: its project is chosen below, with the front page's name.
            st.session_state[TEMPLATE] = (uploaded.file_id, check.checked.upload.template, project)
            st.rerun()
    found = template_of(uploaded)
    if found is not None:
        template, chosen_before = found
        project = show_template_project(template, names, chosen_before)
        if project is None:
            return
        check = check_if_new(uploaded, project, renamed)
        if check.checked is None:
            st.error(escape(check.error), icon=":material/error:")
            return
    show_renamed(check)
    if not show_check(check.checked):
        return
    preview = check.checked.preview
    assert preview is not None  # a valid upload is always previewed
    refused = access.refusal(
        allowed, access.OPPLASTER, ingest.projects_written(check.checked.upload)
    )
    if refused:
        st.error(
            escape(refused) + " **Ingenting er lagret.** Last opp en arbeidsbok med bare "
            "prosjekter du har tilgang til, eller spør en administrator.",
            icon=":material/block:",
        )
        return
    show_similar(check, preview)
    show_preview(check.checked, preview)
    show_store(preview, name)


# --- 1. Download -----------------------------------------------------------------------------


def show_downloads(names: dict[str, str], chosen: Filters, allowed: access.Permissions) -> None:
    """The empty template, and the data stored now (all projects or one, of those the person
    may read: `names`) to edit."""
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
        options: list[str | None] = [None, *sorted(names)]
        default = chosen.projects[0] if len(chosen.projects) == 1 else None
        project = st.selectbox(
            "Prosjekt",
            options,
            index=options.index(default) if default in options else 0,
            format_func=lambda p: "Alle prosjekter" if p is None else f"{p} – {names.get(p, '')}",
            key="eksport_prosjekt",
        )
        db = str(data.db_path())
        readable = allowed.readable
        st.download_button(
            "Last ned dataene",
            data=lambda: ingest.export_bytes(db, project, readable=readable),
            file_name=f"styringsrom-{project or 'alle'}-{data.today():%Y-%m-%d}.xlsx",
            mime=XLSX_MIME,
            icon=":material/download:",
            on_click="ignore",
            disabled=not names,
            key="last_ned_data",
        )


# --- 2. Upload -------------------------------------------------------------------------------


def show_upload_form(names: dict[str, str]) -> tuple[str, str | None, UploadedFile | None]:
    """Who uploads, which project the workbook is for, and the file. For a known template
    the project is chosen further down (`show_template_project`), so it is not asked here."""
    st.subheader("2. Last opp", anchor=False)
    name_column, project_column = st.columns(2)
    with name_column:
        name = who_acts("Lagres i historikken som den som lastet opp.")
    round_number = st.session_state.setdefault(UPLOADER_ROUND, 0)
    norwegian.file_uploader_text(UPLOAD_TYPES)
    uploaded = st.file_uploader(
        "Arbeidsbok (.xlsx, .xlsm, .ods eller .csv)",
        type=UPLOAD_TYPES,
        key=f"opplasting_fil_{round_number}",
        help="Kontrolleres før noe lagres. Ark og kolonner du ikke tar med, blir ikke endret.",
    )
    project = None
    if uploaded is None or template_of(uploaded) is None:
        with project_column:  # above the file field, though asked after it
            project = st.selectbox(
                "Arbeidsboken gjelder",
                [None, *sorted(names)],
                format_func=lambda p: "Prosjektene i arbeidsboken" if p is None else f"Bare {p}",
                key="opplasting_prosjekt",
                help="Velg et prosjekt når arbeidsboken gjelder ett prosjekt og mangler "
                "Prosjekt-ID.",
            )
    return name, project, uploaded


TEMPLATE_WIDGETS = (TEMPLATE_KIND, TEMPLATE_STORED, TEMPLATE_NEW)


def forget_the_check() -> None:
    for key in (CHECKED, RECHECK, CONFLICT, RENAMED, TEMPLATE, *TEMPLATE_WIDGETS):
        st.session_state.pop(key, None)


def template_of(uploaded: UploadedFile) -> tuple[KnownTemplate, str | None] | None:
    """The known template this file was recognised as, and the project chosen under
    «Arbeidsboken gjelder» before it was; None for any other file (or one not checked yet).
    A new file forgets the last one's choice of project."""
    found = st.session_state.get(TEMPLATE)
    if found is None or found[0] != uploaded.file_id:
        for key in (TEMPLATE, *TEMPLATE_WIDGETS):
            st.session_state.pop(key, None)
        return None
    return found[1], found[2]


def show_template_project(
    template: KnownTemplate, names: dict[str, str], chosen_before: str | None
) -> str | None:
    """What was read from a known template, and the project it is for: a stored one (the one
    whose Prosjektnavn is the front page's name is preselected) or a new one, whose
    Prosjekt-ID the person types and which gets the front page's name. None until chosen."""
    lines = template_lines(template, None, names)
    st.info("\n\n".join(escape(line) for line in lines), icon=":material/fact_check:")
    preselected = chosen_before or stored_project_named(template.project_name, names)
    kinds = [STORED_PROJECT, NEW_PROJECT] if names else [NEW_PROJECT]
    kind = st.radio(
        "Arbeidsboken gjelder",
        kinds,
        index=0 if preselected is not None or len(kinds) == 1 else 1,
        format_func=lambda k: "Et lagret prosjekt" if k == STORED_PROJECT else "Et nytt prosjekt",
        horizontal=True,
        key=TEMPLATE_KIND,
    )
    if kind == STORED_PROJECT:
        options = sorted(names)
        return st.selectbox(
            "Lagret prosjekt",
            options,
            index=options.index(preselected) if preselected in options else None,
            format_func=lambda p: f"{p} – {names.get(p, '')}",
            placeholder="Velg prosjektet",
            key=TEMPLATE_STORED,
            help="Prosjektets navn og andre opplysninger i Prosjekter endres ikke.",
        )
    typed = st.text_input(
        "Prosjekt-ID for det nye prosjektet",
        key=TEMPLATE_NEW,
        placeholder="f.eks. DH2",
        help="En kort nøkkel på én linje, som i kolonnen Prosjekt-ID.",
    )
    named = template.project_name
    st.caption(
        escape(f"Det nye prosjektet får navnet «{named}» fra forsiden.")
        if named
        else "Forsiden har ikke noe prosjektnavn; prosjektet får Prosjekt-ID-en som navn."
    )
    try:
        project = parse_id(typed)
    except ParseError as error:
        st.error(escape(f"Prosjekt-ID: fant «{typed}» – forventet {error.expected}."))
        return None
    if project is None:
        return None
    if project in names:
        st.info(
            escape(
                f"{project} er et lagret prosjekt ({names[project]}): arbeidsboken lastes inn "
                "på det, og navnet endres ikke."
            ),
            icon=":material/info:",
        )
    return project


def renamed_projects(uploaded: UploadedFile) -> dict[str, str]:
    """The workbook's projects the person chose to load onto stored ones (this file only)."""
    chosen = st.session_state.get(RENAMED)
    if chosen is None or chosen[0] != uploaded.file_id:
        st.session_state.pop(RENAMED, None)
        return {}
    return dict(chosen[1])


def load_onto(file_id: str, upload_id: str, stored_id: str) -> None:
    """Callback of «Last inn på …»: check the same file again with the project mapped."""
    chosen = st.session_state.get(RENAMED)
    renamed = dict(chosen[1]) if chosen is not None and chosen[0] == file_id else {}
    renamed[upload_id] = stored_id
    st.session_state[RENAMED] = (file_id, renamed)


def load_as_written() -> None:
    """Callback of «Angre»: check the file again as it is written."""
    st.session_state.pop(RENAMED, None)


def show_last_store() -> None:
    """After a store: what was stored, and where to see it."""
    if STORED not in st.session_state:
        return
    st.success(st.session_state[STORED], icon=":material/check_circle:")
    links = st.columns(3)
    with links[0]:
        st.page_link(router.RISIKO, label="Se Risiko", icon=":material/warning:")
    with links[1]:
        st.page_link(router.OVERSIKT, label="Se Oversikt", icon=":material/dashboard:")
    with links[2]:
        st.page_link(router.HISTORIKK, label="Se Historikk", icon=":material/history:")


def check_if_new(
    uploaded: UploadedFile, project: str | None, renamed: dict[str, str] | None = None
) -> Check:
    """The check of this file for this project (and projects loaded onto stored ones): made
    once, and again after a conflict."""
    renamed = renamed or {}
    state = st.session_state
    previous: Check | None = state.get(CHECKED)
    if previous is None or not previous.is_for(uploaded, project, renamed):
        state.pop(CONFLICT, None)  # a new file or project: an old conflict no longer applies
    elif not state.get(RECHECK):
        return previous
    state.pop(RECHECK, None)
    state[CHECKED] = check(uploaded, project, renamed)
    return state[CHECKED]


def check(
    uploaded: UploadedFile, project: str | None, renamed: dict[str, str] | None = None
) -> Check:
    """Read, validate and preview the uploaded file against the data stored now."""
    renamed = renamed or {}
    key = tuple(sorted(renamed.items()))
    with st.spinner("Leser og kontrollerer arbeidsboken …"):
        try:
            checked = ingest.check_upload_bytes(
                data.db_path(), uploaded.getvalue(), uploaded.name, project, renamed or None
            )
        except (UnreadableFile, StoreBusy, StoreError) as error:
            return Check(uploaded.file_id, project, None, str(error), key)
    return Check(uploaded.file_id, project, checked, renamed=key)


def show_check(checked: ingest.CheckedUpload) -> bool:
    """The notices and errors of a checked upload; whether it can be stored."""
    upload = checked.upload
    if upload.notices:
        with st.expander(f"Merknader ({len(upload.notices)})", icon=":material/info:"):
            st.caption("Merknader stopper ikke opplastingen.")
            st.dataframe(problems_frame(upload.notices), hide_index=True)
    if not upload.ok:
        st.error(
            escape(ingest.error_summary(upload))
            + " **Ingenting er lagret.** Rett feilene i arbeidsboken og last den opp på nytt.",
            icon=":material/error:",
        )
        errors = problems_frame(upload.errors)
        show_rows(errors, key="opplasting_feil_tabell", drop_empty=False)
        layout.download(errors, "Feil i arbeidsboken", key="opplasting_feil")
        return False
    return True


def show_renamed(check: Check) -> None:
    """Which of the workbook's projects are loaded onto stored ones, with a way back."""
    if not check.renamed:
        return
    moved = ", ".join(f"{old} lastes inn på {new}" for old, new in check.renamed)
    st.info(escape(f"Etter ditt valg: {moved}."), icon=":material/merge:")
    st.button(
        "Angre: last inn slik arbeidsboken er", on_click=load_as_written, key="opplasting_angre"
    )


def show_similar(check: Check, preview: UploadPreview) -> None:
    """A warning for each new project that is likely a stored one, with a button that loads
    the workbook onto the stored project instead (the same file, checked again)."""
    for found in preview.similar:
        st.warning(escape(found.warning()), icon=":material/content_copy:")
        st.button(
            f"Last inn på {escape(found.stored_id)} i stedet",
            icon=":material/merge:",
            on_click=load_onto,
            args=(check.file_id, found.upload_id, found.stored_id),
            key=f"opplasting_last_inn_pa_{found.upload_id}_{found.stored_id}",
        )


def show_cleared(preview: UploadPreview) -> None:
    """The stored values the upload's empty cells would clear, field by field."""
    cleared = preview.cleared
    if not cleared:
        return
    lines = "\n".join(
        f"- {escape(sheet)} – tømmes: {escape(found.text())}" for sheet, found in cleared
    )
    st.warning(
        "Tomme celler tømmer lagrede verdier der kolonnen finnes i arket. Er det ikke meningen, "
        "fyll dem inn, eller fjern kolonnen fra arket (en kolonne arket ikke har, endres "
        "ikke).\n\n" + lines,
        icon=":material/ink_eraser:",
    )


def show_rows(frame: pd.DataFrame, *, key: str, drop_empty: bool = True) -> None:
    """A table, static and wrapping when it is small; without its empty columns if asked."""
    if drop_empty:
        frame = frame.loc[:, [(frame[c] != "").any() for c in frame.columns]]
    if len(frame) <= STATIC_ROWS and len(frame.columns) <= STATIC_COLUMNS:
        # st.table renders Markdown in cells: escape the workbook's text so it shows as typed.
        shown = frame.map(lambda value: escape(value) if isinstance(value, str) else value)
        st.table(shown, hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, key=key)


# --- 3. Preview ------------------------------------------------------------------------------


def show_preview(checked: ingest.CheckedUpload, preview: UploadPreview) -> None:
    """What storing would change, sheet by sheet and field by field."""
    st.subheader("3. Se over endringene", anchor=False)
    if CONFLICT in st.session_state:
        st.warning(
            escape(st.session_state[CONFLICT]) + " Forhåndsvisningen under er laget på nytt; "
            "se over og bekreft igjen.",
            icon=":material/sync_problem:",
        )
    st.caption(
        escape(
            f"«{checked.upload.file_name}» sammenlignet med versjon {preview.base_version} "
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
    show_cleared(preview)
    same = [p for p in preview.sheets.values() if not p.has_changes]
    if same:
        st.caption(
            "Uten endringer: "
            + ", ".join(f"{p.sheet.name} ({wording.rows(p.unchanged)})" for p in same)
            + "."
        )
    for sheet_preview in preview.sheets.values():
        if sheet_preview.has_changes:
            show_sheet_changes(sheet_preview)


def show_sheet_changes(sheet_preview: SheetPreview) -> None:
    """One sheet's changed fields, new rows and removed rows."""
    with st.container(border=True):
        st.markdown(f"**{sheet_preview.sheet.name}** · {sheet_preview.summary()}")
        parts = {
            "endret": ("Endret", sheet_preview.changed_fields),
            "nye": ("Nye rader", sheet_preview.added_rows),
            "fjernet": (
                "Fjernes (finnes fortsatt i historikken)",
                sheet_preview.removed_rows,
            ),
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


# --- 4. Store --------------------------------------------------------------------------------


def show_store(preview: UploadPreview, name: str) -> None:
    st.subheader("4. Lagre", anchor=False)
    if FAILED in st.session_state:
        st.warning(escape(st.session_state.pop(FAILED)), icon=":material/warning:")
    if not preview.has_changes:
        st.info(
            "Arbeidsboken er lik det som er lagret. Lagrer du, blir den en ny versjon uten "
            "endringer (nyttig som bekreftelse på at dataene er gjennomgått).",
            icon=":material/info:",
        )
    if not name and not auth.sign_in_configured():
        st.warning(
            "Skriv navnet ditt i feltet «Ditt navn» over før du lagrer.", icon=":material/person:"
        )
    st.button(
        f"Lagre som versjon {preview.base_version + 1}",
        type="primary",
        icon=":material/save:",
        disabled=not name,
        on_click=store_checked,
        key="opplasting_lagre",
    )


def store_checked() -> None:
    """Callback of «Lagre»: store what was previewed, unless someone stored it meanwhile."""
    state = st.session_state
    check: Check | None = state.get(CHECKED)
    actor = auth.actor()
    # Local mode stores only under a name typed in «Ditt navn» (not the machine's user name).
    no_name = actor is None or (actor.local and not current_name())
    if check is None or check.checked is None or no_name:  # a second click, or no name yet
        return
    assert actor is not None
    who = actor.name
    try:
        stored = ingest.store_checked(
            data.db_path(),
            check.checked,
            actor=actor,
            configured_admins=auth.configured_admins(),
        )
    except access.Forbidden as error:  # the role was taken away after the page was drawn
        state[FORBIDDEN] = str(error)
        return
    except ConcurrentUpload as error:
        state[CONFLICT] = str(error)
        state[RECHECK] = True  # check and preview again against the new data
        return
    except (StoreBusy, StoreError) as error:
        state[FAILED] = str(error)
        return
    state[STORED] = escape(
        f"Versjon {stored.version} er lagret av {who} («{check.checked.file_name}»). "
        + ingest.stored_summary(stored)
    )
    forget_the_check()
    state[UPLOADER_ROUND] = state.get(UPLOADER_ROUND, 0) + 1


main()
