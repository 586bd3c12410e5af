-- CMS banner blocks on the home page, managed by admins through an audited API
-- (`/api/v1/admin/banners`). Texts are plain text (escaped on output); a link is a local path.

CREATE TABLE cms_banners (
    id          INTEGER PRIMARY KEY,
    -- `all`, or one UI language (`uz`, `uz-Cyrl`, `ru`, `en`).
    lang        TEXT    NOT NULL DEFAULT 'all'
                        CHECK (lang IN ('all', 'uz', 'uz-Cyrl', 'ru', 'en')),
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    body        TEXT    NOT NULL DEFAULT '' CHECK (length(body) <= 500),
    link_path   TEXT    CHECK (link_path IS NULL OR (substr(link_path, 1, 1) = '/' AND length(link_path) <= 300)),
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 1000),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    updated_by  INTEGER,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX cms_banners_active_idx ON cms_banners (active, position, id);
