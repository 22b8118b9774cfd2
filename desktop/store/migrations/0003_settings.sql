-- Business settings printed on documents (seller, device code, letterhead, validity...).
-- One row per field; a missing row means the default of desktop.core.settings.Settings.
CREATE TABLE setting (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    updated TEXT NOT NULL
) STRICT;
