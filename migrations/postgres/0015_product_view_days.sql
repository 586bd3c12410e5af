-- Recommendations: product views per product and UTC day, for trending (time-decayed
-- popularity). A viewer counts once per product per hour; no viewer is stored here.

CREATE TABLE product_view_days (
    product_id  BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    day         TEXT   NOT NULL CHECK (length(day) = 10),
    views       BIGINT NOT NULL CHECK (views >= 0),
    PRIMARY KEY (product_id, day)
);
CREATE INDEX product_view_days_day_idx ON product_view_days (day);
