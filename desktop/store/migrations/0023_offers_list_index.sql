-- Every column the offers list shows or searches, in one index: the list, its search and its
-- state filter read this index alone. The rows themselves carry the frozen PDF and snapshot
-- (some 90 KB for a finalised offer, the list's dates stored after them): a list of hundreds
-- of offers read them page after page, from the disk at the first look. It replaces the
-- indexes on the date and on the state and date, which led the list to those rows.
DROP INDEX offers_state_updated;
DROP INDEX offers_updated;
CREATE INDEX offers_list ON offers (
    updated, id, number, version, predecessor, state, tariff, member_id, member_name, category,
    seller, one_time, annual, year1, partial, line_count, created, finalised, valid_until,
    coverage, search
);
