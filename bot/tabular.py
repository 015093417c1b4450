"""Reading CSV and XLSX files the same way for every importer.

CSV files from Chinese Windows machines are often GBK (or UTF-8 with a BOM); we try UTF-8
first and fall back to GB18030, a superset of GBK."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path


class FileFormatError(Exception):
    """The file as a whole can't be read; the message is for the operator."""


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
    reader = csv.reader(io.StringIO(decode(path.read_bytes()), newline=""))
    return _rows(reader)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook  # imported lazily: only importers need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(f"not a readable Excel file: {exc}") from None
    sheet = book.worksheets[0]
    return _rows([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))


def _rows(lines) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:  # type: ignore[no-untyped-def]
    it = iter(lines)
    try:
        header = [h.strip().lower() for h in next(it)]
    except StopIteration:
        raise FileFormatError("the file is empty") from None

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
