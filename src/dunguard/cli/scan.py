"""``dunguard scan``: case-free batch scan of a JSON-lines file (for organisations)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from dunguard.errors import InputError, StorageError
from dunguard.i18n import t


@click.command("scan")
@click.argument("input_path", metavar="IN.jsonl", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write results here (default: standard output).")
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes (output order is kept).")
@click.option("--strict", is_flag=True, help="Stop at the first malformed line instead of skipping it.")
@click.option("--model", "use_model", is_flag=True,
              help="Add the suggestion model's proposals to \"suggested\" (about half the speed).")
def scan_command(input_path: str, output_path: str, jobs: int, strict: bool, use_model: bool) -> None:
    """扫描 JSONL 文件中的每条消息，输出识别出的违法催收标签、依据和位置。

    Each input line: {"id", "text", optional "channel", "addressee", "time", "from_collector"}
    ("from_collector": true when the sender is known to be collecting a debt: the text is then
    read as being about the debt even when it does not say so).
    Each output line (same order): {"id", "labels", "findings", "suggested"}.
    "labels" holds only what the rules found; "suggested" holds candidates for a person to
    check (with --model also the statistical model's, marked "source": "model").
    """
    from dunguard.analyze.batch import BadLine, scan_lines

    def warn(bad: BadLine) -> None:
        click.echo(t("analyze.scan.skipped", message=t("analyze.scan.bad_line", file=input_path, line=bad.line,
                                                        reason=bad.reason)), err=True)

    source: BinaryIO
    try:
        source = sys.stdin.buffer if input_path == "-" else Path(input_path).open("rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError("analyze.scan.cannot_read", file=input_path, error=exc.strerror or str(exc)) from None
    try:
        sink = sys.stdout if output_path == "-" else Path(output_path).open("w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        source.close()
        raise StorageError("analyze.scan.cannot_write", file=output_path, error=exc.strerror or str(exc)) from None
    try:
        report = scan_lines(source, sink.write, jobs=jobs, strict=strict,
                            source=input_path, on_bad=warn, model=use_model)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if sink is not sys.stdout:
            sink.close()
        else:
            sink.flush()
    click.echo(t("analyze.scan.summary", total=report.total, flagged=report.flagged, bad=len(report.bad)),
               err=True)


def register(cli: click.Group) -> None:
    cli.add_command(scan_command)
