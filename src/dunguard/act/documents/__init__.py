"""Documents drafted from a case: one small module per kind, one template per kind.

``KINDS`` lists them in the order ``dunguard draft --list`` shows.  :func:`draft` renders one
kind for one case to ``.docx`` (docxtpl), ``.txt`` (for pasting into online forms), ``.md`` or
``.html``, chosen by the output file's suffix.  A fact the case does not hold prints as a
visible 【待填写：…】 blank; see :mod:`dunguard.act.documents.base`.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from dunguard.act.documents import (
    civil_complaint,
    complaint_12378_text,
    complaint_nfra,
    contact_sms,
    evidence_list,
    negotiation,
    police_report,
    stop_notice,
)
from dunguard.act.documents.base import DocumentKind, DraftContext
from dunguard.act.documents.render import BLANK_RE, Block, parse, to_html, to_markdown, to_text, write_docx
from dunguard.act.facts import CaseFacts, load_facts
from dunguard.analyze.rulebook import load
from dunguard.errors import NotFoundError, StorageError, UsageError
from dunguard.home import Home

KINDS: tuple[DocumentKind, ...] = (
    stop_notice.KIND,
    contact_sms.KIND,
    complaint_nfra.KIND,
    complaint_12378_text.KIND,
    police_report.KIND,
    negotiation.KIND,
    civil_complaint.KIND,
    evidence_list.KIND,
)
FORMATS = {".docx": "docx", ".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def kind(kind_id: str) -> DocumentKind:
    for k in KINDS:
        if k.id == kind_id:
            return k
    raise NotFoundError("act.draft.unknown_kind", kind=kind_id, kinds=", ".join(k.id for k in KINDS))


def template_text(name: str) -> str:
    path = resources.files("dunguard.act") / "templates" / name
    if not path.is_file():
        raise NotFoundError("act.draft.missing_template", name=name)
    return path.read_text(encoding="utf-8")


def template_source(k: DocumentKind) -> str:
    return template_text(k.template)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FunctionLoader(template_text), autoescape=False, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


@dataclass(slots=True)
class Drafted:
    kind: DocumentKind
    blocks: list[Block]
    cited: list[str]  # statute ids printed
    blanks: list[str]  # the 【待填写：…】 blanks left

    @property
    def title(self) -> str:
        for b in self.blocks:
            if b.kind == "title":
                return b.text
        return self.kind.name()

    def render(self, fmt: str) -> str:
        if fmt == "txt":
            return to_text(self.blocks)
        if fmt == "md":
            return to_markdown(self.blocks)
        if fmt == "html":
            return to_html(self.blocks, self.title)
        raise UsageError("act.draft.bad_format", fmt=fmt, formats=", ".join(sorted(set(FORMATS))))


def compose(facts: CaseFacts, kind_id: str, *, lender: int = 0, today: dt.date | None = None,
            home: Home | None = None) -> Drafted:
    """Fill the template of ``kind_id`` with the case's facts (no I/O)."""
    from dunguard.act.interview import definition

    k = kind(kind_id)
    d = definition()
    ctx = DraftContext(facts, load(), lender=lender, today=today, labels=lambda key: d.label(key, "zh"),
                       home=home)
    variables = ctx.helpers()
    if k.context is not None:
        variables.update(k.context(ctx))
    markup = _environment().get_template(k.template).render(**variables)
    blocks = parse(markup)
    blanks: list[str] = []
    for b in blocks:
        for text in [b.text, *(c for r in b.rows for c in r)]:
            blanks += [m.group(0) for m in BLANK_RE.finditer(text) if m.group(0) not in blanks]
    return Drafted(k, blocks, list(ctx.cited), blanks)


def draft(home: Home, case_id: str, kind_id: str, output: Path, *, lender: int = 0,
          today: dt.date | None = None) -> Drafted:
    """Write document ``kind_id`` of ``case_id`` to ``output`` (format from the suffix, atomically)."""
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise UsageError("act.draft.bad_format", fmt=output.suffix or output.name,
                         formats=", ".join(sorted(set(FORMATS))))
    facts = load_facts(home, case_id)
    doc = compose(facts, kind_id, lender=lender, today=today, home=home)
    output = output.expanduser()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".dunguard-draft-", suffix=output.suffix, dir=output.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if fmt == "docx":
                write_docx(doc.blocks, tmp)
            else:
                tmp.write_text(doc.render(fmt), encoding="utf-8")
            os.replace(tmp, output)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError.from_os(exc, str(output)) from exc
    return doc


__all__ = ["FORMATS", "KINDS", "DocumentKind", "Drafted", "compose", "draft", "kind", "template_source"]
