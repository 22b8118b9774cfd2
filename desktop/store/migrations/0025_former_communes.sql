-- The communes a commune was formed from by a merger (Bastogne and Bertogne, merged into
-- Bastogne on 1 January 2025): their NIS codes and names until then, which old files and head
-- office's old lists still carry. The search finds the commune under them, its card says so.
-- Seeded from db/belgium/wallonie_fusions_2025.csv (where each row gives its source) with
-- the rest of the directory: the new file makes a database in use load the directory again.
-- Keyed on the commune's NIS code, not on its member row, and kept out of the catalogue
-- bundles: these rows come with each version's seed files, and a catalogue from head office,
-- which replaces the members, neither carries nor removes them (a laptop and head office on
-- two versions still exchange their catalogues).
CREATE TABLE former_commune (
    nis         TEXT NOT NULL,            -- the commune of today (82039)
    position    INTEGER NOT NULL,
    former_nis  TEXT NOT NULL,            -- the former commune's code until the merger (82005)
    former_name TEXT NOT NULL CHECK (former_name <> ''),
    merged_on   TEXT NOT NULL,            -- ISO date the merger took effect
    PRIMARY KEY (nis, former_nis)
) STRICT;
