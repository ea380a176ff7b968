-- Reverse geocoding: GeoNames places (cities500) and an R*Tree over their coordinates.
-- Filled in the background from the data embedded in the binary (Geocoding/GeodataImporter); the import is
-- repeated only when that data changes (its SHA-256 is kept in system_metadata under 'immichlite-geodata').

CREATE TABLE geodata_places (
  id          INTEGER PRIMARY KEY,   -- GeoNames geonameid
  name        TEXT NOT NULL,         -- the place's name (GeoNames "name", UTF-8)
  latitude    REAL NOT NULL,
  longitude   REAL NOT NULL,
  countryCode TEXT NOT NULL,         -- ISO 3166-1 alpha-2
  countryName TEXT,                  -- English name, as upstream's i18n-iso-countries getName(code, 'en')
  admin1Name  TEXT,                  -- state / region (GeoNames admin1 name)
  admin2Name  TEXT,                  -- county / district (GeoNames admin2 name)
  timeZone    TEXT                   -- IANA zone
);

-- One point per place (min = max). R*Tree coordinates are 32-bit floats, rounded outwards, so a box query
-- returns a superset; exact distances come from geodata_places.
CREATE VIRTUAL TABLE geodata_places_rtree USING rtree(id, minLat, maxLat, minLon, maxLon);
