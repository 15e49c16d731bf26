"""Evidence import: one module per format, a registry, and the import pipeline.

See :mod:`dunguard.ingest.base` for the importer protocol.  To add a built-in format, add
its module name to :data:`IMPORTER_MODULES` (one line).  Third parties use the
``dunguard.importers`` entry-point group instead.
"""

from __future__ import annotations

from dunguard.ingest.base import (
    Importer,
    ParseContext,
    Record,
    SkippedRecord,
    detect,
    get_importer,
    registry,
    supported_formats,
)

IMPORTER_MODULES: tuple[str, ...] = (
    # ingest-A: phone backups and databases
    "dunguard.ingest.sms_backup_restore",
    "dunguard.ingest.android_mmssms",
    "dunguard.ingest.android_calllog",
    "dunguard.ingest.android_contacts",
    "dunguard.ingest.ios_sms",
    "dunguard.ingest.ios_callhistory",
    "dunguard.ingest.ios_addressbook",
    # ingest-B: contacts, chats, screenshots, audio, generic CSV (one line each)
    "dunguard.ingest.vcard",
    "dunguard.ingest.contacts_csv",
    "dunguard.ingest.wechat_pywxdump",
    "dunguard.ingest.wechat_memotrace",
    "dunguard.ingest.screenshot",
    "dunguard.ingest.audio",
    "dunguard.ingest.generic_csv",
)

__all__ = [
    "IMPORTER_MODULES",
    "Importer",
    "ParseContext",
    "Record",
    "SkippedRecord",
    "detect",
    "get_importer",
    "registry",
    "supported_formats",
]
