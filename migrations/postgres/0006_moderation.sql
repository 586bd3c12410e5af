-- The moderation queue of seller listings: one item per product with its workflow state
-- (pending -> auto_approved | flagged | rejected by screening; flagged/appealed -> approved |
-- rejected by a moderator; rejected -> appealed by the seller), the screening's reasons and
-- scores, the assignment and the SLA timestamps; and the append-only record of every decision.
--
-- `products.status` stays the only thing the index reads: approved for auto_approved/approved,
-- rejected for rejected, pending otherwise. Both are written in one transaction.

CREATE TABLE moderation_items (
    product_id       BIGINT           PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    state            TEXT             NOT NULL CHECK (state IN
                         ('pending', 'auto_approved', 'flagged', 'appealed', 'approved', 'rejected')),
    -- Bumped by every seller edit; decisions name the revision they saw.
    revision         BIGINT           NOT NULL DEFAULT 1 CHECK (revision >= 1),
    -- The screening's reasons (JSON array of {code, category, score, evidence}).
    reasons          TEXT             NOT NULL DEFAULT '[]' CHECK (reasons::jsonb IS NOT NULL),
    -- `,code1,code2,` for filtering by reason.
    reason_codes     TEXT             NOT NULL DEFAULT ',',
    top_score        DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (top_score BETWEEN 0 AND 1),
    -- The rules and model versions that screened the current revision.
    screened_by      TEXT             NOT NULL CHECK (screened_by <> ''),
    submitted_at     TIMESTAMPTZ      NOT NULL,
    -- When the item (re-)entered the queue: submission, edit or appeal. The SLA runs from here.
    queued_at        TIMESTAMPTZ      NOT NULL,
    assigned_to      BIGINT           REFERENCES users (id) ON DELETE SET NULL,
    assigned_at      TIMESTAMPTZ,
    decided_at       TIMESTAMPTZ,
    decided_by       BIGINT,
    decision_reason  TEXT,
    appeal_message   TEXT,
    appealed_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ      NOT NULL
);
CREATE INDEX moderation_items_state_queued_idx ON moderation_items (state, queued_at);
CREATE INDEX moderation_items_assigned_to_idx ON moderation_items (assigned_to);

-- Every screening, assignment, decision and appeal. Append-only: updates, deletes and
-- truncation are refused. No foreign keys: the trail outlives the products and accounts it
-- mentions.
CREATE TABLE moderation_decisions (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id     BIGINT      NOT NULL,
    revision       BIGINT      NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    -- A person (moderator, admin, seller) or the screening (rules and model versions).
    actor_user_id  BIGINT,
    actor_model    TEXT,
    action         TEXT        NOT NULL CHECK (action IN ('screen', 'assign', 'decide', 'appeal')),
    from_state     TEXT        NOT NULL,
    to_state       TEXT        NOT NULL,
    reason         TEXT        NOT NULL,
    -- The reasons with their scores at the time of the decision (JSON array).
    scores         TEXT        NOT NULL DEFAULT '[]' CHECK (scores::jsonb IS NOT NULL),
    CHECK ((actor_user_id IS NULL) <> (actor_model IS NULL))
);
CREATE INDEX moderation_decisions_product_id_idx ON moderation_decisions (product_id, id);
CREATE FUNCTION moderation_decisions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'moderation_decisions is append-only';
END;
$$;
CREATE TRIGGER moderation_decisions_append_only BEFORE UPDATE OR DELETE ON moderation_decisions
    FOR EACH ROW EXECUTE FUNCTION moderation_decisions_refuse_change();
CREATE TRIGGER moderation_decisions_no_truncate BEFORE TRUNCATE ON moderation_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_decisions_refuse_change();
