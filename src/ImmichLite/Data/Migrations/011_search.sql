-- GET /search/places finds places whatever their diacritics ("zurich" finds Zürich), as upstream's f_unaccent does:
-- the geodata import keeps, for every place whose name is not plain ASCII, the name folded to ASCII lower case
-- (Geocoding/LatinFold). NULL for ASCII names: LIKE already ignores their case.
ALTER TABLE geodata_places ADD COLUMN nameFolded TEXT;

-- Places imported before this column existed have no folded names: forget that import, so that the next start
-- imports the data again (in the background, as at a first start).
DELETE FROM system_metadata WHERE key = 'immichlite-geodata';
