-- Seller onboarding: one profile per shop with its shop, legal and payout details. The payout
-- account is stored in full (payouts need it) and only ever shown masked.

CREATE TABLE seller_profiles (
    seller_id       INTEGER PRIMARY KEY REFERENCES sellers (id) ON DELETE CASCADE,
    display_name    TEXT    NOT NULL CHECK (display_name <> ''),
    description     TEXT    NOT NULL DEFAULT '',
    region          TEXT    NOT NULL CHECK (region <> ''),
    legal_name      TEXT    NOT NULL CHECK (legal_name <> ''),
    inn             TEXT    NOT NULL CHECK (length(inn) = 9),
    legal_address   TEXT    NOT NULL CHECK (legal_address <> ''),
    bank_name       TEXT    NOT NULL CHECK (bank_name <> ''),
    mfo             TEXT    NOT NULL CHECK (length(mfo) = 5),
    account_number  TEXT    NOT NULL CHECK (length(account_number) = 20),
    updated_by      INTEGER,
    updated_at      TEXT    NOT NULL
);

-- Featured products: curated by an admin or promoted by their seller. The public list joins
-- products on every read, so only approved products inside the audience's age are shown.
CREATE TABLE featured_products (
    product_id  INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('admin', 'seller')),
    seller_id   INTEGER NOT NULL REFERENCES sellers (id) ON DELETE CASCADE,
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX featured_products_seller_idx ON featured_products (seller_id, source);
