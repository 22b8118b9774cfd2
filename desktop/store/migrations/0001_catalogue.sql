-- Tariff catalogues (iMio 2024, later Somme Numérique...): everything a tariff grid says, as
-- rows that can be imported, edited and exported. Seeded from db/tariffs/<code>/*.csv.
-- Amounts are decimal strings (exact); every row keeps its source reference (000:L147...).
-- Child rows go with their tariff (ON DELETE CASCADE): replacing a tariff is delete + insert.

CREATE TABLE seed_state (
    name      TEXT PRIMARY KEY,           -- 'tariff:imio-2024', 'directory:belgium'
    checksum  TEXT NOT NULL,              -- sha256 of the seed files it was built from
    seeded_at TEXT NOT NULL
) STRICT;

CREATE TABLE tariff (
    code       TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    title      TEXT NOT NULL,
    year       INTEGER NOT NULL,
    valid_from TEXT NOT NULL,             -- ISO date
    locale     TEXT NOT NULL,
    currency   TEXT NOT NULL,
    tax_label  TEXT NOT NULL,
    origin     TEXT NOT NULL DEFAULT 'seed' CHECK (origin IN ('seed', 'import', 'edit')),
    loaded_at  TEXT NOT NULL
) STRICT;

CREATE TABLE tariff_meta (
    tariff TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, key)
) STRICT;

CREATE TABLE tariff_category (
    tariff   TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (tariff, name),
    UNIQUE (tariff, position)
) STRICT;

CREATE TABLE category_scale (
    tariff   TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    label    TEXT NOT NULL,
    unit     TEXT NOT NULL,
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code)
) STRICT;

CREATE TABLE category_threshold (
    tariff   TEXT NOT NULL,
    scale    TEXT NOT NULL,
    position INTEGER NOT NULL,
    category TEXT NOT NULL,
    low      INTEGER NOT NULL CHECK (low >= 0),
    high     INTEGER CHECK (high IS NULL OR high >= low),   -- inclusive; NULL = no upper bound
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, scale, category),
    FOREIGN KEY (tariff, scale) REFERENCES category_scale (tariff, code) ON DELETE CASCADE,
    FOREIGN KEY (tariff, category) REFERENCES tariff_category (tariff, name) ON DELETE CASCADE
) STRICT;

CREATE TABLE category_rule (
    tariff         TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    member_kind    TEXT NOT NULL,
    method         TEXT NOT NULL,
    scale          TEXT,
    fixed_category TEXT,
    source         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, member_kind),
    FOREIGN KEY (tariff, scale) REFERENCES category_scale (tariff, code) ON DELETE CASCADE,
    FOREIGN KEY (tariff, fixed_category) REFERENCES tariff_category (tariff, name) ON DELETE CASCADE
) STRICT;

CREATE TABLE price_table (
    tariff   TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL DEFAULT '',
    key_kind TEXT NOT NULL DEFAULT 'category',
    columns  TEXT NOT NULL,               -- JSON list of column names
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code)
) STRICT;

CREATE TABLE price_row (
    tariff      TEXT NOT NULL,
    price_table TEXT NOT NULL,
    key         TEXT NOT NULL,            -- a category ('Cat 3', 'Provinces') or a status
    position    INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, price_table, key),
    FOREIGN KEY (tariff, price_table) REFERENCES price_table (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE price_cell (
    tariff      TEXT NOT NULL,
    price_table TEXT NOT NULL,
    key         TEXT NOT NULL,
    column_name TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('priced', 'sur_devis', 'not_offered')),
    amount      TEXT,                     -- decimal string when priced, else NULL
    PRIMARY KEY (tariff, price_table, key, column_name),
    FOREIGN KEY (tariff, price_table, key) REFERENCES price_row (tariff, price_table, key)
        ON DELETE CASCADE,
    CHECK ((state = 'priced') = (amount IS NOT NULL))
) STRICT;

CREATE TABLE band (
    tariff     TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    band_table TEXT NOT NULL,
    position   INTEGER NOT NULL,
    low        INTEGER NOT NULL,
    high       INTEGER,                   -- inclusive; NULL = open
    label      TEXT NOT NULL DEFAULT '',
    band_values TEXT NOT NULL,            -- JSON object column -> decimal string
    source     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, band_table, position)
) STRICT;

CREATE TABLE rate (
    tariff   TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    amount   TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code)
) STRICT;

CREATE TABLE product (
    tariff      TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    family      TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'product' CHECK (kind IN ('product', 'option', 'service')),
    parent      TEXT,
    libre       INTEGER NOT NULL DEFAULT 0 CHECK (libre IN (0, 1)),
    description TEXT NOT NULL DEFAULT '',
    confidence  TEXT NOT NULL DEFAULT '',
    to_confirm  TEXT NOT NULL DEFAULT '',
    tax_mode    TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code),
    FOREIGN KEY (tariff, parent) REFERENCES product (tariff, code) DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE product_name (
    tariff   TEXT NOT NULL,
    product  TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('alias', 'former')),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (tariff, product, role, position),
    FOREIGN KEY (tariff, product) REFERENCES product (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE product_note (
    tariff   TEXT NOT NULL,
    product  TEXT NOT NULL,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, product, position),
    FOREIGN KEY (tariff, product) REFERENCES product (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE parameter (
    tariff        TEXT NOT NULL,
    product       TEXT NOT NULL,
    key           TEXT NOT NULL,
    position      INTEGER NOT NULL,
    label         TEXT NOT NULL,
    integer_only  INTEGER NOT NULL DEFAULT 1 CHECK (integer_only IN (0, 1)),
    minimum       TEXT,
    maximum       TEXT,
    default_value TEXT,
    required      INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    unit          TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, product, key),
    FOREIGN KEY (tariff, product) REFERENCES product (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE component (
    tariff   TEXT NOT NULL,
    product  TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    bucket   TEXT CHECK (bucket IS NULL OR bucket IN ('one_time', 'annual')),
    params   TEXT NOT NULL,               -- JSON object (table= always present for table kinds)
    label    TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, product, position),
    FOREIGN KEY (tariff, product) REFERENCES product (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE rule_constraint (
    tariff  TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code    TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('requires', 'excludes')),
    product TEXT NOT NULL,
    other   TEXT NOT NULL,                -- a product code, or '*' = any product
    message TEXT NOT NULL,
    source  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code),
    FOREIGN KEY (tariff, product) REFERENCES product (tariff, code) ON DELETE CASCADE
) STRICT;

CREATE TABLE discount (
    tariff       TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    member_kinds TEXT NOT NULL,           -- JSON list
    bucket       TEXT NOT NULL CHECK (bucket IN ('one_time', 'annual')),
    pct          TEXT NOT NULL,           -- a percentage: '50' = 50 %
    condition    TEXT NOT NULL,
    flag         TEXT NOT NULL,
    label        TEXT NOT NULL,
    term         TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code)
) STRICT;

CREATE TABLE term (
    tariff   TEXT NOT NULL REFERENCES tariff (code) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    text     TEXT NOT NULL,
    shown_when TEXT NOT NULL DEFAULT 'always',
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tariff, code)
) STRICT;
