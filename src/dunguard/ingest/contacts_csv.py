"""Contacts exported as CSV (phone "导出联系人", Google / Outlook CSV, hand-made lists).

Recognised by its header: a name column (姓名 / 名称 / 联系人 / 备注名 / name / full name /
display name, or first + last name columns) and at least one phone column (电话 / 手机 /
号码 / 电话号码 / 手机号码 / 移动电话 / 住宅电话 / 工作电话 / phone / mobile / tel /
"Phone 1 - Value", ...).  A cell may hold several numbers separated by ``;``, ``,``, ``/``,
``、`` or Google's `` ::: ``.  Encoding: UTF-8 with or without BOM, or GBK (detected).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import ParseContext, Record
from dunguard.ingest.generic_csv import iter_csv, sniff_header
from dunguard.records import ContactRecord

__all__ = ["IMPORTER", "ContactsCsvImporter", "classify_header"]

NAME_COLUMNS = (
    "姓名",
    "名称",
    "名字",
    "联系人",
    "联系人姓名",
    "备注名",
    "显示名称",
    "name",
    "full name",
    "fullname",
    "display name",
    "displayname",
    "contact name",
)
GIVEN_COLUMNS = ("名", "first name", "given name", "firstname")
FAMILY_COLUMNS = ("姓", "last name", "family name", "surname", "lastname")
ORG_COLUMNS = (
    "公司",
    "单位",
    "工作单位",
    "组织",
    "company",
    "organization",
    "organisation",
    "organization 1 - name",
)
NOTE_COLUMNS = ("备注", "note", "notes")
_PHONE_WORDS = ("电话", "手机", "号码", "移动电话", "phone", "mobile", "tel", "cell", "telephone")
_PHONE_EXCLUDE = ("type", "label", "类型", "标签")
_SPLIT = re.compile(r"\s*(?::::|;|,|/|、|\|)\s*")


def _is_phone_column(name: str) -> bool:
    if any(word in name for word in _PHONE_EXCLUDE):
        return False
    return any(word in name for word in _PHONE_WORDS)


def classify_header(header: list[str]) -> dict[str, list[str]]:
    """Which columns hold names, numbers, organisation and notes (lower-cased names)."""
    cols: dict[str, list[str]] = {"name": [], "given": [], "family": [], "phone": [], "org": [], "note": []}
    for col in header:
        if col in NAME_COLUMNS:
            cols["name"].append(col)
        elif col in GIVEN_COLUMNS:
            cols["given"].append(col)
        elif col in FAMILY_COLUMNS:
            cols["family"].append(col)
        elif col in ORG_COLUMNS:
            cols["org"].append(col)
        elif col in NOTE_COLUMNS:
            cols["note"].append(col)
        elif _is_phone_column(col):
            cols["phone"].append(col)
    return cols


def _numbers(cell: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(cell) if any(ch.isdigit() for ch in part)]


class ContactsCsvImporter:
    name = "contacts_csv"
    description = "Contact list as CSV (phone export, Google/Outlook CSV, hand-made 姓名,电话 list)"
    reads = "CSV with a name column and one or more phone columns; UTF-8 (BOM or not) or GBK"
    samples: tuple[str, ...] = (
        "generated in tests/ingest/test_contacts_csv.py (UTF-8, UTF-8 BOM, GBK, Google CSV)",
    )
    quirks: tuple[str, ...] = (
        "Excel saves Chinese CSV as GBK without BOM: detected and decoded as GB18030",
        "Google CSV puts several numbers in one cell separated by ' ::: '",
        "rows without any number and without a name are skipped with a reason",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        header = sniff_header(head)
        if not header:
            return 0.0
        cols = classify_header(header)
        has_name = bool(cols["name"] or cols["given"] or cols["family"])
        if not (has_name and cols["phone"]):
            return 0.0
        # a chat or event export also has names and numbers; contacts have no time column
        if any(h in ("time", "time_utc", "date", "日期", "时间", "createtime", "kind") for h in header):
            return 0.2
        return 0.85

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        cols: dict[str, list[str]] | None = None
        for row in iter_csv(path, ctx):
            if cols is None:
                cols = classify_header([k for k in row.values if k != "_extra"])
            name = row.get(*cols["name"]).strip()
            if not name:
                family = row.get(*cols["family"]).strip()
                given = row.get(*cols["given"]).strip()
                if any("\u3400" <= ch <= "\u9fff" for ch in family + given):
                    name = family + given
                else:
                    name = " ".join(p for p in (given, family) if p)
            numbers: list[str] = []
            by_column: list[dict[str, Any]] = []
            for col in cols["phone"]:
                for number in _numbers(row.values.get(col, "")):
                    by_column.append({"value": number, "column": col})
                    if number not in numbers:
                        numbers.append(number)
            if not name and not numbers:
                ctx.skip(row.locator, "ingest_b.skip.contact_empty")
                continue
            yield ContactRecord(
                name=name,
                numbers=numbers,
                locator=row.locator,
                organization=row.get(*cols["org"]).strip() or None,
                note=row.get(*cols["note"]).strip() or None,
                extra={"tel": by_column},
            )


IMPORTER = ContactsCsvImporter()
