"""Shared builders for the engine tests (events, contacts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dunguard.home import Home
from dunguard.models import Party, Phone

COLLECTOR = "+8617012345601"
MUM = "+8613800000001"
THREAT = "你再不还钱，小心我找人打断你的腿"
LAWFUL = "【马上还钱】尊敬的王先生，您的借款本期应还1280.00元已逾期3天，请及时还款，逾期记录将按规定报送征信。"


def sms(when: dt.datetime, number: str, text: str, direction: str = "in", kind: str = "virtual_mobile") -> dict[str, Any]:
    return {"kind": "sms", "direction": direction, "time_utc": when, "counterpart_e164": number,
            "counterpart_raw": number[3:], "text": text, "channel": "sms", "number_kind": kind}


def call(when: dt.datetime, number: str, status: str = "missed", duration: int = 0,
         kind: str = "virtual_mobile") -> dict[str, Any]:
    return {"kind": "call", "direction": "in", "time_utc": when, "counterpart_e164": number,
            "counterpart_raw": number[3:], "call_status": status, "duration_s": duration, "channel": "call",
            "number_kind": kind}


def add_contact(home: Home, case_id: str, name: str, number: str) -> None:
    with home.store.write_session() as s:
        p = Party(case_id=case_id, role="contact", name=name, extra={})
        s.add(p)
        s.flush()
        s.add(Phone(case_id=case_id, party_id=p.id, raw=number[3:], e164=number))
