-- Offers: drafts (saved on every edit) and finalised offers (frozen, numbered).
-- The request, quote, member and category decision are canonical JSON (Decimals as strings).
-- A finalised offer keeps its snapshot and PDF bytes; only its state (and updated) may change.
CREATE TABLE offers (
    id             TEXT PRIMARY KEY,
    number         TEXT UNIQUE,            -- OFF-2026-LAP1-0001[-v2]; NULL for a draft
    base_number    TEXT,                   -- OFF-2026-LAP1-0001 for every version
    device         TEXT,
    year           INTEGER,
    seq            INTEGER,                -- per device and year; derived from the rows, no counter
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    predecessor    TEXT,                   -- number of the version this one revises
    state          TEXT NOT NULL CHECK (state IN
                     ('brouillon', 'finalisee', 'envoyee', 'acceptee', 'refusee',
                      'convertie', 'remplacee')),
    tariff         TEXT NOT NULL,
    member_id      TEXT,
    member_name    TEXT NOT NULL DEFAULT '',
    category       TEXT,
    seller         TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    search         TEXT NOT NULL DEFAULT '',   -- folded text for the list's search field
    one_time       TEXT,                       -- totals as decimal strings, for the list
    annual         TEXT,
    year1          TEXT,
    partial        INTEGER NOT NULL DEFAULT 0,
    line_count     INTEGER NOT NULL DEFAULT 0,
    request_json   TEXT NOT NULL,
    quote_json     TEXT,
    member_json    TEXT,
    decision_json  TEXT NOT NULL,
    snapshot_json  TEXT,                       -- frozen at finalisation (tariff version, settings)
    content_sha256 TEXT,                       -- of the frozen offer, to compare on import
    pdf            BLOB,
    pdf_sha256     TEXT,
    created        TEXT NOT NULL,
    updated        TEXT NOT NULL,
    finalised      TEXT,
    valid_until    TEXT,
    origin         TEXT NOT NULL DEFAULT '',   -- '' = made here, else the device it came from
    CHECK ((state = 'brouillon') = (number IS NULL)),
    CHECK (state = 'brouillon' OR (pdf IS NOT NULL AND pdf_sha256 IS NOT NULL
                                   AND snapshot_json IS NOT NULL AND quote_json IS NOT NULL
                                   AND finalised IS NOT NULL AND valid_until IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX offers_sequence ON offers (device, year, seq, version) WHERE number IS NOT NULL;
CREATE INDEX offers_state_updated ON offers (state, updated);
CREATE INDEX offers_updated ON offers (updated);
CREATE INDEX offers_member ON offers (member_id);
CREATE INDEX offers_predecessor ON offers (predecessor);

-- A finalised offer is read-only: only state and updated may change, never back to draft.
CREATE TRIGGER offers_frozen BEFORE UPDATE ON offers
WHEN OLD.state <> 'brouillon' AND (
       NEW.state = 'brouillon'
    OR NEW.id IS NOT OLD.id OR NEW.number IS NOT OLD.number
    OR NEW.base_number IS NOT OLD.base_number OR NEW.device IS NOT OLD.device
    OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq OR NEW.version IS NOT OLD.version
    OR NEW.predecessor IS NOT OLD.predecessor OR NEW.tariff IS NOT OLD.tariff
    OR NEW.member_id IS NOT OLD.member_id OR NEW.member_name IS NOT OLD.member_name
    OR NEW.category IS NOT OLD.category OR NEW.seller IS NOT OLD.seller
    OR NEW.one_time IS NOT OLD.one_time OR NEW.annual IS NOT OLD.annual
    OR NEW.year1 IS NOT OLD.year1 OR NEW.partial IS NOT OLD.partial
    OR NEW.request_json IS NOT OLD.request_json OR NEW.quote_json IS NOT OLD.quote_json
    OR NEW.member_json IS NOT OLD.member_json OR NEW.decision_json IS NOT OLD.decision_json
    OR NEW.snapshot_json IS NOT OLD.snapshot_json OR NEW.content_sha256 IS NOT OLD.content_sha256
    OR NEW.pdf IS NOT OLD.pdf OR NEW.pdf_sha256 IS NOT OLD.pdf_sha256
    OR NEW.created IS NOT OLD.created OR NEW.finalised IS NOT OLD.finalised
    OR NEW.valid_until IS NOT OLD.valid_until)
BEGIN
    SELECT RAISE(ABORT, 'comptoir: offre finalisee en lecture seule');
END;

-- Only drafts can be deleted; a numbered offer stays for ever.
CREATE TRIGGER offers_keep_numbered BEFORE DELETE ON offers
WHEN OLD.state <> 'brouillon'
BEGIN
    SELECT RAISE(ABORT, 'comptoir: offre finalisee non supprimable');
END;
