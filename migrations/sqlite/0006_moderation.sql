-- The moderation queue of seller listings: one item per product with its workflow state
-- (pending -> auto_approved | flagged | rejected by screening; flagged/appealed -> approved |
-- rejected by a moderator; rejected -> appealed by the seller), the screening's reasons and
-- scores, the assignment and the SLA timestamps; and the append-only record of every decision.
--
-- `products.status` stays the only thing the index reads: approved for auto_approved/approved,
-- rejected for rejected, pending otherwise. Both are written in one transaction.

CREATE TABLE moderation_items (
    product_id       INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    state            TEXT    NOT NULL CHECK (state IN
                         ('pending', 'auto_approved', 'flagged', 'appealed', 'approved', 'rejected')),
    -- Bumped by every seller edit; decisions name the revision they saw.
    revision         INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    -- The screening's reasons (JSON array of {code, category, score, evidence}).
    reasons          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
    -- `,code1,code2,` for filtering by reason.
    reason_codes     TEXT    NOT NULL DEFAULT ',',
    top_score        REAL    NOT NULL DEFAULT 0 CHECK (top_score BETWEEN 0 AND 1),
    -- The rules and model versions that screened the current revision.
    screened_by      TEXT    NOT NULL CHECK (screened_by <> ''),
    submitted_at     TEXT    NOT NULL,
    -- When the item (re-)entered the queue: submission, edit or appeal. The SLA runs from here.
    queued_at        TEXT    NOT NULL,
    assigned_to      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assigned_at      TEXT,
    decided_at       TEXT,
    decided_by       INTEGER,
    decision_reason  TEXT,
    appeal_message   TEXT,
    appealed_at      TEXT,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX moderation_items_state_queued_idx ON moderation_items (state, queued_at);
CREATE INDEX moderation_items_assigned_to_idx ON moderation_items (assigned_to);

-- Every screening, assignment, decision and appeal. Append-only: updates and deletes are
-- refused. No foreign keys: the trail outlives the products and accounts it mentions.
CREATE TABLE moderation_decisions (
    id             INTEGER PRIMARY KEY,
    product_id     INTEGER NOT NULL,
    revision       INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    -- A person (moderator, admin, seller) or the screening (rules and model versions).
    actor_user_id  INTEGER,
    actor_model    TEXT,
    action         TEXT    NOT NULL CHECK (action IN ('screen', 'assign', 'decide', 'appeal')),
    from_state     TEXT    NOT NULL,
    to_state       TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    -- The reasons with their scores at the time of the decision (JSON array).
    scores         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scores)),
    CHECK ((actor_user_id IS NULL) <> (actor_model IS NULL))
);
CREATE INDEX moderation_decisions_product_id_idx ON moderation_decisions (product_id, id);
CREATE TRIGGER moderation_decisions_no_update BEFORE UPDATE ON moderation_decisions
BEGIN
    SELECT RAISE(ABORT, 'moderation_decisions is append-only');
END;
CREATE TRIGGER moderation_decisions_no_delete BEFORE DELETE ON moderation_decisions
BEGIN
    SELECT RAISE(ABORT, 'moderation_decisions is append-only');
END;

-- Images uploaded by sellers, kept in the store, with what the image-safety model said about
-- each (`{"model": "...", "sexual": p, "gore": p}`, or `{"unavailable": "why"}` when it could
-- not run: the listing is then held for a person). Served only while the product is approved.
CREATE TABLE listing_images (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    content_type  TEXT    NOT NULL
                  CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    bytes         BLOB    NOT NULL,
    sha256        TEXT    NOT NULL CHECK (length(sha256) = 64),
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    safety        TEXT    NOT NULL CHECK (json_valid(safety)),
    created_at    TEXT    NOT NULL,
    UNIQUE (product_id, sha256)
);
