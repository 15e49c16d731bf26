"""Every message exists in both languages, and placeholders agree (no crash on a missing key)."""

from __future__ import annotations

import string
from importlib import resources

import yaml

from dunguard.i18n import t


def _files(lang: str) -> dict[str, dict[str, str]]:
    folder = resources.files("dunguard") / "locale" / lang
    return {f.name: yaml.safe_load(f.read_text(encoding="utf-8")) or {} for f in folder.iterdir()
            if f.name.endswith(".yaml")}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_zh_and_en_have_the_same_keys_and_placeholders() -> None:
    zh, en = _files("zh"), _files("en")
    assert set(zh) == set(en), "each area needs a catalog in both languages"
    for name in zh:
        assert set(zh[name]) == set(en[name]), f"{name}: keys differ: {set(zh[name]) ^ set(en[name])}"
        for key in zh[name]:
            assert _fields(str(zh[name][key])) == _fields(str(en[name][key])), f"{name}:{key}"


def test_missing_key_and_missing_param_never_crash() -> None:
    assert t("no.such.key") == "no.such.key"
    assert "张三" in t("case.created", title="张三")  # missing {id} falls back to the template
    assert t("error.path.missing", lang="en", path="/x") == "No such file: /x"
    assert t("error.path.missing", lang="zh", path="/x") == "文件不存在：/x"
