"""Failpoints: named places where a test can make the process die, to prove crash safety.

``DUNGUARD_FAILPOINT=after_commit dunguard add …`` kills the process (``os._exit``) when it
reaches ``hit("after_commit")``.  Unset (always, in normal use) it costs one dict lookup.
"""

from __future__ import annotations

import os


def hit(name: str) -> None:
    if os.environ.get("DUNGUARD_FAILPOINT") == name:
        os._exit(137)
