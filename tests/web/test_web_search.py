"""Timeline search through the trigram index gives exactly the substring test's results."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text, update

from dunguard.home import Home
from dunguard.models import Event
from dunguard.testing import add_events, make_case, utc
from dunguard.web import search
from dunguard.web.timeline import TimelineFilter, timeline_page

ALPHABET = "通讯录催收还钱上门逾期你妈aAbB%_\\\" 1"


def _ascii_lower(value: str) -> str:
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in value)


def _expected(rows: list[dict[str, object]], query: str) -> list[str]:
    q = _ascii_lower(query.strip())
    return [str(r["locator"]) for r in rows
            if any(isinstance(v, str) and q in _ascii_lower(v) for v in (r.get("text"), r.get("counterpart_name"),
                                                                            r.get("counterpart_raw")))]


def _found(home: Home, case_id: str, query: str) -> list[str]:
    page = timeline_page(home, case_id, TimelineFilter(query=query), limit=1000)
    return [e.locator for e in page.rows]


def _rows(texts: list[str], start: int = 0) -> list[dict[str, object]]:
    return [{"kind": "sms", "direction": "in", "time_utc": utc(2024, 1, 1) + dt.timedelta(hours=start + i),
             "counterpart_raw": f"1700000{start + i:04d}", "counterpart_e164": f"+861700000{start + i:04d}",
             "counterpart_name": "妈妈" if i % 3 == 0 else None, "text": t, "locator": f"e{start + i}"}
            for i, t in enumerate(texts)]


TEXTS = ["再不还钱就把你欠钱的事发给你通讯录里所有人", "通讯 录是什么", "明天上门，到你单位找你领导",
         "利息只要100%，今天必须还", "账号 wang_xm 已冻结", "发給你通訊錄", "Pay NOW or we call your Mom",
         "你妈妈的电话我们已经打过了", "逾期3天，请还款", "说\"通讯录\"要引号"]


@pytest.mark.parametrize("query", ["通", "录", "通讯", "讯录", "通讯录", "讯录里所", "妈妈", "你妈", "逾期3天",
                                   "100%", "_", "wang_", "pay now", "MOM", "\"通讯录\"", "0000", "17000000003",
                                   "还钱就把你欠", "不存在的词"])
def test_one_two_and_longer_chinese_queries_match_the_substring_test(home: Home, query: str) -> None:
    case = make_case(home)
    rows = _rows(TEXTS)
    add_events(home, case.id, rows)
    assert _found(home, case.id, query) == _expected(rows, query)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(ALPHABET, min_size=0, max_size=12), min_size=1, max_size=12),
       query=st.text(ALPHABET, min_size=1, max_size=5))
def test_any_query_gives_the_substring_results(home: Home, texts: list[str], query: str) -> None:
    case = make_case(home)
    rows = _rows(texts)
    add_events(home, case.id, rows)
    if query.strip():
        assert _found(home, case.id, query) == _expected(rows, query)


def test_index_follows_new_changed_and_removed_events(home: Home) -> None:
    if not home.store.is_sqlite:
        pytest.skip("SQLite index")
    case = make_case(home)
    add_events(home, case.id, _rows(TEXTS[:3]))
    assert _found(home, case.id, "通讯录") == ["e0"]  # indexed by this search
    with home.store.session() as s:
        synced = s.execute(text("SELECT synced_max, dirty FROM search_state")).one()
    assert synced[1] == 0 and synced[0] > 0
    add_events(home, case.id, _rows(["新来的通讯录短信"], start=10))
    assert _found(home, case.id, "通讯录") == ["e0", "e10"]  # not indexed yet, still found
    with home.store.write_session() as s:  # a contact's name set on an indexed event
        s.execute(update(Event).where(Event.locator == "e1").values(counterpart_name="通讯录里的人"))
    assert _found(home, case.id, "通讯录里的") == ["e1"]
    with home.store.write_session() as s:
        s.execute(delete(Event).where(Event.locator == "e0"))
    other = make_case(home, "另一个")
    add_events(home, other.id, _rows(["通讯录"], start=20))
    assert _found(home, case.id, "通讯录") == ["e1", "e10"]
    assert _found(home, other.id, "通讯录") == ["e20"]
    with home.store.session() as s:
        assert s.execute(text("SELECT dirty FROM search_state")).scalar() == 0  # rebuilt


def test_search_while_the_database_is_busy(home: Home) -> None:
    if not home.store.is_sqlite:
        pytest.skip("SQLite write lock")
    case = make_case(home)
    add_events(home, case.id, _rows(TEXTS))
    with home.store.write_session() as s:  # another writer (an import) holds the lock
        s.execute(text("SELECT 1"))
        assert search.sync(home) is False
        assert _found(home, case.id, "通讯录") == _expected(_rows(TEXTS), "通讯录")


def test_trigram_query_quotes_every_piece() -> None:
    assert search.trigram_query('a"bc') == '"a""b" AND """bc"'
    assert search.trigram_query("通讯录") == '"通讯录"'
    assert search.like_pattern("100%_\\") == "%100\\%\\_\\\\%"


def test_postgres_search_uses_the_same_test(any_home: Home) -> None:
    home = any_home
    case = make_case(home)
    rows = _rows(TEXTS)
    add_events(home, case.id, rows)
    for q in ("通", "通讯", "通讯录", "PAY NOW", "100%"):
        assert _found(home, case.id, q) == _expected(rows, q)
    if home.store.dialect == "postgresql":
        with home.store.session() as s:
            assert search.plan(home, s, "通讯录").indexed  # pg_trgm is available on the test server


def test_migration_indexes_the_events_already_there(home: Home) -> None:
    if not home.store.is_sqlite:
        pytest.skip("SQLite index")
    from alembic import command

    from dunguard.store import _alembic_config

    case = make_case(home)
    cfg = _alembic_config()
    with home.store.write_connection() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "web@base")  # a database from before the index
    rows = _rows(TEXTS)
    add_events(home, case.id, rows)
    with home.store.write_connection() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    with home.store.session() as s:
        synced, dirty = s.execute(text("SELECT synced_max, dirty FROM search_state")).one()
        assert dirty == 0 and synced == s.scalar(text("SELECT max(id) FROM events"))
        assert search.plan(home, s, "通讯录").indexed
    assert _found(home, case.id, "通讯录") == _expected(rows, "通讯录")


def test_common_term_pages_walk_every_match_once(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    from dunguard.web import timeline as timeline_mod

    monkeypatch.setattr(timeline_mod, "COUNT_CAP", 3)  # the count stops early: pages read in time order
    case = make_case(home)
    rows = _rows([f"第{i}条：把你欠钱的事发给你通讯录" if i % 2 else "你好" for i in range(12)])
    add_events(home, case.id, rows)
    seen: list[str] = []
    cursor = None
    while True:
        page = timeline_page(home, case.id, TimelineFilter(query="通讯录"), cursor=cursor, limit=2)
        assert page.total_capped and page.total == 3
        seen += [e.locator for e in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == _expected(rows, "通讯录")
