-- Document templates the back office edits without code (the contract's wording).
-- Every save adds a version; the newest version of a code is the one in force, older ones
-- stay for the record. The default text (resources/templates/contract_fr.txt) is copied in
-- as version 1 the first time the template is read (desktop/store/templates_repo.py).
CREATE TABLE document_templates (
    code      TEXT NOT NULL,                       -- 'contrat'
    version   INTEGER NOT NULL CHECK (version >= 1),
    body      TEXT NOT NULL,
    origin    TEXT NOT NULL CHECK (origin IN ('defaut', 'modifie')),
    saved_at  TEXT NOT NULL,
    saved_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, version)
) STRICT;
