"""Android contacts database ``contacts2.db``: contacts (and the call log on older Android)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dunguard.ingest.android_calllog import iter_calls
from dunguard.ingest.base import ParseContext, Record, sqlite_copy, sqlite_tables, table_columns
from dunguard.records import ContactRecord

_NAME = "vnd.android.cursor.item/name"
_PHONE = "vnd.android.cursor.item/phone_v2"
_ORG = "vnd.android.cursor.item/organization"
_NOTE = "vnd.android.cursor.item/note"
_PHONE_TYPES = {1: "home", 2: "mobile", 3: "work", 4: "fax_work", 5: "fax_home", 6: "pager", 7: "other",
                12: "main"}


class AndroidContactsImporter:
    name = "android_contacts"
    description = "Android contacts database contacts2.db"
    reads = "contacts2.db: raw_contacts, data, mimetypes (+ calls on Android < 7) (+ -wal)"
    samples = ("tests build contacts2.db with the AOSP ContactsProvider2 tables raw_contacts/data/mimetypes",)
    quirks = (
        "one person = one raw_contacts row; names and numbers are rows of data keyed by mimetype",
        "deleted=1 contacts (still in the database until sync) are kept and marked deleted",
        "phone data2 is the type (1 home, 2 mobile, 3 work, ...), data3 a custom label",
    )

    def sniff(self, path: Path, head: bytes) -> float:
        tables = sqlite_tables(path, head)
        return 0.9 if {"raw_contacts", "data", "mimetypes"} <= tables else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        with sqlite_copy(path, ctx.companions or None, ctx.display_name) as conn:
            rc_cols = table_columns(conn, "raw_contacts")
            name_col = "display_name" if "display_name" in rc_cols else "NULL"
            deleted_col = "deleted" if "deleted" in rc_cols else "0"
            people: dict[int, dict[str, Any]] = {}
            for rid, display, deleted in conn.execute(
                f"SELECT _id, {name_col}, {deleted_col} FROM raw_contacts ORDER BY _id"
            ):
                people[rid] = {"name": display, "deleted": bool(deleted), "numbers": [], "types": [],
                               "org": None, "note": None}
            rows = conn.execute(
                "SELECT d.raw_contact_id, m.mimetype, d.data1, d.data2, d.data3 FROM data d "
                "JOIN mimetypes m ON m._id = d.mimetype_id ORDER BY d.raw_contact_id, d._id"
            )
            for rid, mimetype, data1, data2, data3 in rows:
                person = people.get(rid)
                if person is None:
                    continue
                if mimetype == _PHONE and data1:
                    person["numbers"].append(str(data1))
                    label = data3 if data3 else _PHONE_TYPES.get(int(data2) if str(data2).isdigit() else 0)
                    person["types"].append(label)
                elif mimetype == _NAME and data1 and not person["name"]:
                    person["name"] = data1
                elif mimetype == _ORG and data1:
                    person["org"] = data1
                elif mimetype == _NOTE and data1:
                    person["note"] = data1
            for rid, person in people.items():
                if not person["numbers"] and not person["name"]:
                    continue
                extra: dict[str, Any] = {"labels": person["types"]}
                if person["deleted"]:
                    extra["deleted"] = True
                yield ContactRecord(
                    name=person["name"] or "",
                    numbers=person["numbers"],
                    locator=f"raw_contacts _id={rid}",
                    organization=person["org"],
                    note=person["note"],
                    extra=extra,
                )
            if table_columns(conn, "calls"):
                yield from iter_calls(conn, ctx)


IMPORTER = AndroidContactsImporter()
