"""Registers as files: CSV safe from formula injection, and an XLSX workbook."""

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from defusedcsv import csv
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


class _Echo:
    """A file-like object whose write hands back what it was given, for streaming."""

    def write(self, value: str) -> str:
        return value


def _plain(value):
    # Headings and labels may be marked for translation: the writers take finished text.
    return str(value) if isinstance(value, Promise) else value


def csv_lines(columns: Iterable[str], rows: Iterable[tuple]) -> Iterator[str]:
    """CSV text line by line; defusedcsv escapes cells a spreadsheet would run as formulas."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the text as UTF-8
    yield writer.writerow([_plain(column) for column in columns])
    for row in rows:
        yield writer.writerow(["" if value is None else _plain(value) for value in row])


def _cell(sheet, value):
    value = _plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text, never a formula, whatever it starts with.
        cell.data_type = "s"
    return cell


def write_csv(handle: BinaryIO, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """The register as UTF-8 CSV, written line by line."""
    for line in csv_lines(columns, rows):
        handle.write(line.encode("utf-8"))


def write_xlsx(handle: BinaryIO, title: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """A workbook of one sheet, built row by row (write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    header = []
    for column in columns:
        cell = _cell(sheet, column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    workbook.save(handle)
