"""The evidence package: anyone can check it with verify.py alone; any change is detected."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from dunguard.cases import create_case
from dunguard.evidence import add_files
from dunguard.export import export_case
from dunguard.home import Home
from dunguard.signing import verify_signature

TEMPLATE = Path(__file__).resolve().parents[1] / "src" / "dunguard" / "templates" / "package_verify.py.txt"


def _verifier() -> ModuleType:
    spec = importlib.util.spec_from_loader("pkg_verify", loader=None)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    exec(compile(TEMPLATE.read_text(encoding="utf-8"), str(TEMPLATE), "exec"), mod.__dict__)
    return mod


@pytest.fixture
def package(home: Home, tmp_path: Path) -> Path:
    case = create_case(home, "导出测试", debtor_name="李四")
    files = []
    for name, data in (("短信备份.xml", b"<smses count='0'/>"), ("截图.png", b"\x89PNG\r\n\x1a\nfake")):
        p = tmp_path / name
        p.write_bytes(data)
        files.append(p)
    add_files(home, case.id, files)
    out = tmp_path / "out" / "package.zip"
    result = export_case(home, case.id, out)
    assert result.files == 6
    return out


def run_verify(target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the verify.py shipped *inside* the package, with a bare interpreter (-I: no site)."""
    template = TEMPLATE.read_bytes()
    try:
        with zipfile.ZipFile(target) as z:
            script = z.read("verify.py")
    except (zipfile.BadZipFile, KeyError):
        script = template
    tool = target.parent / "standalone_verify.py"
    tool.write_bytes(script)
    return subprocess.run([sys.executable, "-I", str(tool), str(target), *extra], capture_output=True,
                          text=True, timeout=120, env={"PATH": os.environ.get("PATH", "")})


def rewrite(zip_path: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(zip_path) as z:
        items = {n: z.read(n) for n in z.namelist()}
    for name, data in change.items():
        if data is None:
            items.pop(name)
        else:
            items[name] = data
    items.update(add or {})
    with zipfile.ZipFile(zip_path, "w") as z:
        for n, d in items.items():
            z.writestr(n, d)


def test_package_contents_and_clean_verify(package: Path) -> None:
    with zipfile.ZipFile(package) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        assert {"manifest.json", "manifest.sig", "ledger.jsonl", "证据清单.html", "verify.py", "README.txt"} <= names
        roles = sorted(f["role"] for f in manifest["files"])
        assert roles.count("original") == 2
        listing = z.read("证据清单.html").decode()
        assert "短信备份.xml" in listing and "证明目的" in listing and "李四" in listing
        raw = base64.b64decode(manifest["public_key"]["key"])
        assert verify_signature(raw, base64.b64decode(z.read("manifest.sig")), z.read("manifest.json"))
    proc = run_verify(package)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "核验通过" in proc.stdout


def test_unpacked_folder_verifies(package: Path, tmp_path: Path) -> None:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as z:
        z.extractall(folder)
    proc = subprocess.run([sys.executable, "-I", str(folder / "verify.py")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("change_original", "文件被改动"),
        ("remove_original", "缺少文件"),
        ("extra_file", "多出未登记的文件"),
        ("edit_manifest", "签名无效"),
        ("edit_ledger", "被修改"),
        ("drop_signature", "缺少签名"),
    ],
)
def test_every_tamper_is_caught(package: Path, tamper: str, expected: str) -> None:
    with zipfile.ZipFile(package) as z:
        manifest = json.loads(z.read("manifest.json"))
        original = next(f["path"] for f in manifest["files"] if f["role"] == "original")
        ledger_lines = z.read("ledger.jsonl").decode().splitlines()
    if tamper == "change_original":
        rewrite(package, {original: b"forged"})
    elif tamper == "remove_original":
        rewrite(package, {original: None})
    elif tamper == "extra_file":
        rewrite(package, {}, add={"originals/999_extra.txt": b"x"})
    elif tamper == "edit_manifest":
        manifest["case"]["title"] = "改过的标题"
        rewrite(package, {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode()})
    elif tamper == "edit_ledger":
        entry = json.loads(ledger_lines[1])
        entry["actor"] = "attacker"
        ledger_lines[1] = json.dumps(entry, ensure_ascii=False)
        rewrite(package, {"ledger.jsonl": ("\n".join(ledger_lines) + "\n").encode()})
    elif tamper == "drop_signature":
        rewrite(package, {"manifest.sig": None})
    proc = run_verify(package)
    assert proc.returncode == 1, proc.stdout
    assert expected in proc.stdout


def test_pinned_key_fingerprint(package: Path) -> None:
    with zipfile.ZipFile(package) as z:
        fp = json.loads(z.read("manifest.json"))["public_key"]["fingerprint"]
    assert run_verify(package, "--key", fp).returncode == 0
    wrong = run_verify(package, "--key", "0000:0000:0000:0000:0000:0000:0000:0000")
    assert wrong.returncode == 1 and "指纹" in wrong.stdout


def test_not_a_package(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    proc = run_verify(junk)
    assert proc.returncode == 2 and "无法读取" in proc.stdout


@settings(max_examples=15, deadline=None)
@given(msg=st.binary(max_size=200))
def test_standalone_ed25519_agrees_with_cryptography(msg: bytes) -> None:
    from cryptography.hazmat.primitives import serialization

    mod = _verifier()
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    sig = key.sign(msg)
    assert mod.ed25519_verify(pub, msg, sig)
    assert not mod.ed25519_verify(pub, msg + b"!", sig)
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    assert not mod.ed25519_verify(pub, msg, bad)


def test_export_is_logged_and_key_is_stable(home: Home, tmp_path: Path) -> None:
    case = create_case(home, "k")
    a = export_case(home, case.id, tmp_path / "a.zip")
    b = export_case(home, case.id, tmp_path / "b.zip")
    assert a.fingerprint == b.fingerprint
    key_file = home.keys_dir / "ed25519_private.pem"
    assert key_file.stat().st_mode & 0o077 == 0
