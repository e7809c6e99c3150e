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
  `
  CREATE TABLE slot_counters (
    store_id TEXT NOT NULL,
    slot_key TEXT NOT NULL,
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (store_id, slot_key)
  ) WITHOUT ROWID;
  CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    store_id TEXT NOT NULL,
    slot_key TEXT NOT NULL,
    start TEXT NOT NULL,
    end_at TEXT NOT NULL,
    end_key TEXT NOT NULL,
    slot_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'checked_in', 'cancelled')),
    code TEXT NOT NULL UNIQUE,
    request_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX bookings_request ON bookings (openid, request_id) WHERE request_id IS NOT NULL;
  CREATE UNIQUE INDEX bookings_one_active_per_slot ON bookings (openid, store_id, slot_key) WHERE status IN ('pending', 'confirmed');
  CREATE INDEX bookings_customer ON bookings (openid, end_key);
  CREATE INDEX bookings_store_day ON bookings (store_id, slot_date, slot_key);
  `,
  // 3: rides (rides, ride bills, lock commands) — the bikes issue fills this in.
  `
  CREATE TABLE rides (
    id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    bike_id TEXT NOT NULL,
    bike_code TEXT NOT NULL,
    -- unlocking: bike reserved, lock command sent; active: the lock confirmed; aborted: it did not.
    status TEXT NOT NULL CHECK (status IN ('unlocking', 'active', 'ended', 'aborted')),
    requested_at TEXT NOT NULL,
    start_at TEXT,
    start_lat REAL NOT NULL,
    start_lng REAL NOT NULL,
    end_at TEXT,
    end_lat REAL,
    end_lng REAL,
    station_id TEXT,
    duration_sec INTEGER,
    fee_fen INTEGER CHECK (fee_fen >= 0),
    surcharge_fen INTEGER CHECK (surcharge_fen >= 0),
    bill_id TEXT,
    ended_by TEXT CHECK (ended_by IN ('rider', 'admin')),
    abort_reason TEXT
  );
  -- One open ride per rider and per bike: the database itself refuses a second one.
  CREATE UNIQUE INDEX rides_one_open_per_rider ON rides (openid) WHERE status IN ('unlocking', 'active');
  CREATE UNIQUE INDEX rides_one_open_per_bike ON rides (bike_id) WHERE status IN ('unlocking', 'active');
  CREATE INDEX rides_by_rider ON rides (openid, requested_at);
  -- Ride bills and utility bills in one table (bills.list lists both).
  CREATE TABLE bills (
    id TEXT PRIMARY KEY,
    openid TEXT,
    type TEXT NOT NULL CHECK (type IN ('ride', 'water', 'electricity', 'gas')),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    status TEXT NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'paid')),
    ride_id TEXT UNIQUE,
    account_no TEXT,
    holder_name TEXT,
    period TEXT,
    due_date TEXT,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    CHECK (type <> 'ride' OR (ride_id IS NOT NULL AND openid IS NOT NULL))
  );
  CREATE INDEX bills_by_owner ON bills (openid, status);
  CREATE UNIQUE INDEX bills_one_per_account_period ON bills (type, account_no, period) WHERE type <> 'ride';
  `,
  // 4: the sweep of unlocks cut short reads `unlocking` rides by age without scanning the table.
  `
  CREATE INDEX rides_unlocking ON rides (requested_at) WHERE status = 'unlocking';
  `,
  // 5: utility accounts, bindings, failed binds, pay orders (also the payment records) and refunds.
  `
  ALTER TABLE bills ADD COLUMN paid_by TEXT;
  ALTER TABLE bills ADD COLUMN open_order TEXT;
  -- One order pays a bill at most (a second payment is refunded, never recorded on the bill).
  CREATE UNIQUE INDEX bills_paid_by ON bills (paid_by) WHERE paid_by IS NOT NULL;
  CREATE TABLE utility_accounts (
    type TEXT NOT NULL CHECK (type IN ('water', 'electricity', 'gas')),
    account_no TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (type, account_no)
  ) WITHOUT ROWID;
  CREATE TABLE account_bindings (
    openid TEXT NOT NULL,
    type TEXT NOT NULL,
    account_no TEXT NOT NULL,
    bound_at TEXT NOT NULL,
    PRIMARY KEY (openid, type, account_no),
    FOREIGN KEY (type, account_no) REFERENCES utility_accounts (type, account_no)
  ) WITHOUT ROWID;
  CREATE TABLE bind_failures (
    openid TEXT NOT NULL,
    failed_at TEXT NOT NULL
  );
  CREATE INDEX bind_failures_by_caller ON bind_failures (openid, failed_at);
  CREATE TABLE pay_orders (
    out_trade_no TEXT PRIMARY KEY,
    bill_id TEXT NOT NULL REFERENCES bills (id),
    openid TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'closed')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    prepay_id TEXT,
    prepay_issued_at TEXT,
    transaction_id TEXT,
    paid_at TEXT,
    CHECK (status <> 'paid' OR transaction_id IS NOT NULL)
  ) WITHOUT ROWID;
  CREATE INDEX pay_orders_open ON pay_orders (expires_at) WHERE status = 'open';
  CREATE TABLE pay_refunds (
    out_refund_no TEXT PRIMARY KEY,
    out_trade_no TEXT NOT NULL UNIQUE REFERENCES pay_orders (out_trade_no),
    bill_id TEXT NOT NULL,
    refund_fen INTEGER NOT NULL CHECK (refund_fen > 0),
    total_fen INTEGER NOT NULL CHECK (total_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'refunded', 'failed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX pay_refunds_owed ON pay_refunds (created_at) WHERE status IN ('pending', 'sent');
  `,
  // 6: reminders (issue 12): the quota ledger, one record per reminder key, the local outbox, and
  // the reminder queries (bookings starting soon, confirmed lately; unpaid bills due soon and their
  // bound users) without a scan.
  `
  CREATE TABLE reminder_quota (
    openid TEXT NOT NULL,
    template_key TEXT NOT NULL,
    remaining INTEGER NOT NULL CHECK (remaining >= 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (openid, template_key)
  ) WITHOUT ROWID;
  CREATE TABLE reminders (
    key TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    template_key TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed', 'retry')),
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    lease_until TEXT,
    cause TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    openid TEXT NOT NULL,
    template_key TEXT NOT NULL,
    page TEXT NOT NULL,
    data TEXT NOT NULL,
    sent_at TEXT NOT NULL
  );
  CREATE INDEX bookings_active_by_start ON bookings (slot_key) WHERE status IN ('pending', 'confirmed');
  CREATE INDEX bookings_confirmed_by_update ON bookings (updated_at) WHERE status = 'confirmed';
  CREATE INDEX bills_unpaid_due ON bills (due_date) WHERE status = 'unpaid' AND type <> 'ride';
  CREATE INDEX account_bindings_by_account ON account_bindings (type, account_no);
  `,
  // 7: small records of the deployment's own state, one row per key (issue 15: the stable_token
  // force_refresh budget of an AppID, shared by every function instance).
  `
  CREATE TABLE service_state (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 8: billers (issue 18): accounts by biller (two gas companies may issue the same number), a
  // household label on each binding, failed binds counted per account number too. What was
  // imported by type belongs to the biller named after the type (ids unchanged: "UB:water:...").
  `
  CREATE TABLE billers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('water', 'electricity', 'gas')),
    city TEXT NOT NULL,
    account_no_pattern TEXT,
    account_no_hint TEXT,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX billers_by_city ON billers (city, type, id);
  CREATE INDEX billers_by_type ON billers (type, id);
  INSERT INTO billers (id, name, type, city, updated_at)
    SELECT DISTINCT type, CASE type WHEN 'water' THEN '水费' WHEN 'electricity' THEN '电费' ELSE '燃气费' END, type, '', max(updated_at)
    FROM utility_accounts GROUP BY type;
  ALTER TABLE bills ADD COLUMN biller_id TEXT;
  UPDATE bills SET biller_id = type WHERE type <> 'ride';
  DROP INDEX bills_one_per_account_period;
  CREATE UNIQUE INDEX bills_one_per_biller_account_period ON bills (biller_id, account_no, period) WHERE type <> 'ride';
  CREATE INDEX bills_by_account ON bills (biller_id, account_no) WHERE type <> 'ride';
  CREATE TEMP TABLE bindings_before_billers AS SELECT * FROM account_bindings;
  DROP TABLE account_bindings;
  CREATE TABLE accounts_by_biller (
    biller_id TEXT NOT NULL REFERENCES billers (id),
    account_no TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('water', 'electricity', 'gas')),
    holder_name TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (biller_id, account_no)
  ) WITHOUT ROWID;
  INSERT INTO accounts_by_biller SELECT type, account_no, type, holder_name, updated_at FROM utility_accounts;
  DROP TABLE utility_accounts;
  ALTER TABLE accounts_by_biller RENAME TO utility_accounts;
  CREATE TABLE account_bindings (
    openid TEXT NOT NULL,
    biller_id TEXT NOT NULL,
    account_no TEXT NOT NULL,
    type TEXT NOT NULL,
    label TEXT,
    bound_at TEXT NOT NULL,
    PRIMARY KEY (openid, biller_id, account_no),
    FOREIGN KEY (biller_id, account_no) REFERENCES utility_accounts (biller_id, account_no)
  ) WITHOUT ROWID;
  INSERT INTO account_bindings (openid, biller_id, account_no, type, label, bound_at)
    SELECT openid, type, account_no, type, NULL, bound_at FROM temp.bindings_before_billers;
  DROP TABLE temp.bindings_before_billers;
  CREATE INDEX account_bindings_by_account ON account_bindings (biller_id, account_no);
  ALTER TABLE bind_failures ADD COLUMN account_key TEXT;
  -- A paid bill keeps its transaction (the payment record the 缴费记录 page lists).
  ALTER TABLE bills ADD COLUMN transaction_id TEXT;
  UPDATE bills SET transaction_id = (SELECT o.transaction_id FROM pay_orders o WHERE o.out_trade_no = bills.paid_by) WHERE paid_by IS NOT NULL;
  -- Each payer's open order of a bill (JSON [{ openid, outTradeNo }]): household members pay with orders of their own.
  ALTER TABLE bills ADD COLUMN open_orders TEXT NOT NULL DEFAULT '[]';
  UPDATE bills SET open_orders = json_array(json_object('openid', (SELECT o.openid FROM pay_orders o WHERE o.out_trade_no = bills.open_order), 'outTradeNo', open_order))
    WHERE open_order IS NOT NULL AND EXISTS (SELECT 1 FROM pay_orders o WHERE o.out_trade_no = bills.open_order);
  UPDATE bills SET open_order = NULL;
  CREATE INDEX bind_failures_by_account ON bind_failures (account_key, failed_at);
  `,
  // 9: text search of stores and stations (geo.search, issue 16): each one's name and address in
  // shared/search.ts form, and every piece of one or two characters of it, so that the short
  // queries of Chinese are an index lookup (an FTS5 trigram index matches 3 characters or more only).
  `
  CREATE TABLE place_search (
    pk INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE TABLE place_grams (
    kind TEXT NOT NULL,
    gram TEXT NOT NULL,
    pk INTEGER NOT NULL,
    PRIMARY KEY (kind, gram, pk)
  ) WITHOUT ROWID;
  `,
  // 10: bookings as shops run them (issue 19): party size (places counted per person), contact,
  // note, a rejection's reason, the reschedule count, and the statuses rejected and no_show. SQLite
  // cannot change a CHECK in place: the table is rebuilt, its indexes (2 and 6) made again.
  `
  CREATE TABLE bookings_v7 (
    id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    store_id TEXT NOT NULL,
    slot_key TEXT NOT NULL,
    start TEXT NOT NULL,
    end_at TEXT NOT NULL,
    end_key TEXT NOT NULL,
    slot_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'checked_in', 'cancelled', 'rejected', 'no_show')),
    code TEXT NOT NULL UNIQUE,
    request_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    party_size INTEGER NOT NULL DEFAULT 1 CHECK (party_size BETWEEN 1 AND 10),
    contact_name TEXT,
    contact_phone TEXT,
    note TEXT,
    reason TEXT,
    moves INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO bookings_v7 (id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at)
    SELECT id, openid, store_id, slot_key, start, end_at, end_key, slot_date, status, code, request_id, created_at, updated_at FROM bookings;
  DROP TABLE bookings;
  ALTER TABLE bookings_v7 RENAME TO bookings;
  CREATE UNIQUE INDEX bookings_request ON bookings (openid, request_id) WHERE request_id IS NOT NULL;
  CREATE UNIQUE INDEX bookings_one_active_per_slot ON bookings (openid, store_id, slot_key) WHERE status IN ('pending', 'confirmed');
  CREATE INDEX bookings_customer ON bookings (openid, end_key);
  CREATE INDEX bookings_store_day ON bookings (store_id, slot_date, slot_key);
  CREATE INDEX bookings_active_by_start ON bookings (slot_key) WHERE status IN ('pending', 'confirmed');
  CREATE INDEX bookings_confirmed_by_update ON bookings (updated_at) WHERE status = 'confirmed';
  CREATE INDEX bookings_no_shows ON bookings (openid, end_key) WHERE status = 'no_show';
  CREATE INDEX bookings_pending_by_update ON bookings (updated_at) WHERE status = 'pending';
  CREATE INDEX bookings_rejected_by_update ON bookings (updated_at) WHERE status = 'rejected';
  `,
  // 11: reservations, fault reports and the ride history (issue 17). A reservation lapses by its
  // time alone (`until`): nothing marks it; a bike's hold is `heldBy`/`heldUntil` in its body.
  `
  CREATE TABLE ride_holds (
    id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    bike_id TEXT NOT NULL,
    bike_code TEXT NOT NULL,
    lat REAL NOT NULL,
    lng REAL NOT NULL,
    created_at TEXT NOT NULL,
    until TEXT NOT NULL,
    -- held: live until its until (a lapse after it); used: the rider unlocked it; cancelled.
    status TEXT NOT NULL CHECK (status IN ('held', 'used', 'cancelled'))
  );
  CREATE INDEX ride_holds_by_rider ON ride_holds (openid, created_at);
  CREATE TABLE bike_reports (
    id TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    bike_id TEXT NOT NULL,
    bike_code TEXT NOT NULL,
    category TEXT NOT NULL,
    note TEXT,
    photos TEXT NOT NULL,
    created_at TEXT NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_at TEXT
  );
  CREATE UNIQUE INDEX bike_reports_one_a_day ON bike_reports (openid, bike_id, day);
  CREATE INDEX bike_reports_open_by_bike ON bike_reports (bike_id, created_at) WHERE status = 'open';
  CREATE INDEX bike_reports_by_status ON bike_reports (status, created_at, id);
  CREATE INDEX bike_reports_by_time ON bike_reports (created_at, id);
  CREATE INDEX rides_history ON rides (openid, end_at) WHERE status = 'ended';
  `,
  // 12: a counter per kind of place, moved by every write to a store or station whoever makes it
  // (any connection, any statement): the nearby snapshot (place-snapshot.ts) is rebuilt when its
  // kind's counter moved, and only then (not after bookings' or bikes' writes).
  `
  CREATE TABLE place_versions (kind TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO place_versions (kind, version) VALUES ('store', 0), ('station', 0);
  CREATE TRIGGER place_versions_insert AFTER INSERT ON places WHEN NEW.kind <> 'bike' BEGIN
    UPDATE place_versions SET version = version + 1 WHERE kind = NEW.kind;
  END;
  CREATE TRIGGER place_versions_update AFTER UPDATE ON places WHEN NEW.kind <> 'bike' OR OLD.kind <> 'bike' BEGIN
    UPDATE place_versions SET version = version + 1 WHERE kind IN (NEW.kind, OLD.kind);
  END;
  CREATE TRIGGER place_versions_delete AFTER DELETE ON places WHEN OLD.kind <> 'bike' BEGIN
    UPDATE place_versions SET version = version + 1 WHERE kind = OLD.kind;
  END;
  `,
];
