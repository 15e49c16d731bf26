"""``dunguard app-audit``: which permissions and components of a loan app touch personal data.

The explanations, the "does a lending app need this" assessment and the legal basis are data
(``prevent/data/permissions.yaml``); this module only matches the manifest against them.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from dunguard.i18n import current_lang, normalize_lang
from dunguard.prevent.apk import ApkLimits, Element, read_manifest
from dunguard.prevent.citations import load_data

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
PERMISSION_TAGS = ("uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m")


@dataclass(slots=True)
class Component:
    kind: str  # activity service receiver provider
    name: str
    exported: bool | None
    permission: str | None
    actions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CategoryFinding:
    category: str
    risk: str
    needed: str  # "no" | "conditional"
    title: str
    explain: str
    permissions: list[str]
    components: list[str]
    basis: list[str]
    see_also: list[str]


@dataclass(slots=True)
class AppAudit:
    file: str
    sha256: str
    size: int
    package: str | None
    version_name: str | None
    version_code: str | None
    min_sdk: str | None
    target_sdk: str | None
    permissions: list[str]
    findings: list[CategoryFinding]
    other_permissions: list[str]
    queried_packages: list[str]
    notes: list[str]
    lang: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def not_needed(self) -> list[CategoryFinding]:
        return [f for f in self.findings if f.needed == "no"]


@cache
def _rules() -> dict[str, Any]:
    data: dict[str, Any] = load_data("permissions.yaml")
    return data


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _components(manifest: Element) -> list[Component]:
    out: list[Component] = []
    for app in manifest.children:
        if app.tag != "application":
            continue
        for node in app.children:
            if node.tag not in ("activity", "activity-alias", "service", "receiver", "provider"):
                continue
            exported_raw = node.get("android:exported")
            actions = [
                a.get("android:name") or ""
                for f in node.children
                if f.tag == "intent-filter"
                for a in f.children
                if a.tag == "action"
            ]
            out.append(
                Component(
                    kind=node.tag,
                    name=node.get("android:name") or "?",
                    exported=None if exported_raw is None else exported_raw == "true",
                    permission=node.get("android:permission"),
                    actions=[a for a in actions if a],
                )
            )
    return out


def audit_manifest(manifest: Element, lang: str | None = None) -> dict[str, Any]:
    """Match a parsed manifest against the permission data; returns the AppAudit fields."""
    lang = normalize_lang(lang) if lang else current_lang()
    rules = _rules()
    categories: dict[str, dict[str, Any]] = rules["categories"]
    perm_map: dict[str, str] = rules["permissions"]
    action_map: dict[str, str] = rules["receiver_actions"]

    declared: list[str] = []
    for node in manifest.children:
        if node.tag in PERMISSION_TAGS:
            name = node.get("android:name")
            if name and name not in declared:
                declared.append(name)

    hits: dict[str, tuple[list[str], list[str]]] = {}

    def hit(category: str) -> tuple[list[str], list[str]]:
        return hits.setdefault(category, ([], []))

    other: list[str] = []
    for perm in declared:
        cat = perm_map.get(perm)
        if cat:
            hit(cat)[0].append(perm)
        else:
            other.append(perm)

    for comp in _components(manifest):
        label = f"{comp.kind} {comp.name}"
        if comp.exported:
            label += " (exported)"
        if comp.permission and comp.permission in perm_map and comp.kind in ("service", "receiver"):
            cat = perm_map[comp.permission]
            if cat in ("accessibility", "notification_listener", "device_admin"):
                hit(cat)[1].append(label)
        for action in comp.actions:
            if action in action_map and comp.kind == "receiver":
                comps = hit(action_map[action])[1]
                if label not in comps:
                    comps.append(label)

    queried: list[str] = []
    for q in manifest.iter("queries"):
        for child in q.children:
            if child.tag == "package" and child.get("android:name"):
                queried.append(child.get("android:name") or "")
            elif child.tag == "intent":
                queried.extend(a.get("android:name") or "" for a in child.children if a.tag == "action")
    if queried:
        hit("package_queries")[1].extend(f"queries {q}" for q in queried if q)

    findings: list[CategoryFinding] = []
    for cat, (perms, comps) in hits.items():
        info = categories[cat]
        findings.append(
            CategoryFinding(
                category=cat,
                risk=info["risk"],
                needed=info["needed"],
                title=info[f"title_{lang}"],
                explain=info[f"explain_{lang}"],
                permissions=perms,
                components=comps,
                basis=list(info.get("basis", [])),
                see_also=list(info.get("see_also", [])),
            )
        )
    findings.sort(key=lambda f: (RISK_ORDER.get(f.risk, 9), f.needed != "no", f.category))

    uses_sdk = next((n for n in manifest.children if n.tag == "uses-sdk"), None)
    return {
        "package": manifest.get("package"),
        "version_name": manifest.get("android:versionName"),
        "version_code": manifest.get("android:versionCode"),
        "min_sdk": uses_sdk.get("android:minSdkVersion") if uses_sdk else None,
        "target_sdk": uses_sdk.get("android:targetSdkVersion") if uses_sdk else None,
        "permissions": declared,
        "findings": findings,
        "other_permissions": other,
        "queried_packages": [q for q in queried if q],
        "notes": [rules["notes"][f"clipboard_{lang}"]],
        "lang": lang,
    }


def audit_apk(path: Path, lang: str | None = None, limits: ApkLimits | None = None) -> AppAudit:
    """Audit the APK at ``path``.  Bad input raises a ``DunGuardError`` naming the file."""
    manifest = read_manifest(path, limits)
    fields = audit_manifest(manifest, lang)
    return AppAudit(file=str(path), sha256=_sha256(path), size=path.stat().st_size, **fields)
