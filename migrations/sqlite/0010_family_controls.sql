-- Parental controls, part two (issue 6, item 4): search mode, screen time and allowed hours,
-- the time a child used per Tashkent day, and a minimal log of a child's searches for the
-- parent's dashboard.

-- off: no search at all; safe: the normal audience filter; approved_items_only: only products
-- in approved_product_ids or in allowed_category_ids.
ALTER TABLE parental_controls ADD COLUMN search_mode TEXT NOT NULL DEFAULT 'safe'
    CHECK (search_mode IN ('off', 'safe', 'approved_items_only'));
-- JSON array of product ids the child may find with approved_items_only.
ALTER TABLE parental_controls ADD COLUMN approved_product_ids TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(approved_product_ids));
-- Minutes per Tashkent day; NULL: no limit.
ALTER TABLE parental_controls ADD COLUMN daily_screen_minutes INTEGER
    CHECK (daily_screen_minutes IS NULL OR daily_screen_minutes BETWEEN 0 AND 1440);
-- Allowed hours as minutes after Tashkent midnight, [from, until); until < from wraps past
-- midnight; both NULL: any time.
ALTER TABLE parental_controls ADD COLUMN allowed_from_minute INTEGER
    CHECK (allowed_from_minute IS NULL OR allowed_from_minute BETWEEN 0 AND 1439);
ALTER TABLE parental_controls ADD COLUMN allowed_until_minute INTEGER
    CHECK (allowed_until_minute IS NULL OR allowed_until_minute BETWEEN 0 AND 1440);

-- Time a child spent signed in, per Tashkent day, counted by the server from the child's
-- requests and heartbeats (gaps longer than the activity window are not counted).
CREATE TABLE child_screen_time (
    child_id      INTEGER NOT NULL REFERENCES child_profiles (id) ON DELETE CASCADE,
    day           TEXT    NOT NULL,
    seconds_used  INTEGER NOT NULL DEFAULT 0 CHECK (seconds_used >= 0),
    last_seen_at  TEXT    NOT NULL,
    PRIMARY KEY (child_id, day)
);

-- A child's searches for the parent (query text truncated to 100 characters, kept 30 days).
CREATE TABLE child_search_log (
    id        INTEGER PRIMARY KEY,
    child_id  INTEGER NOT NULL REFERENCES child_profiles (id) ON DELETE CASCADE,
    at        TEXT    NOT NULL,
    query     TEXT    NOT NULL,
    blocked   INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    reason    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX child_search_log_child_idx ON child_search_log (child_id, id);
