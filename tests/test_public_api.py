"""The public surface is explicit and pinned: changing it must be a conscious decision."""

from __future__ import annotations

import dunguard


def test_all_is_sorted_and_pinned() -> None:
    assert dunguard.__all__ == sorted(dunguard.__all__)
    assert dunguard.__all__ == [
        "AmbiguousError", "DunGuardError", "FormatError", "Home", "HostileInputError", "InputError",
        "IntegrityError", "NotFoundError", "StorageError", "UnsupportedFormat", "UsageError", "__version__",
        "add_files", "create_case", "delete_case", "export_case", "list_cases", "resolve_case", "verify_case",
    ]


def test_every_name_resolves() -> None:
    for name in dunguard.__all__:
        assert getattr(dunguard, name) is not None


def test_errors_form_one_hierarchy() -> None:
    for name in dunguard.__all__:
        obj = getattr(dunguard, name)
        if name.endswith("Error") or name == "UnsupportedFormat":
            assert issubclass(obj, dunguard.DunGuardError)
