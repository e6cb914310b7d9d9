-- The cumulative check sums quantities by importer, substance and year:
-- with the quantity in the index, it reads the index alone.
DROP INDEX pre_export_by_import;
CREATE INDEX pre_export_by_import ON pre_export_notifications (importing_state, substance, year, counts, quantity);
