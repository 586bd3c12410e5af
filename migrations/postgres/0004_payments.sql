-- Payments: Payme Merchant API transactions, Click SHOP API attempts, the card gateway's
-- payment intents and webhook events, and rotated provider credentials.
--
-- Every time is an integer of milliseconds since 1970-01-01 UTC (Payme's own unit); 0 means
-- unset where a provider's reply says so. Amounts are integer tiyin.

-- One Payme transaction per Payme `id`. `id` is our transaction id (the `transaction` field).
CREATE TABLE payme_transactions (
    id            BIGSERIAL PRIMARY KEY,
    payme_id      TEXT    NOT NULL UNIQUE CHECK (length(payme_id) BETWEEN 1 AND 64),
    order_id      BIGINT  NOT NULL REFERENCES orders (id),
    amount        BIGINT  NOT NULL CHECK (amount > 0),
    -- Payme's `time`: when the transaction was created in Payme (the 12-hour rule counts from it).
    payme_time    BIGINT  NOT NULL,
    create_time   BIGINT  NOT NULL,
    perform_time  BIGINT  NOT NULL DEFAULT 0,
    cancel_time   BIGINT  NOT NULL DEFAULT 0,
    -- 1 created, 2 performed, -1 cancelled before perform, -2 cancelled after perform.
    state         BIGINT  NOT NULL CHECK (state IN (1, 2, -1, -2)),
    reason        BIGINT,
    CHECK ((state IN (-1, -2)) = (reason IS NOT NULL))
);
-- One active (state 1) transaction per one-time order.
CREATE UNIQUE INDEX payme_transactions_one_active_per_order
    ON payme_transactions (order_id) WHERE state = 1;
CREATE INDEX payme_transactions_order_idx ON payme_transactions (order_id);
CREATE INDEX payme_transactions_time_idx ON payme_transactions (payme_time);

-- One Click attempt per `click_trans_id`. `id` is our merchant_prepare_id and
-- merchant_confirm_id.
CREATE TABLE click_transactions (
    id               BIGSERIAL PRIMARY KEY,
    -- Kept as the exact decimal text Click sent (64 bits, hashed as received).
    click_trans_id   TEXT    NOT NULL UNIQUE,
    click_paydoc_id  TEXT    NOT NULL,
    order_id         BIGINT  NOT NULL REFERENCES orders (id),
    amount           BIGINT  NOT NULL CHECK (amount > 0),
    state            TEXT    NOT NULL CHECK (state IN ('prepared', 'confirmed', 'cancelled')),
    created_at       BIGINT  NOT NULL,
    confirmed_at     BIGINT,
    cancelled_at     BIGINT,
    click_error      BIGINT
);
CREATE INDEX click_transactions_order_idx ON click_transactions (order_id);

-- The card gateway's payment intents. The card itself is never stored: the gateway's token,
-- the brand and the last four digits only.
CREATE TABLE card_payments (
    id               TEXT    PRIMARY KEY CHECK (length(id) BETWEEN 8 AND 64),
    order_id         BIGINT  NOT NULL REFERENCES orders (id),
    buyer_id         BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    amount           BIGINT  NOT NULL CHECK (amount > 0),
    status           TEXT    NOT NULL CHECK (status IN ('requires_payment_method',
                             'requires_confirmation', 'requires_action', 'processing',
                             'requires_capture', 'succeeded', 'canceled')),
    card_token       TEXT    NOT NULL,
    brand            TEXT    NOT NULL,
    last4            TEXT    NOT NULL CHECK (length(last4) = 4),
    exp_month        BIGINT  NOT NULL,
    exp_year         BIGINT  NOT NULL,
    -- 'three_d_secure' or 'sms_otp' while status is requires_action.
    next_action      TEXT,
    failure_code     TEXT,
    otp_attempts     BIGINT  NOT NULL DEFAULT 0,
    idempotency_key  TEXT    NOT NULL,
    request_hash     TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX card_payments_order_idx ON card_payments (order_id);

-- Webhook events already applied (de-duplication by the gateway's event id).
CREATE TABLE card_webhook_events (
    event_id     TEXT    PRIMARY KEY,
    event_type   TEXT    NOT NULL,
    payment_id   TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL
);

-- Provider keys rotated through the provider's own protocol (Payme ChangePassword); the key
-- from the environment is used until a row exists.
CREATE TABLE payment_credentials (
    provider    TEXT    PRIMARY KEY CHECK (provider IN ('payme')),
    secret      TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);
