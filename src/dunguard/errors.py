"""The one exception hierarchy of DunGuard.

Every error a user can cause (bad path, unknown case, corrupt file, ...) is a
``DunGuardError``.  It carries a message *key* (looked up in the locale catalog,
``dunguard/locale/*.yaml``) and the parameters for it, so the CLI and the web UI
can show one plain sentence in the user's language, never a traceback.

    DunGuardError
    ├── UsageError            wrong arguments, unknown option values
    ├── NotFoundError         unknown case / evidence / document kind
    │   └── AmbiguousError    a prefix matches several cases
    ├── InputError            a file we were given is unreadable or malformed
    │   ├── FormatError       recognised format, broken content (names file and place)
    │   ├── UnsupportedFormat no importer recognises the file
    │   └── HostileInputError DTD/entities, zip bombs, oversize input
    ├── StorageError          disk full, permission denied, database problem
    └── IntegrityError        verification found a problem (tamper, missing file)
"""

from __future__ import annotations

from typing import Any


class DunGuardError(Exception):
    """Base class; ``key`` names a message in the locale catalog."""

    key = "error.generic"
    exit_code = 1

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(self.key, params)

    def message(self, lang: str | None = None) -> str:
        from dunguard.i18n import t

        return t(self.key, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class UsageError(DunGuardError):
    key = "error.usage"
    exit_code = 2


class NotFoundError(DunGuardError):
    key = "error.not_found"


class AmbiguousError(NotFoundError):
    key = "error.case.ambiguous"


class InputError(DunGuardError):
    key = "error.input"


class FormatError(InputError):
    key = "error.format"


class UnsupportedFormat(InputError):
    key = "error.unsupported_format"


class HostileInputError(InputError):
    key = "error.hostile"


class StorageError(DunGuardError):
    key = "error.storage"

    @classmethod
    def from_os(cls, exc: OSError, path: str) -> StorageError:
        """Map an OSError to a precise message (disk full, permission, read-only...)."""
        import errno

        keys = {
            errno.ENOSPC: "error.os.disk_full",
            errno.EDQUOT: "error.os.disk_full",
            errno.EACCES: "error.os.permission",
            errno.EPERM: "error.os.permission",
            errno.EROFS: "error.os.read_only",
            errno.ENOENT: "error.path.missing",
            errno.EISDIR: "error.path.is_dir",
        }
        return cls(keys.get(exc.errno or 0, "error.os.other"), path=path, reason=exc.strerror or str(exc))


class IntegrityError(DunGuardError):
    key = "error.integrity"
