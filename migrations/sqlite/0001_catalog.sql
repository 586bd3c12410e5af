-- Catalogue: sellers, brands, the category tree, products with variants and images,
-- and the change outbox that drives the search index.

CREATE TABLE sellers (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE brands (
    id    INTEGER PRIMARY KEY,
    name  TEXT    NOT NULL UNIQUE
);

CREATE TABLE categories (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES categories (id) ON DELETE RESTRICT,
    slug          TEXT    NOT NULL UNIQUE CHECK (slug <> ''),
    name_uz       TEXT    NOT NULL,
    name_uz_cyrl  TEXT    NOT NULL,
    name_ru       TEXT    NOT NULL,
    name_en       TEXT    NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent_id_idx ON categories (parent_id);

CREATE TABLE products (
    id                  INTEGER PRIMARY KEY,
    seller_id           INTEGER NOT NULL REFERENCES sellers (id) ON DELETE RESTRICT,
    brand_id            INTEGER REFERENCES brands (id) ON DELETE SET NULL,
    category_id         INTEGER NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    title_uz            TEXT,
    title_uz_cyrl       TEXT,
    title_ru            TEXT,
    title_en            TEXT,
    description_uz      TEXT,
    description_uz_cyrl TEXT,
    description_ru      TEXT,
    description_en      TEXT,
    age_min_months      INTEGER NOT NULL CHECK (age_min_months BETWEEN 0 AND 216),
    age_max_months      INTEGER NOT NULL CHECK (age_max_months BETWEEN 0 AND 216),
    status              TEXT    NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'approved', 'rejected')),
    moderation_reasons  TEXT    NOT NULL DEFAULT '[]',
    featured            BOOLEAN NOT NULL DEFAULT FALSE,
    rating_avg          REAL    NOT NULL DEFAULT 0 CHECK (rating_avg BETWEEN 0 AND 5),
    rating_count        INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    sales_count         INTEGER NOT NULL DEFAULT 0 CHECK (sales_count >= 0),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    CHECK (age_min_months <= age_max_months),
    CHECK (COALESCE(title_uz, title_uz_cyrl, title_ru, title_en) IS NOT NULL)
);
CREATE INDEX products_seller_id_idx ON products (seller_id);
CREATE INDEX products_brand_id_idx ON products (brand_id);
CREATE INDEX products_category_id_idx ON products (category_id);
CREATE INDEX products_status_idx ON products (status);
CREATE INDEX products_featured_idx ON products (id) WHERE featured AND status = 'approved';

CREATE TABLE product_variants (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku          TEXT    NOT NULL UNIQUE CHECK (sku <> ''),
    options      TEXT    NOT NULL DEFAULT '{}',
    price_tiyin  INTEGER NOT NULL CHECK (price_tiyin > 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    position     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_variants_product_id_idx ON product_variants (product_id);

CREATE TABLE product_images (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    url         TEXT    NOT NULL,
    alt         TEXT    NOT NULL DEFAULT '',
    UNIQUE (product_id, position)
);

-- Written in the same transaction as every catalogue write; the indexer applies it in `seq` order.
-- No foreign key: a deleted product's change must outlive the product.
CREATE TABLE catalog_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id  INTEGER NOT NULL,
    op          TEXT    NOT NULL CHECK (op IN ('upsert', 'delete')),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX catalog_changes_product_id_idx ON catalog_changes (product_id);
