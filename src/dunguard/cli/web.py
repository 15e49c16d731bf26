"""``dunguard serve``: the local web app (loopback only unless --public with a password)."""

from __future__ import annotations

import ipaddress

import click

from dunguard.cli import get_home
from dunguard.errors import UsageError
from dunguard.i18n import t


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, public: bool, password: str | None) -> None:
    """Refuse a non-loopback address unless ``--public`` and a password were both given."""
    if is_loopback(host):
        return
    if not public:
        raise UsageError("web.serve.needs_public", host=host)
    if not password or len(password) < 8:
        raise UsageError("web.serve.needs_password")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 (address to bind)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--public", is_flag=True, help="允许非本机地址访问（必须同时设置 --password）")
@click.option("--password", envvar="DUNGUARD_WEB_PASSWORD", default=None,
              help="访问密码（--public 时必填，至少 8 位；也可用环境变量 DUNGUARD_WEB_PASSWORD）")
@click.option("--demo", is_flag=True, help="先生成示例案件再启动 (run the demo first)")
@click.option("--max-upload-mb", default=1024, show_default=True, type=click.IntRange(1, 100_000),
              help="单次上传上限 (MB)")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, public: bool, password: str | None, demo: bool,
              max_upload_mb: int) -> None:
    """启动本机网页界面 (http://127.0.0.1:8000)."""
    check_bind(host, public, password)
    home = get_home(ctx)
    if demo:
        from dunguard.demo import run_demo

        run_demo(home, say=click.echo)
    import uvicorn

    from dunguard.web import create_app
    from dunguard.web.app import LOOPBACK_HOSTS

    app = create_app(
        home,
        password=password if public else None,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        allowed_hosts=None if public else LOOPBACK_HOSTS,
        warm_cache=True,
    )
    from dunguard.cases import list_cases
    from dunguard.web.stats import warm

    warm(home, [c.id for c in list_cases(home)])
    shown = f"[{host}]" if ":" in host else host
    click.echo(t("web.serve.listening", url=f"http://{shown}:{port}/"))
    if public:
        click.echo(t("web.serve.public_warning"), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)


def register(cli: click.Group) -> None:
    cli.add_command(serve_cmd)
