"""Generate the CLI reference (docs/cli.md) from the CLI itself, so the docs cannot drift."""

from __future__ import annotations

import click


def _walk(cmd: click.Command, path: list[str], out: list[str]) -> None:
    ctx = click.Context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100)
    if path[1:]:
        out.append(f"\n## `{' '.join(path)}`\n")
        out.append("```text")
        out.append(cmd.get_help(ctx).replace("\r", ""))
        out.append("```")
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _walk(sub, [*path, name], out)


def render() -> str:
    from dunguard.cli import cli

    out = [
        "# dunguard command reference",
        "",
        "Generated from the CLI itself by `python -m dunguard.cli._docs > docs/cli.md`; a test keeps it current.",
        "",
        "```text",
        cli.get_help(click.Context(cli, info_name="dunguard", terminal_width=100, max_content_width=100)),
        "```",
    ]
    _walk(cli, ["dunguard"], out)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import os

    os.environ.setdefault("COLUMNS", "100")
    print(render(), end="")
