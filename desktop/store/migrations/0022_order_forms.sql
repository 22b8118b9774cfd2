-- The order form of a converted offer, as it was first printed: what the member signs is given
-- again byte for byte, whatever the contract template, the settings or the catalogue became.
-- Written once with the conversion, never changed nor deleted (the triggers refuse it).
CREATE TABLE order_forms (
    offer_id         TEXT PRIMARY KEY REFERENCES offers (id),
    pdf              BLOB NOT NULL,
    pdf_sha256       TEXT NOT NULL,
    template_version INTEGER,            -- of the contract template it was written with
    created          TEXT NOT NULL
) STRICT;

CREATE TRIGGER order_forms_no_update BEFORE UPDATE ON order_forms
BEGIN
    SELECT RAISE(ABORT, 'comptoir: bon de commande fige');
END;

CREATE TRIGGER order_forms_no_delete BEFORE DELETE ON order_forms
BEGIN
    SELECT RAISE(ABORT, 'comptoir: bon de commande fige');
END;
