"""The ``dunguard`` command: a thin shell over the library.

Every module in this package except this one defines ``register(cli)`` and is discovered
automatically, so a subsystem adds its commands without touching this file.  Command
bodies: parse arguments → call one library function → print (rich for people, ``--json``
for scripts).  ``main`` turns every ``DunGuardError`` into one line in the user's language
and a non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path
from typing import Any

import click

from dunguard import __version__
from dunguard.errors import DunGuardError, StorageError
from dunguard.i18n import set_lang, t

EXIT_INTERNAL = 70


class _State:
    def __init__(self, home_path: str | None, debug: bool) -> None:
        self.home_path = home_path
        self.debug = debug
        self._home: Any = None

    def home(self) -> Any:
        if self._home is None:
            from dunguard.home import Home

            self._home = Home.open(self.home_path)
        return self._home


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", "home_path", type=click.Path(file_okay=False), envvar="DUNGUARD_HOME",
              help="Data directory (default: the platform's user data folder).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of messages (zh/en).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="dunguard")
@click.pass_context
def cli(ctx: click.Context, home_path: str | None, lang: str | None, debug: bool) -> None:
    """催收护盾 DunGuard — 保存证据、识别违法催收、生成维权文书，全部在本机离线完成。"""
    set_lang(lang)
    ctx.obj = _State(home_path, debug)
    ctx.call_on_close(lambda: ctx.obj._home.close() if ctx.obj._home is not None else None)


def get_home(ctx: click.Context) -> Any:
    """The ``Home`` for this invocation (opened lazily, closed at exit)."""
    state = ctx.find_object(_State)
    if state is None:  # pragma: no cover - commands always run under `cli`
        raise click.UsageError("no context")
    return state.home()


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _discover() -> None:
    package_dir = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(package_dir)]), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(cli)


_discover()


def main(argv: list[str] | None = None) -> None:
    """Console entry point with friendly error handling."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("DUNGUARD_DEBUG") == "1"
    for i, a in enumerate(args):  # honour --lang before click parses (for early errors)
        if a == "--lang" and i + 1 < len(args):
            set_lang(args[i + 1])
        elif a.startswith("--lang="):
            set_lang(a.split("=", 1)[1])
    try:
        rc = cli.main(args=args, prog_name="dunguard", standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except click.exceptions.Abort:
        click.echo(t("error.aborted"), err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DunGuardError as exc:
        if debug:
            raise
        click.echo(t("error.prefix") + exc.message(), err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if debug:
            raise
        err = StorageError.from_os(exc, exc.filename or "")
        click.echo(t("error.prefix") + err.message(), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo(t("error.aborted"), err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        click.echo(t("error.internal", kind=type(exc).__name__, reason=str(exc)[:300]), err=True)
        sys.exit(EXIT_INTERNAL)
