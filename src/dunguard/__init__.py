"""DunGuard (催收护盾): offline evidence, analysis and action toolkit for borrowers facing illegal collection.

The public library surface (the CLI and the web app use nothing else from the core)::

    from dunguard import Home, create_case, resolve_case, add_files, verify_case, export_case
    with Home.open("/path/to/home") as home:
        case = create_case(home, "马上金融催收", debtor_name="张三")
        add_files(home, case.id, [Path("sms.xml")])
        assert verify_case(home, case.id).ok
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AmbiguousError",
    "DunGuardError",
    "FormatError",
    "Home",
    "HostileInputError",
    "InputError",
    "IntegrityError",
    "NotFoundError",
    "StorageError",
    "UnsupportedFormat",
    "UsageError",
    "__version__",
    "add_files",
    "create_case",
    "delete_case",
    "export_case",
    "list_cases",
    "resolve_case",
    "verify_case",
]

if TYPE_CHECKING:
    from dunguard.cases import create_case, delete_case, list_cases, resolve_case
    from dunguard.errors import (
        AmbiguousError,
        DunGuardError,
        FormatError,
        HostileInputError,
        InputError,
        IntegrityError,
        NotFoundError,
        StorageError,
        UnsupportedFormat,
        UsageError,
    )
    from dunguard.evidence import add_files
    from dunguard.export import export_case
    from dunguard.home import Home
    from dunguard.verify import verify_case

_LAZY = {
    "Home": "dunguard.home",
    "create_case": "dunguard.cases",
    "delete_case": "dunguard.cases",
    "list_cases": "dunguard.cases",
    "resolve_case": "dunguard.cases",
    "add_files": "dunguard.evidence",
    "export_case": "dunguard.export",
    "verify_case": "dunguard.verify",
}


def __getattr__(name: str) -> Any:
    """Import lazily so that ``import dunguard`` stays cheap for the CLI."""
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in __all__:
        return getattr(importlib.import_module("dunguard.errors"), name)
    raise AttributeError(f"module 'dunguard' has no attribute {name!r}")
