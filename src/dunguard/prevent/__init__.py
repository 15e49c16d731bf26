"""Prevention and self-defence tools: app audit, contract scan, lender check, caller table.

Each tool is a library function; ``dunguard.cli.prevent`` is a thin skin over them and the
web app should call the same functions.  Data (permissions, clause patterns, lenders, statute
texts) lives in ``dunguard/prevent/data/*.yaml``; see docs/prevent.md.
"""

from __future__ import annotations

from dunguard.prevent.apk import ApkLimits, read_manifest
from dunguard.prevent.app_audit import AppAudit, audit_apk
from dunguard.prevent.callers import CallerRow, blockable, blocklist_csv, caller_table, table_csv, vcard
from dunguard.prevent.contract import ContractScan, render_marked_html, scan_contract, scan_text
from dunguard.prevent.lenders import LenderCheck, check_lender
from dunguard.prevent.service import audit_apk_into_case, scan_contract_into_case

__all__ = [
    "ApkLimits",
    "AppAudit",
    "CallerRow",
    "ContractScan",
    "LenderCheck",
    "audit_apk",
    "audit_apk_into_case",
    "blockable",
    "blocklist_csv",
    "caller_table",
    "check_lender",
    "read_manifest",
    "render_marked_html",
    "scan_contract",
    "scan_contract_into_case",
    "scan_text",
    "table_csv",
    "vcard",
]
