-- The search log behind autocomplete's popular queries: one row per (folded query, session),
-- so a query's popularity is its number of distinct sessions and one client repeating a query
-- (or a bot) cannot make it suggestible. Only queries that found products are logged; the
-- session is an opaque hash (never a raw address). A query becomes suggestible after enough
-- distinct sessions, and only if the moderation lexicon passes it for the audience asking.

CREATE TABLE search_log (
    id            INTEGER PRIMARY KEY,
    -- The query folded as the engine folds it (one spelling for both scripts): the grouping key.
    query_folded  TEXT    NOT NULL CHECK (length(query_folded) BETWEEN 1 AND 200),
    -- The query as this session typed it (trimmed), shown when the query is suggested.
    query_text    TEXT    NOT NULL CHECK (length(query_text) BETWEEN 1 AND 200),
    session_key   TEXT    NOT NULL CHECK (length(session_key) BETWEEN 8 AND 64),
    age_months    INTEGER NOT NULL CHECK (age_months BETWEEN 0 AND 216),
    -- Seconds since the Unix epoch of the session's first search for it.
    searched_at   INTEGER NOT NULL,
    UNIQUE (query_folded, session_key)
);

CREATE INDEX search_log_searched_at ON search_log (searched_at);
