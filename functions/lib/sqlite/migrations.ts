/**
 * Schema migrations, applied in order at start (`PRAGMA user_version` counts the applied ones).
 * Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: string[] = [
  // 1: places with one R*Tree per kind (points as zero-size boxes), station zones, staff.
  `
  CREATE TABLE places (
    pk INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('store', 'station', 'bike')),
    id TEXT NOT NULL,
    lat REAL NOT NULL,
    lng REAL NOT NULL,
    category TEXT,
    status TEXT,
    code TEXT,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, id)
  );
  CREATE UNIQUE INDEX places_bike_code ON places (code) WHERE kind = 'bike';
  CREATE VIRTUAL TABLE geo_store USING rtree (pk, min_lng, max_lng, min_lat, max_lat);
  CREATE VIRTUAL TABLE geo_station USING rtree (pk, min_lng, max_lng, min_lat, max_lat);
  CREATE VIRTUAL TABLE geo_bike USING rtree (pk, min_lng, max_lng, min_lat, max_lat);
  CREATE VIRTUAL TABLE geo_zone USING rtree (pk, min_lng, max_lng, min_lat, max_lat);
  CREATE TABLE staff (
    openid TEXT PRIMARY KEY,
    store_ids TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // 2: bookings (slot counters, bookings) — the bookings issue fills this in.
  ``,
  // 3: rides (rides, ride bills, lock commands) — the bikes issue fills this in.
  ``,
];
