-- Issue 5, item 3: photos on reviews (screened like listing images, served only while the
-- review is published) and the text embedding of every review, for near-duplicate text
-- across accounts.

CREATE TABLE review_photos (
    id           INTEGER PRIMARY KEY,
    review_id    INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    sha256       TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    -- What the image-safety model said (JSON: model, sexual, gore, or why it was not scored).
    safety       TEXT    NOT NULL DEFAULT '{}',
    created_at   TEXT    NOT NULL,
    UNIQUE (review_id, sha256)
);
CREATE INDEX review_photos_review_idx ON review_photos (review_id);

-- One L2-normalised text embedding per review (little-endian f32), with the model that made
-- it; only vectors of the same model are compared.
CREATE TABLE review_embeddings (
    review_id      INTEGER PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
    author_user_id INTEGER NOT NULL,
    model          TEXT    NOT NULL,
    vector         BLOB    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE INDEX review_embeddings_created_idx ON review_embeddings (created_at);
