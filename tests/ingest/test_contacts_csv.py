"""Contacts CSV: common headers, GBK / UTF-8 with and without BOM, several numbers per cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunguard.ingest.base import ParseContext, detect
from dunguard.ingest.contacts_csv import IMPORTER
from dunguard.records import ContactRecord


def _contacts(path: Path) -> tuple[list[ContactRecord], ParseContext]:
    ctx = ParseContext(display_name=path.name)
    return [r for r in IMPORTER.parse(path, ctx) if isinstance(r, ContactRecord)], ctx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_chinese_phone_export(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "联系人.csv"
    path.write_text(
        "姓名,手机,电话,单位,备注\n妈妈,138 1234 5678,010-88886666,,家人\n张伟,13900001111;13900002222,,某某公司,\n,,,,\n",
        encoding=encoding,
    )
    assert detect(path).name == "contacts_csv"
    records, ctx = _contacts(path)
    assert [(r.name, r.numbers, r.organization, r.note) for r in records] == [
        ("妈妈", ["138 1234 5678", "010-88886666"], None, "家人"),
        ("张伟", ["13900001111", "13900002222"], "某某公司", None),
    ]
    assert ctx.skipped_count == 0  # the all-empty row is not a record at all


def test_google_csv_and_split_names(tmp_path: Path) -> None:
    path = tmp_path / "google.csv"
    path.write_text(
        "Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Value\n"
        "Wei,Zhang,Mobile,+86 138 0000 0001 ::: +86 138 0000 0002,\n小红,李,,13700000000,\n",
        encoding="utf-8",
    )
    records, _ = _contacts(path)
    assert [(r.name, r.numbers) for r in records] == [
        ("Wei Zhang", ["+86 138 0000 0001", "+86 138 0000 0002"]),
        ("李小红", ["13700000000"]),
    ]


def test_rows_without_name_and_number_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name,phone,note\n,,only a note\nBob,,\n", encoding="utf-8")
    records, ctx = _contacts(path)
    assert [(r.name, r.numbers) for r in records] == [("Bob", [])]
    assert [(s.locator, s.reason) for s in ctx.skipped] == [("row 1", "ingest_b.skip.contact_empty")]


def test_event_tables_are_not_taken_for_contacts(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "time,direction,number,name,kind,text,duration\n2024-10-04 22:41,in,138,x,call,,1\n", encoding="utf-8"
    )
    assert detect(path).name == "generic_csv"


def test_contacts_become_parties(home: object, tmp_path: Path) -> None:
    from sqlalchemy import select

    from dunguard.ingest.pipeline import import_paths
    from dunguard.models import Party, Phone
    from dunguard.testing import make_case

    case = make_case(home, "通讯录")  # type: ignore[arg-type]
    path = tmp_path / "contacts.csv"
    path.write_text("姓名,手机\n妈妈,13812345678\n", encoding="utf-8")
    report = import_paths(home, case.id, [path])  # type: ignore[arg-type]
    assert report.files[0].contacts_new == 1
    again = import_paths(home, case.id, [path])  # type: ignore[arg-type]
    assert again.files[0].contacts_new == 0
    with home.store.session() as s:  # type: ignore[attr-defined]
        rows = s.execute(
            select(Party.name, Phone.e164)
            .join(Phone, Phone.party_id == Party.id)
            .where(Party.case_id == case.id)
        ).all()
    assert [tuple(r) for r in rows] == [("妈妈", "+8613812345678")]
