-- Product reviews by verified purchasers: one per purchased order line, screened on arrival
-- (toxicity, lexicon, spam, bursts; a child's review always waits for a parent or moderator).
-- Only `published` reviews count in `products.rating_avg` / `rating_count`, which are
-- recomputed in the same transaction as the `catalog_changes` outbox row.

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    seller_id       INTEGER NOT NULL,
    order_line_id   INTEGER NOT NULL UNIQUE REFERENCES order_lines (id) ON DELETE CASCADE,
    author_user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    child_id        INTEGER REFERENCES child_profiles (id) ON DELETE SET NULL,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body            TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    -- SHA-256 of the screening-normalised text, for duplicates across accounts.
    text_hash       TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('published', 'held', 'rejected')),
    -- The screening's reasons (JSON array of {code, score, evidence}).
    reasons         TEXT    NOT NULL DEFAULT '[]',
    screened_by     TEXT    NOT NULL,
    helpful_count   INTEGER NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
    created_at      TEXT    NOT NULL,
    decided_at      TEXT,
    decided_by      INTEGER,
    decision_reason TEXT
);
CREATE INDEX reviews_product_status_idx ON reviews (product_id, status);
CREATE INDEX reviews_author_created_idx ON reviews (author_user_id, created_at);
CREATE INDEX reviews_seller_created_idx ON reviews (seller_id, created_at);
CREATE INDEX reviews_text_hash_idx ON reviews (text_hash);

-- One helpful vote per account and review.
CREATE TABLE review_votes (
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

-- One abuse report per account and review; enough of them take a published review down
-- for a moderator.
CREATE TABLE review_reports (
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (review_id, user_id)
);
