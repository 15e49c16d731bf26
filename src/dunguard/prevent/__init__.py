"""Prevention and self-defence tools: app audit, contract scan, lender check, caller table.

Each tool is a library function; ``dunguard.cli.prevent`` is a thin skin over them.
"""

from __future__ import annotations
