-- Shopper features: wishlists (per account) and recently viewed products (per account or per
-- device token; the service keeps the newest 50 per viewer).

CREATE TABLE wishlist_items (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX wishlist_items_user_created_idx ON wishlist_items (user_id, created_at);

-- `viewer` is `u:<user id>` for an account or `d:<hex SHA-256 of the device token>`.
CREATE TABLE recently_viewed (
    viewer      TEXT    NOT NULL CHECK (length(viewer) BETWEEN 3 AND 80),
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    viewed_at   TEXT    NOT NULL,
    PRIMARY KEY (viewer, product_id)
);
CREATE INDEX recently_viewed_viewer_at_idx ON recently_viewed (viewer, viewed_at);
