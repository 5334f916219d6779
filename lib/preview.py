"""What a valid upload would change, field by field, before anything is stored.

The preview compares the upload's rows with the stored rows of the same (project, sheet)
pairs, as of one version (`base`), in SQL and without writing: the upload's rows get their key
and hash from `lib.store.incoming_sql`, the same definition the store uses, so the counts
shown are exactly what storing changes. The preview also records, per project, the latest
version that touched it (`UploadPreview.expected_versions`); storing with those refuses when
someone else stored the same project in the meantime (lib.store.ConcurrentUpload).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib import wording
from lib.contract import (
    PROJECT_COLUMN,
    RISIKO,
    SCALE_LABELS,
    SHEETS,
    SHEETS_BY_KEY,
    Column,
    Kind,
    Sheet,
    scale_label,
)
from lib.db import as_of, latest_version_in, project_versions_in, reading
from lib.parse import is_missing
from lib.store import (
    incoming_frame,
    incoming_sql,
    parent_key_sql,
    parent_keys,
    stored_projects_in,
)
from lib.validate import ROW_FIELD, ValidatedUpload
from lib.validate.similar import SimilarProject, similar_projects

#: At most this many rows per table are shown; the counts are always complete.
PREVIEW_ROWS = 500
#: The rows named as examples of each field an upload would clear.
CLEARED_EXAMPLES = 3
ROW_HEADING = "Rad"
FIELD_HEADING = "Felt"
BEFORE_HEADING = "Før"
AFTER_HEADING = "Nå"
#: The derived risk score, shown next to a changed Sannsynlighet or Konsekvens.
SCORE_HEADING = "Risikoverdi (S × K)"
_PROBABILITY, _CONSEQUENCE = "sannsynlighet", "konsekvens"


# ---------------------------------------------------------------------------------------------
# Showing values


def format_value(column: Column | None, value: object) -> str:
    """A stored value as a person reads it: dates 17.12.2024, scales `4 - Høy`, `1 234,5`."""
    if isinstance(value, list | tuple):
        return ", ".join(str(int(item)) for item in value)
    if hasattr(value, "tolist") and not isinstance(value, str | pd.Timestamp):
        value = value.tolist()  # numpy scalars and arrays
        if isinstance(value, list):
            return ", ".join(str(int(item)) for item in value)
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if column is not None and column.kind in SCALE_LABELS and isinstance(value, int | float):
        number = int(value)
        return f"{number} - {scale_label(column.kind, number)}"
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            return f"{value:,}".replace(",", " ").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") if abs(value) >= 10_000 else str(value)
    return str(value)


def title_column(sheet: Sheet) -> Column | None:
    """The column that names a row for a person (Risiko, Gevinst, Milepæl …), if any."""
    for column in sheet.columns:
        if column.kind is Kind.TEXT and column.required:
            return column
    return None


def identity_columns(sheet: Sheet) -> list[Column]:
    """Project, ID columns and title: what a person needs to recognise a row."""
    names = list(dict.fromkeys((PROJECT_COLUMN, *sheet.id_columns)))
    columns = [sheet.column(name) for name in names]
    title = title_column(sheet)
    if title is not None and title not in columns:
        columns.append(title)
    return columns


# ---------------------------------------------------------------------------------------------
# The preview


@dataclass(frozen=True)
class ClearedField:
    """A field whose stored value the upload would clear (its column is there, its cell is
    empty), in how many rows, and the first few of them: their ID and the value cleared."""

    column: str  # the contract's heading
    count: int
    examples: tuple[str, ...]  # `R1 Levekår`

    def text(self) -> str:
        """`Enhet i 3 rader (R1 Levekår, R4 Helse, R7 Oppvekst)`."""
        more = ", …" if self.count > len(self.examples) else ""
        return f"{self.column} i {wording.rows(self.count)} ({', '.join(self.examples)}{more})"


@dataclass
class SheetPreview:
    """What storing would do to one sheet: counts, and the rows and fields behind them."""

    key: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    added_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    changed_fields: pd.DataFrame = field(default_factory=pd.DataFrame)
    removed_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the stored values the upload's empty cells would clear, field by field
    cleared: list[ClearedField] = field(default_factory=list)

    @property
    def sheet(self) -> Sheet:
        return SHEETS_BY_KEY[self.key]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        """`3 nye, 2 endret, 1 fjernet, 40 uendret`."""
        return (
            f"{self.added} nye, {self.changed} endret, {self.removed} fjernet, "
            f"{self.unchanged} uendret"
        )


@dataclass
class UploadPreview:
    """What a valid upload would change, compared with version `base_version`."""

    base_version: int
    expected_versions: dict[str, int]
    sheets: dict[str, SheetPreview]
    # the upload's new projects that are likely stored ones (lib.validate.similar)
    similar: list[SimilarProject] = field(default_factory=list)

    @property
    def cleared(self) -> list[tuple[str, ClearedField]]:
        """(sheet name, field) for every field whose stored values the upload would clear."""
        return [
            (sheet.sheet.name, cleared)
            for sheet in self.sheets.values()
            for cleared in sheet.cleared
        ]

    @property
    def has_changes(self) -> bool:
        return any(sheet.has_changes for sheet in self.sheets.values())

    @property
    def projects(self) -> list[str]:
        return sorted(self.expected_versions)

    def totals(self) -> tuple[int, int, int]:
        """(added, changed, removed) over every sheet."""
        return (
            sum(s.added for s in self.sheets.values()),
            sum(s.changed for s in self.sheets.values()),
            sum(s.removed for s in self.sheets.values()),
        )


def preview_upload(
    path: Path | str | None, upload: ValidatedUpload, base: int | None = None
) -> UploadPreview:
    """What storing `upload` would change, compared with version `base` (default: latest).

    Reads only: the upload's rows are registered as an Arrow table, never written to the
    database; everything is read in one transaction, so the counts and `expected_versions`
    describe one and the same version.
    """
    with reading(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            return preview_in(connection, upload, base)
        finally:
            connection.execute("ROLLBACK")


def preview_in(
    connection: duckdb.DuckDBPyConnection, upload: ValidatedUpload, base: int | None = None
) -> UploadPreview:
    """`preview_upload` on an open connection, inside the caller's transaction."""
    latest = latest_version_in(connection)
    base = latest if base is None else min(int(base), latest)
    sheets = {
        sheet.key: _preview_sheet(
            connection,
            sheet,
            upload.tables[sheet.key],
            upload.scope[sheet.key],
            base,
            upload.absent_columns().get(sheet.key, set()),
            keyed=sheet.key in upload.keyed_sheets,
        )
        for sheet in SHEETS
        if sheet.key in upload.tables
    }
    for key, pairs in upload.removed_with_parents.items():
        _preview_removed_with_parents(connection, sheets, SHEETS_BY_KEY[key], pairs, base)
    sheets = {sheet.key: sheets[sheet.key] for sheet in SHEETS if sheet.key in sheets}
    expected = project_versions_in(connection, upload.touched_projects(), base)
    similar = []
    if not all(expected.values()):  # a project no version has touched: is it a stored one?
        stored = stored_projects_in(
            connection, base, recommendations="anbefalinger" in upload.tables
        )
        similar = similar_projects(upload, stored)
    return UploadPreview(base, expected, sheets, similar)


def _preview_sheet(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    table: pa.Table | pd.DataFrame,
    projects: set[str],
    base: int,
    absent: set[str] | frozenset[str] = frozenset(),
    *,
    keyed: bool = False,
) -> SheetPreview:
    """One sheet's changes; `keyed` compares only the stored rows with the upload's keys
    (`ValidatedUpload.keyed_sheets`), as storing replaces only those."""
    if isinstance(table, pd.DataFrame):
        rows = table[ROW_FIELD].tolist() if ROW_FIELD in table else range(2, len(table) + 2)
    elif ROW_FIELD in table.column_names:
        rows = table.column(ROW_FIELD)
    else:
        rows = range(2, table.num_rows + 2)
    names = ", ".join(column.db for column in sheet.columns)
    stored = connection.sql(
        f"""SELECT row_key, row_hash, row_order, {names} FROM {sheet.table}
        WHERE {as_of(version="base")}
          AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))""",
        params={"base": base, "projects": sorted(projects)},
    ).to_arrow_table()
    frame = incoming_frame(sheet, table, {"excel_row": rows})
    connection.register("incoming_frame", frame)
    connection.register("stored", stored)
    try:
        incoming = connection.sql(
            incoming_sql(sheet, "incoming_frame", ["excel_row"], absent=absent, stored="stored")
        ).to_arrow_table()
    except BaseException:
        _unregister(connection, "stored")
        raise
    finally:
        _unregister(connection, "incoming_frame")
    if keyed:  # the stored rows with other keys stay: neither compared nor removed
        _unregister(connection, "stored")
        stored = stored.filter(pc.is_in(stored.column("row_key"), incoming.column("row_key")))
        connection.register("stored", stored)
    connection.register("incoming", incoming)
    try:
        added, changed, unchanged, removed = connection.execute(
            """SELECT
              count(*) FILTER (WHERE s.row_key IS NULL),
              count(*) FILTER (WHERE s.row_key IS NOT NULL AND s.row_hash <> i.row_hash),
              count(*) FILTER (WHERE s.row_hash = i.row_hash),
              (SELECT count(*) FROM stored WHERE row_key NOT IN (SELECT row_key FROM incoming))
            FROM incoming i LEFT JOIN stored s USING (row_key)"""
        ).fetchall()[0]
        preview = SheetPreview(sheet.key, int(added), int(changed), int(removed), int(unchanged))
        if added:
            preview.added_rows = _rows_table(
                connection,
                sheet,
                f"""SELECT * FROM incoming WHERE row_key NOT IN (SELECT row_key FROM stored)
                ORDER BY row_order LIMIT {PREVIEW_ROWS}""",
                with_row=True,
            )
        if removed:
            preview.removed_rows = _rows_table(
                connection,
                sheet,
                f"""SELECT * FROM stored WHERE row_key NOT IN (SELECT row_key FROM incoming)
                ORDER BY {PROJECT_COLUMN}, row_order LIMIT {PREVIEW_ROWS}""",
                with_row=False,
            )
        if changed:
            preview.changed_fields = _changed_fields(connection, sheet)
            preview.cleared = _cleared_fields(connection, sheet, absent, len(projects) > 1)
    finally:
        _unregister(connection, "incoming", "stored")
    return preview


def _preview_removed_with_parents(
    connection: duckdb.DuckDBPyConnection,
    sheets: dict[str, SheetPreview],
    sheet: Sheet,
    pairs: set[tuple[str, str]],
    base: int,
) -> None:
    """Add the stored child rows that go with their removed parents to the sheet's preview."""
    where = f"""{as_of(version="base")}
        AND {parent_key_sql(sheet)} IN (SELECT unnest($keys::VARCHAR[]))"""
    params = {"base": base, "keys": parent_keys(pairs)}
    count = connection.execute(f"SELECT count(*) FROM {sheet.table} WHERE {where}", params)
    removed = int(count.fetchall()[0][0])
    if not removed:
        return
    names = ", ".join(column.db for column in sheet.columns)
    rows = _rows_table(
        connection,
        sheet,
        f"""SELECT {names} FROM {sheet.table} WHERE {where}
        ORDER BY {PROJECT_COLUMN}, row_order LIMIT {PREVIEW_ROWS}""",
        with_row=False,
        params=params,
    )
    preview = sheets.setdefault(sheet.key, SheetPreview(sheet.key))
    preview.removed += removed
    together = pd.concat([preview.removed_rows, rows], ignore_index=True)
    preview.removed_rows = together.head(PREVIEW_ROWS)


def _unregister(connection: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Drop registered views; after a failed statement this may fail too, which hides nothing."""
    for name in names:
        with contextlib.suppress(duckdb.Error):
            connection.unregister(name)


def _rows_table(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    query: str,
    *,
    with_row: bool,
    params: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Whole rows, every value as a person reads it, under the contract's headings."""
    cursor = connection.execute(query, params)
    names = [description[0] for description in cursor.description]
    records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    headings = ([ROW_HEADING] if with_row else []) + [column.name for column in sheet.columns]
    out = []
    for record in records:
        values = [record["excel_row"]] if with_row else []
        values += [format_value(column, record[column.db]) for column in sheet.columns]
        out.append(values)
    return pd.DataFrame(out, columns=_unique(headings))


def _changed_fields(connection: duckdb.DuckDBPyConnection, sheet: Sheet) -> pd.DataFrame:
    """One line per field that differs: the row's identity, the field, before and now."""
    differs = ", ".join(
        f"CASE WHEN s.{c.db} IS DISTINCT FROM i.{c.db} THEN '{c.db}' END" for c in sheet.columns
    )
    old = ", ".join(f"s.{c.db} AS old_{c.db}" for c in sheet.columns)
    new = ", ".join(f"i.{c.db} AS new_{c.db}" for c in sheet.columns)
    cursor = connection.execute(
        f"""SELECT i.excel_row, list_filter([{differs}], lambda name: name IS NOT NULL) AS fields,
          {old}, {new}
        FROM incoming i JOIN stored s USING (row_key)
        WHERE s.row_hash <> i.row_hash
        ORDER BY i.row_order LIMIT {PREVIEW_ROWS}"""
    )
    names = [description[0] for description in cursor.description]
    identity = identity_columns(sheet)
    headings = [ROW_HEADING, *(c.name for c in identity), FIELD_HEADING]
    headings += [BEFORE_HEADING, AFTER_HEADING]
    lines = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        who = [record["excel_row"], *(format_value(c, record[f"new_{c.db}"]) for c in identity)]
        for name in record["fields"]:
            column = sheet.column(name)
            before = format_value(column, record[f"old_{name}"])
            after = format_value(column, record[f"new_{name}"])
            lines.append([*who, column.name, before, after])
            # The score follows the last of the two scales it is made of.
            if sheet is RISIKO and name == _last_scale(record["fields"]):
                lines.append(
                    [
                        *who,
                        SCORE_HEADING,
                        _score(record["old_sannsynlighet"], record["old_konsekvens"]),
                        _score(record["new_sannsynlighet"], record["new_konsekvens"]),
                    ]
                )
    return pd.DataFrame(lines, columns=_unique(headings))


def _cleared_fields(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    absent: set[str] | frozenset[str],
    several_projects: bool,
) -> list[ClearedField]:
    """The fields whose stored values the upload would clear: a column the sheet has, an
    empty cell in it, a value stored. (A column it does not have clears nothing; a column
    with a default, such as Status, gets the default instead.)"""
    keys = {PROJECT_COLUMN, *sheet.id_columns}
    columns = [c for c in sheet.columns if c.db not in absent and c.db not in keys]
    cleared = {c.db: f"i.{c.db} IS NULL AND s.{c.db} IS NOT NULL" for c in columns}
    counts = connection.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {where})" for where in cleared.values())
        + " FROM incoming i JOIN stored s USING (row_key) WHERE s.row_hash <> i.row_hash"
    ).fetchall()[0]
    found = []
    who = [c for c in identity_columns(sheet) if c.db in (PROJECT_COLUMN, *sheet.id_columns)]
    if not several_projects and len(who) > 1:  # in Prosjekter, the project is the ID
        who = [c for c in who if c.db != PROJECT_COLUMN]
    for column, count in zip(columns, counts, strict=True):
        if not count:
            continue
        rows = connection.execute(
            f"""SELECT {", ".join(f"s.{c.db}" for c in who)}, s.{column.db}
            FROM incoming i JOIN stored s USING (row_key) WHERE {cleared[column.db]}
            ORDER BY i.row_order LIMIT {CLEARED_EXAMPLES}"""
        ).fetchall()
        examples = tuple(
            " ".join(format_value(c, value) for c, value in zip([*who, column], row, strict=True))
            for row in rows
        )
        found.append(ClearedField(column.name, int(count), examples))
    return found


def _last_scale(fields: Sequence[str]) -> str | None:
    scales = [name for name in fields if name in (_PROBABILITY, _CONSEQUENCE)]
    return scales[-1] if scales else None


def _score(probability: object, consequence: object) -> str:
    if is_missing(probability) or is_missing(consequence):
        return ""
    return str(int(probability) * int(consequence))  # type: ignore[call-overload]


def _unique(headings: Sequence[str]) -> list[str]:
    """Headings made unique for a table (a sheet could name two columns alike)."""
    seen: dict[str, int] = {}
    out = []
    for heading in headings:
        seen[heading] = seen.get(heading, 0) + 1
        out.append(heading if seen[heading] == 1 else f"{heading} ({seen[heading]})")
    return out
