"""Fixtures for the act tests: the demo case, analysed (by the real engine when installed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dunguard.home import Home

from .helpers import analysed_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Home, str]]:
    root = tmp_path_factory.mktemp("act-demo")
    home = Home.open(root / "home")
    case_id = analysed_demo(home, root / "out")
    yield home, case_id
    home.close()

