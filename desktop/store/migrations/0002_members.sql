-- The member directory: reference members (communes, CPAS, police and rescue zones, provinces)
-- seeded from db/belgium/, and members created by users (intercommunales, RCA, other bodies).
-- A reference figure (ref_*) is never overwritten by a user: a correction goes to corr_*.

CREATE TABLE member (
    id                TEXT PRIMARY KEY,   -- commune:25072, cpas:25072, zp:5267, zs:<slug>, province:<slug>, u:<uuid>
    kind              TEXT NOT NULL CHECK (kind IN ('commune', 'cpas', 'zone_de_police',
                        'zone_de_secours', 'intercommunale', 'rca', 'province', 'autre')),
    name              TEXT NOT NULL CHECK (name <> ''),
    other_names       TEXT NOT NULL DEFAULT '[]',   -- JSON list (Dutch name...)
    nis               TEXT UNIQUE,
    zone_number       TEXT UNIQUE,
    province          TEXT,
    address           TEXT NOT NULL DEFAULT '',
    ref_size          INTEGER CHECK (ref_size IS NULL OR ref_size >= 0),
    ref_size_date     TEXT,
    ref_size_source   TEXT NOT NULL DEFAULT '',
    corr_size         INTEGER CHECK (corr_size IS NULL OR corr_size >= 0),
    corr_size_date    TEXT,
    corr_size_source  TEXT NOT NULL DEFAULT '',
    commune_id        TEXT REFERENCES member (id),  -- a CPAS's commune
    membership_status TEXT NOT NULL DEFAULT 'associe' CHECK (membership_status IN
                        ('associe', 'adhesion_en_cours', 'ancien_membre', 'non_membre')),
    membership_since  TEXT,
    override_category TEXT,
    override_reason   TEXT,
    user_created      INTEGER NOT NULL DEFAULT 0 CHECK (user_created IN (0, 1)),
    position          INTEGER NOT NULL DEFAULT 0,  -- directory order
    created           TEXT NOT NULL,
    updated           TEXT NOT NULL,
    CHECK ((override_category IS NULL) = (override_reason IS NULL)),
    CHECK (override_reason IS NULL OR trim(override_reason) <> ''),
    CHECK (corr_size IS NULL OR trim(corr_size_source) <> '')
) STRICT;

CREATE INDEX member_kind ON member (kind);
CREATE INDEX member_commune ON member (commune_id);

CREATE TABLE member_postcode (
    member_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    postcode  TEXT NOT NULL,
    PRIMARY KEY (member_id, postcode)
) STRICT;

CREATE INDEX member_postcode_code ON member_postcode (postcode);

-- Communes of a police or rescue zone.
CREATE TABLE zone_commune (
    zone_id    TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    commune_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (zone_id, commune_id)
) STRICT;

CREATE INDEX zone_commune_commune ON zone_commune (commune_id);

-- Installed base: what a member already has in production or has ordered.
CREATE TABLE installed_product (
    member_id TEXT NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    product   TEXT NOT NULL,              -- catalogue product code
    state     TEXT NOT NULL CHECK (state IN ('production', 'commande')),
    since     TEXT,
    PRIMARY KEY (member_id, product)
) STRICT;
