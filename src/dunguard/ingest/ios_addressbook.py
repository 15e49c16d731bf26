"""iOS contacts ``AddressBook.sqlitedb`` (with its WAL: recent records often live only there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.base import (
    ParseContext,
    Record,
    apple_time,
    select_existing,
    sqlite_copy,
    sqlite_tables,
    table_columns,
)
from dunguard.records import ContactRecord

PROP_PHONE, PROP_EMAIL, PROP_ADDRESS, PROP_URL = 3, 4, 5, 22


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def display_name(first: str | None, last: str | None, middle: str | None = None) -> str:
    """Chinese names read family-name first without a space (张三); others "First Middle Last"."""
    parts = [p.strip() for p in (first, middle, last) if p and p.strip()]
    if not parts:
        return ""
    if (first and _has_cjk(first)) or (last and _has_cjk(last)):
        return "".join(p.strip() for p in (last, first, middle) if p and p.strip())
    return " ".join(parts)


def clean_label(label: str | None) -> str | None:
    """'_$!<Mobile>!$_' → 'Mobile'; custom labels unchanged."""
    if label and label.startswith("_$!<") and label.endswith(">!$_"):
        return label[4:-4]
    return label


class IosAddressBookImporter:
    name = "ios_addressbook"
    description = "iPhone contacts database AddressBook.sqlitedb"
    reads = "AddressBook.sqlitedb: ABPerson, ABMultiValue, ABMultiValueLabel (+ -wal, -shm)"
    samples = (
        "shared/data/ios/ileapp_testdata.addressBook.josh_ios15_ffs.zip (iOS 15.3.1, 9 ABPerson)",
        "shared/data/ios/ileapp_testdata.addressBook.belkasoft_ctf6_ios_device1.zip (all rows only in the WAL)",
    )
    quirks = (
        "the main file can be nearly empty with every record in AddressBook.sqlitedb-wal: the WAL is always read",
        "dates are seconds since 2001-01-01 (Apple epoch)",
        "ABMultiValue.property 3 = phone, 4 = e-mail, 5 = address, 22 = URL; labels like _$!<Mobile>!$_",
        "phone values are as typed: '(919) 888-7386', '+1 (919) 208-4530', '1-800-MY-APPLE'",
        "an organisation card has no First/Last: its Organization is the name",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        tables = sqlite_tables(path, head)
        return 0.95 if {"abperson", "abmultivalue"} <= tables else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            labels: dict[int, str] = {}
            if table_columns(conn, "ABMultiValueLabel"):
                labels = {int(r[0]): str(r[1]) for r in conn.execute("SELECT ROWID, value FROM ABMultiValueLabel")}
            values: dict[int, list[tuple[int, str | None, str]]] = {}
            for rid, prop, label, value in conn.execute(
                "SELECT record_id, property, label, value FROM ABMultiValue ORDER BY record_id, UID"
            ):
                if value is None:
                    continue
                values.setdefault(int(rid), []).append(
                    (int(prop), clean_label(labels.get(int(label))) if label is not None else None, str(value))
                )
            wanted = ("ROWID", "First", "Last", "Middle", "Organization", "Nickname", "Note",
                      "CreationDate", "ModificationDate")
            for row in select_existing(conn, "ABPerson", wanted, "ORDER BY ROWID"):
                rid = int(row["ROWID"])
                name = display_name(row["First"], row["Last"], row["Middle"]) or (row["Organization"] or "")
                entries = values.get(rid, [])
                numbers = [v for p, _l, v in entries if p == PROP_PHONE]
                extra: dict[str, Any] = {
                    "labels": [lbl for p, lbl, _v in entries if p == PROP_PHONE],
                }
                emails = [v for p, _l, v in entries if p == PROP_EMAIL]
                if emails:
                    extra["emails"] = emails
                if row["Nickname"]:
                    extra["nickname"] = row["Nickname"]
                for col, key in (("CreationDate", "created"), ("ModificationDate", "modified")):
                    when = apple_time(row[col])
                    if when is not None:
                        extra[key] = when.isoformat()
                if not name and not numbers:
                    ctx.skip(f"ABPerson ROWID={rid}", "ingest.skip.empty_contact")
                    continue
                yield ContactRecord(
                    name=name,
                    numbers=numbers,
                    locator=f"ABPerson ROWID={rid}",
                    organization=row["Organization"],
                    note=row["Note"],
                    extra=extra,
                )


IMPORTER = IosAddressBookImporter()
