"""Generate the CLI reference (docs/cli.md) from the CLI itself, so the docs cannot drift."""

from __future__ import annotations

import click

_WIDTH = {"terminal_width": 100, "max_content_width": 100}


def _walk(cmd: click.Command, ctx: click.Context, out: list[str]) -> None:
    if ctx.parent is not None:
        out.append(f"\n## `{ctx.command_path}`\n")
        out.append("```text")
        out.append(cmd.get_help(ctx).replace("\r", ""))
        out.append("```")
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                # make_context applies the command's context_settings and inherits the parent's,
                # exactly as a real invocation does (e.g. "-h" as a help option).
                sub_ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True, **_WIDTH)
                _walk(sub, sub_ctx, out)


def render() -> str:
    from dunguard.cli import cli

    root = cli.make_context("dunguard", [], resilient_parsing=True, **_WIDTH)  # type: ignore[arg-type]
    out = [
        "# dunguard command reference",
        "",
        "Generated from the CLI itself by `python -m dunguard.cli._docs > docs/cli.md`; a test keeps it current.",
        "",
        "```text",
        cli.get_help(root),
        "```",
    ]
    _walk(cli, root, out)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
