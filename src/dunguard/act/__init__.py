"""From findings to action: the interview, the action plan, documents and the case report.

    from dunguard.act import draft, make_plan, write_report
    write_report(home, case_id, Path("report.html"))

Data files (questions, plan steps, complaint channels) live in ``act/data``; document
templates in ``act/templates``.  Nothing here invents a fact: see ``docs/documents.md``.
"""

from __future__ import annotations

from dunguard.act.documents import KINDS, compose, draft
from dunguard.act.facts import CaseFacts, load_facts
from dunguard.act.interview import load_answers_file, pending, save_answers
from dunguard.act.plan import Step, make_plan, plan_for_case
from dunguard.act.report import render_html, write_report

__all__ = [
    "KINDS",
    "CaseFacts",
    "Step",
    "compose",
    "draft",
    "load_answers_file",
    "load_facts",
    "make_plan",
    "pending",
    "plan_for_case",
    "render_html",
    "save_answers",
    "write_report",
]
