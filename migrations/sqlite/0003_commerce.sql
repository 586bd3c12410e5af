-- Commerce: carts (guest and user), delivery regions and pickup points, promo codes, orders
-- with their lines and per-seller shipments, stock reservations, the order history, the
-- order-event outbox, idempotency keys, refunds, the seller ledger, and parental controls with
-- purchase requests ("ask to buy").
--
-- Money is integer tiyin (1 so'm = 100 tiyin). Stock is conserved per variant:
-- `stock` (available) + `reserved` (held by unpaid orders) + `sold` changes only when a seller
-- restocks; checkout moves stock → reserved, payment reserved → sold, cancel/expiry
-- reserved → stock.

ALTER TABLE product_variants ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0);
ALTER TABLE product_variants ADD COLUMN sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0);

-- A cart belongs to a signed-in user or to a guest token (stored as hex SHA-256).
CREATE TABLE carts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT    UNIQUE CHECK (token_hash IS NULL OR length(token_hash) = 64),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK ((user_id IS NULL) <> (token_hash IS NULL))
);

CREATE TABLE cart_lines (
    cart_id     INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id  INTEGER NOT NULL REFERENCES product_variants (id) ON DELETE CASCADE,
    quantity    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at    TEXT    NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);
CREATE INDEX cart_lines_variant_id_idx ON cart_lines (variant_id);

-- Courier delivery per region of Uzbekistan.
CREATE TABLE delivery_regions (
    code               TEXT    PRIMARY KEY CHECK (code <> ''),
    name_uz            TEXT    NOT NULL,
    name_ru            TEXT    NOT NULL,
    name_en            TEXT    NOT NULL,
    courier_fee_tiyin  INTEGER NOT NULL CHECK (courier_fee_tiyin >= 0),
    -- Orders from this subtotal on ship free by courier (NULL: never free).
    free_from_tiyin    INTEGER CHECK (free_from_tiyin IS NULL OR free_from_tiyin > 0),
    courier_days       INTEGER NOT NULL CHECK (courier_days BETWEEN 0 AND 30)
);

CREATE TABLE pickup_points (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT    NOT NULL REFERENCES delivery_regions (code) ON DELETE RESTRICT,
    name         TEXT    NOT NULL CHECK (name <> ''),
    address      TEXT    NOT NULL CHECK (address <> ''),
    fee_tiyin    INTEGER NOT NULL CHECK (fee_tiyin >= 0),
    active       BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX pickup_points_region_code_idx ON pickup_points (region_code);

INSERT INTO delivery_regions (code, name_uz, name_ru, name_en, courier_fee_tiyin, free_from_tiyin, courier_days) VALUES
    ('tashkent_city', 'Toshkent shahri', 'город Ташкент', 'Tashkent city', 1500000, 30000000, 1),
    ('tashkent', 'Toshkent viloyati', 'Ташкентская область', 'Tashkent region', 2000000, 40000000, 2),
    ('andijan', 'Andijon viloyati', 'Андижанская область', 'Andijan region', 3000000, NULL, 3),
    ('bukhara', 'Buxoro viloyati', 'Бухарская область', 'Bukhara region', 3000000, NULL, 3),
    ('fergana', 'Farg''ona viloyati', 'Ферганская область', 'Fergana region', 3000000, NULL, 3),
    ('jizzakh', 'Jizzax viloyati', 'Джизакская область', 'Jizzakh region', 3000000, NULL, 3),
    ('kashkadarya', 'Qashqadaryo viloyati', 'Кашкадарьинская область', 'Kashkadarya region', 3500000, NULL, 4),
    ('khorezm', 'Xorazm viloyati', 'Хорезмская область', 'Khorezm region', 4000000, NULL, 5),
    ('namangan', 'Namangan viloyati', 'Наманганская область', 'Namangan region', 3000000, NULL, 3),
    ('navoiy', 'Navoiy viloyati', 'Навоийская область', 'Navoiy region', 3500000, NULL, 4),
    ('samarkand', 'Samarqand viloyati', 'Самаркандская область', 'Samarkand region', 2500000, NULL, 2),
    ('surkhandarya', 'Surxondaryo viloyati', 'Сурхандарьинская область', 'Surkhandarya region', 4000000, NULL, 5),
    ('syrdarya', 'Sirdaryo viloyati', 'Сырдарьинская область', 'Syrdarya region', 2500000, NULL, 2),
    ('karakalpakstan', 'Qoraqalpog''iston Respublikasi', 'Республика Каракалпакстан', 'Republic of Karakalpakstan', 4500000, NULL, 6);

INSERT INTO pickup_points (id, region_code, name, address, fee_tiyin) VALUES
    (1, 'tashkent_city', 'bolajon Chilonzor', 'Chilonzor tumani, Bunyodkor ko''chasi 1', 0),
    (2, 'tashkent_city', 'bolajon Yunusobod', 'Yunusobod tumani, Amir Temur ko''chasi 107', 0),
    (3, 'samarkand', 'bolajon Samarqand', 'Registon ko''chasi 5', 500000),
    (4, 'bukhara', 'bolajon Buxoro', 'Mustaqillik ko''chasi 12', 500000);

-- Promo codes: percentage (whole percent) or fixed tiyin, optionally scoped to one seller's lines.
CREATE TABLE promo_codes (
    id                  INTEGER PRIMARY KEY,
    code                TEXT    NOT NULL UNIQUE CHECK (code = upper(code) AND length(code) BETWEEN 3 AND 32),
    kind                TEXT    NOT NULL CHECK (kind IN ('percent', 'fixed')),
    value               INTEGER NOT NULL CHECK (value > 0),
    min_order_tiyin     INTEGER NOT NULL DEFAULT 0 CHECK (min_order_tiyin >= 0),
    max_discount_tiyin  INTEGER CHECK (max_discount_tiyin IS NULL OR max_discount_tiyin > 0),
    seller_id           INTEGER REFERENCES sellers (id) ON DELETE CASCADE,
    per_user_limit      INTEGER NOT NULL DEFAULT 1 CHECK (per_user_limit >= 1),
    starts_at           TEXT,
    expires_at          TEXT,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TEXT    NOT NULL,
    CHECK (kind <> 'percent' OR value <= 100)
);

-- Orders. `buyer_user_id` is NULL only after erasure (the order stays, anonymised).
CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    buyer_user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    child_id            INTEGER REFERENCES child_profiles (id) ON DELETE SET NULL,
    status              TEXT    NOT NULL CHECK (status IN (
                                    'pending_payment', 'awaiting_parent_approval', 'paid',
                                    'processing', 'shipped', 'delivered', 'completed',
                                    'cancelled', 'expired', 'refund_requested', 'refunded')),
    subtotal_tiyin      INTEGER NOT NULL CHECK (subtotal_tiyin >= 0),
    discount_tiyin      INTEGER NOT NULL DEFAULT 0 CHECK (discount_tiyin >= 0),
    delivery_fee_tiyin  INTEGER NOT NULL DEFAULT 0 CHECK (delivery_fee_tiyin >= 0),
    total_tiyin         INTEGER NOT NULL CHECK (total_tiyin >= 0),
    refunded_tiyin      INTEGER NOT NULL DEFAULT 0 CHECK (refunded_tiyin >= 0),
    delivery_method     TEXT    NOT NULL CHECK (delivery_method IN ('courier', 'pickup')),
    delivery_region     TEXT    REFERENCES delivery_regions (code) ON DELETE RESTRICT,
    delivery_address    TEXT,
    pickup_point_id     INTEGER REFERENCES pickup_points (id) ON DELETE RESTRICT,
    recipient_name      TEXT,
    recipient_phone     TEXT,
    promo_code_id       INTEGER REFERENCES promo_codes (id) ON DELETE SET NULL,
    payment_provider    TEXT    CHECK (payment_provider IS NULL OR payment_provider IN ('payme', 'click', 'card')),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    expires_at          TEXT    NOT NULL,
    paid_at             TEXT,
    delivered_at        TEXT,
    closed_at           TEXT,
    CHECK (discount_tiyin <= subtotal_tiyin),
    CHECK (total_tiyin = subtotal_tiyin - discount_tiyin + delivery_fee_tiyin),
    CHECK (refunded_tiyin <= total_tiyin),
    CHECK (delivery_method <> 'courier' OR (delivery_region IS NOT NULL AND delivery_address IS NOT NULL)),
    CHECK (delivery_method <> 'pickup' OR pickup_point_id IS NOT NULL)
);
CREATE INDEX orders_buyer_user_id_idx ON orders (buyer_user_id, created_at);
CREATE INDEX orders_child_id_idx ON orders (child_id, created_at);
CREATE INDEX orders_status_expires_at_idx ON orders (status, expires_at);

-- One shipment per seller per order.
CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seller_id       INTEGER NOT NULL REFERENCES sellers (id) ON DELETE RESTRICT,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'processing', 'shipped', 'delivered', 'cancelled')),
    subtotal_tiyin  INTEGER NOT NULL CHECK (subtotal_tiyin >= 0),
    discount_tiyin  INTEGER NOT NULL DEFAULT 0 CHECK (discount_tiyin >= 0),
    -- The commission rate in force when the order was placed (basis points).
    commission_bps  INTEGER NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
    tracking_code   TEXT    CHECK (tracking_code IS NULL OR length(tracking_code) BETWEEN 1 AND 64),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    shipped_at      TEXT,
    delivered_at    TEXT,
    UNIQUE (order_id, seller_id)
);
CREATE INDEX shipments_seller_id_idx ON shipments (seller_id, status);

-- Lines keep a snapshot of what was bought; they outlive catalogue edits and deletions, so the
-- variant and product are not foreign keys.
CREATE TABLE order_lines (
    id                INTEGER PRIMARY KEY,
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    shipment_id       INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    seller_id         INTEGER NOT NULL REFERENCES sellers (id) ON DELETE RESTRICT,
    product_id        INTEGER NOT NULL,
    variant_id        INTEGER NOT NULL,
    category_id       INTEGER NOT NULL,
    sku               TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit_price_tiyin  INTEGER NOT NULL CHECK (unit_price_tiyin > 0),
    line_total_tiyin  INTEGER NOT NULL CHECK (line_total_tiyin = unit_price_tiyin * quantity),
    discount_tiyin    INTEGER NOT NULL DEFAULT 0 CHECK (discount_tiyin BETWEEN 0 AND line_total_tiyin),
    UNIQUE (order_id, variant_id)
);
CREATE INDEX order_lines_shipment_id_idx ON order_lines (shipment_id);
CREATE INDEX order_lines_variant_id_idx ON order_lines (variant_id);

-- Every status transition of an order.
CREATE TABLE order_history (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status     TEXT,
    to_status       TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    actor_kind      TEXT    NOT NULL CHECK (actor_kind IN ('buyer', 'parent', 'seller', 'admin', 'payment', 'system')),
    actor_user_id   INTEGER,
    reason          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX order_history_order_id_idx ON order_history (order_id, id);

-- The transactional outbox of domain events for the notification engine (written in the same
-- transaction as the change; `published_at` is set by the consumer).
CREATE TABLE order_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN (
                              'order_placed', 'purchase_request', 'purchase_approved',
                              'purchase_declined', 'purchase_expired', 'order_paid',
                              'order_processing', 'order_shipped', 'order_delivered',
                              'order_completed', 'order_cancelled', 'order_expired',
                              'refund_requested', 'order_refunded')),
    payload       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    created_at    TEXT    NOT NULL,
    published_at  TEXT
);
CREATE INDEX order_events_unpublished_idx ON order_events (seq) WHERE published_at IS NULL;

-- `Idempotency-Key` records: the first request's hash and its stored reply.
CREATE TABLE idempotency_keys (
    scope          TEXT    NOT NULL,
    key            TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash   TEXT    NOT NULL CHECK (length(request_hash) = 64),
    status_code    INTEGER,
    response_body  TEXT,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE promo_redemptions (
    id              INTEGER PRIMARY KEY,
    promo_code_id   INTEGER NOT NULL REFERENCES promo_codes (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    order_id        INTEGER NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    discount_tiyin  INTEGER NOT NULL CHECK (discount_tiyin >= 0),
    created_at      TEXT    NOT NULL,
    -- Set when the order is cancelled or expires: the use no longer counts.
    released_at     TEXT
);
CREATE INDEX promo_redemptions_user_idx ON promo_redemptions (promo_code_id, user_id);

-- Refunds (full or partial) of paid orders; `reference` makes a provider's retry a no-op.
CREATE TABLE refunds (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_tiyin  INTEGER NOT NULL CHECK (amount_tiyin > 0),
    reason        TEXT    NOT NULL DEFAULT '',
    reference     TEXT    NOT NULL CHECK (reference <> ''),
    status        TEXT    NOT NULL CHECK (status IN ('requested', 'applied')),
    created_at    TEXT    NOT NULL,
    applied_at    TEXT,
    UNIQUE (order_id, reference)
);

-- Seller money: a sale credits the seller, commission and refunds debit it, payouts settle it.
-- Signed amounts; a seller's balance is the sum.
CREATE TABLE seller_ledger (
    id            INTEGER PRIMARY KEY,
    seller_id     INTEGER NOT NULL REFERENCES sellers (id) ON DELETE RESTRICT,
    order_id      INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    shipment_id   INTEGER REFERENCES shipments (id) ON DELETE SET NULL,
    refund_id     INTEGER REFERENCES refunds (id) ON DELETE SET NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('sale', 'commission', 'refund', 'commission_reversal', 'payout')),
    amount_tiyin  INTEGER NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX seller_ledger_seller_id_idx ON seller_ledger (seller_id, id);
CREATE INDEX seller_ledger_order_id_idx ON seller_ledger (order_id);

-- Parental controls per child (absent row: no spending limits, approval of every purchase).
CREATE TABLE parental_controls (
    child_id                  INTEGER PRIMARY KEY REFERENCES child_profiles (id) ON DELETE CASCADE,
    daily_limit_tiyin         INTEGER CHECK (daily_limit_tiyin IS NULL OR daily_limit_tiyin >= 0),
    monthly_limit_tiyin       INTEGER CHECK (monthly_limit_tiyin IS NULL OR monthly_limit_tiyin >= 0),
    approval_mode             TEXT    NOT NULL DEFAULT 'every_purchase'
                                      CHECK (approval_mode IN ('every_purchase', 'above_amount', 'selected_categories', 'none')),
    approval_above_tiyin      INTEGER CHECK (approval_above_tiyin IS NULL OR approval_above_tiyin >= 0),
    -- JSON arrays of category ids.
    approval_category_ids     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(approval_category_ids)),
    allowed_category_ids      TEXT    CHECK (allowed_category_ids IS NULL OR json_valid(allowed_category_ids)),
    blocked_category_ids      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(blocked_category_ids)),
    updated_at                TEXT    NOT NULL,
    CHECK (approval_mode <> 'above_amount' OR approval_above_tiyin IS NOT NULL)
);

-- A child's checkout that waits for the parent ("ask to buy"); expires after 48 hours.
CREATE TABLE purchase_requests (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    child_id        INTEGER REFERENCES child_profiles (id) ON DELETE SET NULL,
    parent_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'declined', 'expired')),
    reason          TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL,
    decided_at      TEXT
);
CREATE INDEX purchase_requests_parent_idx ON purchase_requests (parent_user_id, status);
CREATE INDEX purchase_requests_status_expires_idx ON purchase_requests (status, expires_at);
