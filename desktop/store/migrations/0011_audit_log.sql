-- Append-only history of every offer: who did what, when and why.
-- Entries are never updated nor deleted (the triggers refuse it); an imported entry keeps its uid,
-- so importing the same bundle twice adds nothing.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    offer_id   TEXT NOT NULL,
    number     TEXT,
    at         TEXT NOT NULL,
    who        TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT,
    why        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_log_offer ON audit_log (offer_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'comptoir: journal en ajout seul');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'comptoir: journal en ajout seul');
END;
