"""The stored form of offers: a field added to the values later leaves the form, and so the
fingerprint, of offers frozen before it unchanged."""

from __future__ import annotations

from desktop.core.quote import Notice, Severity
from desktop.store import offer_codec as codec


def test_a_field_added_later_is_left_out_at_its_default_and_kept_otherwise() -> None:
    plain = Notice("excludes:citizen-smartweb", Severity.BLOCKING, "iA.Citizen contient SmartWeb.")
    # the form every offer frozen before « waived » existed was fingerprinted on
    assert codec.canonical_json(plain) == (
        '{"code":"excludes:citizen-smartweb","message":"iA.Citizen contient SmartWeb.",'
        '"severity":"blocking"}'
    )
    waived = Notice(plain.code, Severity.INFO, plain.message, "migration en cours")
    data = codec.to_data(waived)
    assert data["waived"] == "migration en cours"
    assert codec.from_data(Notice, data) == waived
    assert codec.from_data(Notice, codec.to_data(plain)) == plain
