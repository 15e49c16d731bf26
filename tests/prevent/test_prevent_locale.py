"""Every message key the prevention code uses exists in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

SRC = Path(__file__).resolve().parents[2] / "src" / "dunguard"


def test_keys_exist_in_both_languages() -> None:
    code = "".join(
        p.read_text(encoding="utf-8") for p in [*(SRC / "prevent").glob("*.py"), SRC / "cli" / "prevent.py"]
    )
    used = set(re.findall(r'"(prevent\.[a-z_]+\.[a-z_]+)"', code))
    # keys built at run time
    used |= {f"prevent.risk.{r}" for r in ("high", "medium", "low")}
    used |= {f"prevent.needed.{n}" for n in ("no", "conditional")}
    zh = yaml.safe_load((SRC / "locale" / "zh" / "prevent.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((SRC / "locale" / "en" / "prevent.yaml").read_text(encoding="utf-8"))
    assert used, "no keys found"
    assert not used - set(zh), sorted(used - set(zh))
    assert not used - set(en), sorted(used - set(en))
    assert set(zh) == set(en)
