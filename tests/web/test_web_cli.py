"""``dunguard serve`` refuses to expose the app without --public and a password."""

from __future__ import annotations

import pytest

from dunguard.cli.web import check_bind, is_loopback
from dunguard.errors import UsageError
from dunguard.testing import run_cli


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "localhost", "::1", "[::1]"])
def test_loopback_addresses_need_nothing(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, public=False, password=None)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.com", "10.0.0.1"])
def test_other_addresses_are_refused_without_public(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(UsageError) as err:
        check_bind(host, public=False, password="long enough password")
    assert "--public" in err.value.message()
    with pytest.raises(UsageError):
        check_bind(host, public=True, password=None)
    with pytest.raises(UsageError):
        check_bind(host, public=True, password="short")
    check_bind(host, public=True, password="eight ch")


def test_serve_command_refuses_in_plain_chinese(tmp_path: object) -> None:
    result = run_cli(["serve", "--host", "0.0.0.0"])
    assert result.code == 2
    assert "只能监听本机地址" in result.stderr and "--password" in result.stderr
    result = run_cli(["serve", "--host", "0.0.0.0", "--public"])
    assert result.code == 2 and "至少 8 位" in result.stderr
    result = run_cli(["serve", "--help"])
    assert result.code == 0 and "127.0.0.1" in result.stdout
