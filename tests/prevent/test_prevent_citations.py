"""Every statute text the prevention tools cite is exactly the text in law.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dunguard.prevent.citations import load_data, reference, references, statutes

REPO = Path(__file__).resolve().parents[2]
LAW_MD = REPO.parent / "shared" / "law" / "law.md"
RULEBOOK = REPO / "src" / "dunguard" / "analyze" / "rulebooks" / "cn" / "statutes.yaml"


def _article_from_law_md(text: str, section: str, article: str) -> str:
    m = re.search(r"^## " + re.escape(section) + r"\. .*?$(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, f"section {section} not in law.md"
    paragraphs: list[str] = []
    inside = False
    for line in m.group(1).split("\n"):
        if line.startswith(f"> {article} "):
            inside = True
            paragraphs.append(line[2 + len(article) + 1 :])
        elif inside:
            if line == ">":
                continue
            if line.startswith("> ") and not re.match(r"> 第[一二三四五六七八九十百千零]+条", line):
                paragraphs.append(line[2:])
                continue
            break
    assert paragraphs, f"{article} not found in section {section}"
    return "\n".join(paragraphs)


@pytest.mark.skipif(not LAW_MD.exists(), reason="../shared/law/law.md not present")
def test_every_statute_text_is_exactly_law_md() -> None:
    law = LAW_MD.read_text(encoding="utf-8")
    raw = load_data("citations.yaml")["statutes"]
    assert raw
    for row in raw:
        expected = _article_from_law_md(law, row["law_md_section"], row["article"])
        assert row["text"] == expected, row["id"]


@pytest.mark.skipif(not LAW_MD.exists(), reason="../shared/law/law.md not present")
def test_unverified_references_are_not_quoted_from_law_md() -> None:
    law = LAW_MD.read_text(encoding="utf-8")
    for ref in references().values():
        # if law.md ever gains a verified copy, the reference should become a statute
        assert ref.title.strip("《》") not in law, f"{ref.id} is now in law.md: verify and quote it"


def test_reference_is_named_not_quoted() -> None:
    ref = reference("app_necessary_info_rules")
    assert "网络借贷类" in ref.note("zh") and "不作引用" in ref.note("zh")
    assert "does not quote" in ref.note("en")


@pytest.mark.skipif(not RULEBOOK.exists(), reason="analysis rulebook not present")
def test_same_text_as_the_analysis_rulebook_where_both_have_the_id() -> None:
    rulebook = {s["id"]: s for s in yaml.safe_load(RULEBOOK.read_text(encoding="utf-8"))["statutes"]}
    shared = [sid for sid in statutes() if sid in rulebook]
    assert shared
    for sid in shared:
        assert statutes()[sid].text.strip() == str(rulebook[sid]["text"]).strip(), sid
        assert statutes()[sid].article == rulebook[sid]["article"], sid


def test_pipl_articles_required_by_the_brief() -> None:
    st = statutes()
    assert st["pipl_6"].text.startswith("处理个人信息应当具有明确、合理的目的")
    assert st["pipl_14"].text.startswith("基于个人同意处理个人信息的")
    assert st["pipl_16"].text.startswith("个人信息处理者不得以个人不同意")
    assert st["pipl_6"].citation() == "《中华人民共和国个人信息保护法》第六条"
