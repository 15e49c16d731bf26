"""Every registered importer honours the protocol in dunguard.ingest.base."""

from __future__ import annotations

from pathlib import Path

import pytest

import dunguard.ingest as ingest
import dunguard.ingest.pipeline as pipeline
from dunguard.errors import UnsupportedFormat
from dunguard.ingest.base import Importer, detect, registry


def test_public_surface_is_pinned() -> None:
    assert ingest.__all__ == sorted(ingest.__all__)
    assert ingest.__all__ == [
        "IMPORTER_MODULES", "Importer", "ParseContext", "Record", "SkippedRecord", "detect", "get_importer",
        "registry", "supported_formats",
    ]
    assert pipeline.__all__ == sorted(pipeline.__all__)
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None


IMPORTERS = registry()


def test_names_are_unique_and_listed_modules_all_load() -> None:
    names = [imp.name for imp in IMPORTERS]
    assert len(names) == len(set(names))
    assert len(IMPORTERS) >= len(ingest.IMPORTER_MODULES)


@pytest.mark.parametrize("imp", IMPORTERS, ids=lambda i: i.name)
def test_declaration_is_complete(imp: Importer) -> None:
    assert isinstance(imp, Importer)
    assert imp.name.isidentifier()
    assert imp.description and imp.reads
    assert imp.samples, f"{imp.name}: name the real samples it was checked against"
    assert imp.quirks, f"{imp.name}: document the format's known traps"


@pytest.mark.parametrize("imp", IMPORTERS, ids=lambda i: i.name)
@pytest.mark.parametrize(
    "head",
    [b"", b"\x00" * 64, b"SQLite format 3\x00" + b"\xff" * 100, b"<html></html>", "随便一段中文".encode()],
    ids=["empty", "zeros", "broken-sqlite", "html", "chinese"],
)
def test_sniff_is_safe_on_garbage(imp: Importer, head: bytes, tmp_path: Path) -> None:
    path = tmp_path / "unknown.bin"
    path.write_bytes(head)
    score = imp.sniff(path, head)
    assert 0.0 <= score <= 1.0


def test_unknown_content_names_the_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"  # the extension alone must not decide
    path.write_bytes(b"\x00\x01\x02\x03 binary")
    with pytest.raises(UnsupportedFormat) as err:
        detect(path)
    message = err.value.message("zh")
    for imp in IMPORTERS:
        assert imp.name in message
