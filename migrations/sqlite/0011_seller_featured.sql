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
