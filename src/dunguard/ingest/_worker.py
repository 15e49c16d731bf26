"""Child process of a parallel import: ``python -m dunguard.ingest._worker``.

Reads its job (a pickled tuple) from stdin and writes pickled messages to stdout; anything
else the process prints goes to stderr, so the protocol stream stays clean.  See
``dunguard.ingest.pipeline.RecordWriter.write_parallel``.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import IO, Any


class _StreamConn:
    def __init__(self, out: IO[bytes]) -> None:
        self._out = out

    def send(self, obj: Any) -> None:
        pickle.dump(obj, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.flush()

    def close(self) -> None:
        self._out.close()


def main() -> None:
    out = os.fdopen(os.dup(1), "wb", buffering=1 << 20)
    os.dup2(2, 1)  # stray prints go to stderr, never into the message stream
    job = pickle.load(sys.stdin.buffer)
    from dunguard.ingest.pipeline import _parse_worker

    _parse_worker(_StreamConn(out), *job)


if __name__ == "__main__":
    main()
