-- The search text of the offers folded again as it is folded today (comptoir_fold is
-- desktop.core.catalogue.fold): offers saved before the invisible characters a paste brings
-- (a soft hyphen, a zero width space) were left out kept them in it, and typing their
-- member's name did not find them in the offers list, where the directory did.
UPDATE offers SET search = comptoir_fold(search) WHERE search <> comptoir_fold(search);
