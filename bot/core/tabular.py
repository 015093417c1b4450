"""Reading CSV and XLSX files the same way for every importer, and writing exports
(formula-looking cells neutralised).

CSV files from Chinese Windows machines are often GBK (or UTF-8 with a BOM); we try UTF-8
first and fall back to GB18030, a superset of GBK."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

MAX_COLUMNS = 256  # header columns; a row costs work per column, present or not
MAX_ROWS = 1_048_576  # Excel's own limit: a row number past it is a hostile file
MAX_SHOWN = 80  # characters of a value echoed in a problem line


class FileFormatError(Exception):
    """The file as a whole can't be read; the message is for the operator. `line`: where
    reading stopped, when that is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class ImportResult:
    """What every importer reports: each problem as (line, problem), and whether there were
    none. Importers subclass it with their own counts."""

    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def clip(text: str) -> str:
    """At most MAX_SHOWN characters of what a message echoes: a cell may hold megabytes."""
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def shown(value: object) -> str:
    """A value as a problem line quotes it: 'value', clipped."""
    return repr(clip(str(value)))


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError("the file is neither UTF-8 nor GBK text; save it as UTF-8 CSV")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(header, rows) where each row is (line number in the file, {column: text}).
    Header names are lower-cased and stripped; blank lines are skipped."""
    if not path.exists():
        raise FileFormatError(f"file not found: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise FileFormatError(f"unsupported file type {path.suffix!r}: use .csv or .xlsx")
    return _rows(_csv_lines(decode(path.read_bytes())))


def _csv_lines(text: str) -> Iterator[list[str]]:
    line = 1  # the line being read
    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            yield cells
            line += 1
    except csv.Error as exc:
        message = str(exc)
        if "field limit" in message:
            message = f"a field is longer than {csv.field_size_limit()} characters"
        raise FileFormatError(message, line=line) from None


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook  # imported lazily: only importers need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(f"not a readable Excel file: {clip(str(exc))}") from None
    return _rows(_xlsx_lines(book.worksheets[0]))


def _xlsx_lines(sheet) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The rows as they are in the file. Read-only openpyxl trusts the size the file declares
    (<dimension>): it drops rows past it and pads every row to its width, so forget it, and
    read data rows only as wide as the header."""
    sheet.reset_dimensions()
    done = 0  # lines read
    try:
        header = [_cell(v) for v in next(sheet.iter_rows(max_row=1, values_only=True), ())]
        done = 1
        yield header
        width = max(1, len(_named(header)))
        rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
        for done, row in enumerate(rows, start=2):
            if done > MAX_ROWS:
                raise FileFormatError(f"more than {MAX_ROWS} rows", line=done)
            yield [_cell(v) for v in row] if any(v is not None for v in row) else []
    except FileFormatError:
        raise
    except Exception as exc:  # openpyxl parsing a malformed sheet
        message = f"not a readable Excel file: {clip(str(exc))}"
        raise FileFormatError(message, line=done + 1) from None


def _named(header: list[str]) -> list[str]:
    """The header without its trailing empty cells (spreadsheets often carry some)."""
    end = len(header)
    while end and not header[end - 1].strip():
        end -= 1
    return header[:end]


def _rows(lines) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:  # type: ignore[no-untyped-def]
    it = iter(lines)
    try:
        header = _named([h.strip().lower() for h in next(it)])
    except StopIteration:
        raise FileFormatError("the file is empty") from None
    if len(header) > MAX_COLUMNS:
        raise FileFormatError(f"too many columns ({len(header)}; at most {MAX_COLUMNS})", line=1)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line_no, cells in enumerate(it, start=2):
            if not any(c.strip() for c in cells):
                continue
            yield (
                line_no,
                {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)},
            )

    return header, rows()


def require_columns(header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise FileFormatError(
            f"missing column(s): {', '.join(missing)}; the header must include {','.join(required)}"
        )


# --- writing exports -------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | None


def neutral(value: Cell) -> Cell:
    """A text cell a spreadsheet will show, never execute."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(
    path: Path, fmt: str, columns: list[str], table: Iterable[list[Cell]], *, sheet: str = "data"
) -> int:
    """Write an export as CSV (UTF-8 with a BOM, for Excel) or XLSX; returns the number of
    data rows. Cells are written as given: neutralise text cells first (`neutral`)."""
    if fmt == "csv":
        return _write_csv(path, columns, table)
    return _write_xlsx(path, columns, table, sheet)


def _write_csv(path: Path, columns: list[str], table: Iterable[list[Cell]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in table:
            writer.writerow(["" if cell is None else cell for cell in row])
            count += 1
    return count


def _write_xlsx(path: Path, columns: list[str], table: Iterable[list[Cell]], sheet: str) -> int:
    from openpyxl import Workbook  # only an XLSX export pays for loading it

    book = Workbook(write_only=True)
    out = book.create_sheet(sheet)
    out.append(columns)
    count = 0
    for row in table:
        # a text cell is stored as a string (data type "s"), never a formula
        out.append([float(c) if isinstance(c, Decimal) else c for c in row])
        count += 1
    book.save(path)
    return count
