-- Which totals of an offer stand for an amount and which leave a « sur devis » part out, as
-- bits (desktop.store.offers_repo.coverage_bits): the offers list shows « Sur devis » and its
-- asterisks without reading every quote. NULL for offers stored before this column: the list
-- reads their quote when it needs to.
ALTER TABLE offers ADD COLUMN coverage INTEGER;
