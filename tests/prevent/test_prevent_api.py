"""The public surface of dunguard.prevent is explicit and pinned."""

from __future__ import annotations

import dunguard.prevent as prevent


def test_public_surface() -> None:
    assert prevent.__all__ == sorted(prevent.__all__)
    assert prevent.__all__ == [
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
    for name in prevent.__all__:
        assert getattr(prevent, name) is not None
