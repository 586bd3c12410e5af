//! The moderation queue of seller listings: workflow states, the moderator's decisions,
//! assignment, seller appeals, SLA timestamps and the append-only decision record.
//!
//! States: a listing is screened on every create and edit (`pending` until then) into
//! `auto_approved`, `flagged` (held for a moderator) or `rejected`. A moderator decides a
//! `pending`, `flagged`, `appealed` or `auto_approved` item into `approved` or `rejected`, and
//! may take an `approved` one down (`rejected`). The seller may appeal a rejection once per
//! revision (`appealed`), which puts it back in the queue. Only `auto_approved` and `approved`
//! make the product's store status `approved`, which is all the index admits.
//!
//! Every transition is one transaction: the item, the product's status, the `catalog_changes`
//! outbox row and a `moderation_decisions` record (who or which screening, when, why, scores)
//! that no statement can change afterwards.

pub mod highlight;
pub mod store;

use crate::auth::{ClientMeta, CurrentUser, Role};
use crate::db::accounts::UserId;
use crate::{ApiError, AppState};
use chrono::{DateTime, Utc};
use moderation::ModerationStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use store::{DecisionRow, ItemRow, QueueFilter, QueueRow, TransitionKind, TransitionWrite};

/// How long an open item may wait in the queue before it is overdue.
pub const REVIEW_SLA: chrono::Duration = chrono::Duration::hours(24);

/// Most items one bulk decision may name.
pub const MAX_BULK: usize = 100;

/// Longest decision reason or appeal message, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;

/// A queue item's workflow state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// Submitted, not yet screened.
    Pending,
    /// Approved by the screening (rules and models) without a person.
    AutoApproved,
    /// Held by the screening for a moderator.
    Flagged,
    /// Rejected, then appealed by the seller: back in the queue.
    Appealed,
    /// Approved by a moderator.
    Approved,
    /// Rejected by the screening or a moderator.
    Rejected,
}

impl QueueState {
    /// Every state.
    pub const ALL: [QueueState; 6] = [
        QueueState::Pending,
        QueueState::AutoApproved,
        QueueState::Flagged,
        QueueState::Appealed,
        QueueState::Approved,
        QueueState::Rejected,
    ];

    /// Returns the stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::AutoApproved => "auto_approved",
            Self::Flagged => "flagged",
            Self::Appealed => "appealed",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == name)
    }

    /// Returns the product's store status in this state (what the index admits).
    pub fn product_status(self) -> ModerationStatus {
        match self {
            Self::AutoApproved | Self::Approved => ModerationStatus::Approved,
            Self::Rejected => ModerationStatus::Rejected,
            Self::Pending | Self::Flagged | Self::Appealed => ModerationStatus::Pending,
        }
    }

    /// Returns whether the item waits for a moderator (and its SLA runs).
    pub fn is_open(self) -> bool {
        match self {
            Self::Pending | Self::Flagged | Self::Appealed => true,
            Self::AutoApproved | Self::Approved | Self::Rejected => false,
        }
    }

    /// Returns the state the screening's decision puts a listing in.
    pub fn from_screening(decision: moderation::Decision) -> Self {
        match decision {
            moderation::Decision::Approve => Self::AutoApproved,
            moderation::Decision::Review => Self::Flagged,
            moderation::Decision::Reject => Self::Rejected,
        }
    }
}

/// A moderator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HumanDecision {
    /// Publish.
    Approve,
    /// Never publish.
    Reject,
}

impl HumanDecision {
    /// Returns the state the decision leads to.
    pub fn target(self) -> QueueState {
        match self {
            Self::Approve => QueueState::Approved,
            Self::Reject => QueueState::Rejected,
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The item is already in the state the decision leads to.
    AlreadyDecided(QueueState),
    /// A rejected item is reopened only by the seller's appeal.
    AppealRequired,
    /// Only rejected items can be appealed.
    NotAppealable(QueueState),
    /// Only open items can be assigned.
    NotOpen(QueueState),
}

impl From<TransitionError> for ApiError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::AlreadyDecided(state) => ApiError::conflict(
                "already_decided",
                format!("the item is already {}", state.as_str()),
            ),
            TransitionError::AppealRequired => ApiError::conflict(
                "appeal_required",
                "a rejected listing is re-reviewed after the seller's appeal",
            ),
            TransitionError::NotAppealable(state) => ApiError::conflict(
                "not_appealable",
                format!(
                    "only a rejected listing can be appealed; it is {}",
                    state.as_str()
                ),
            ),
            TransitionError::NotOpen(state) => ApiError::conflict(
                "item_not_open",
                format!(
                    "only items waiting for a moderator can be assigned; it is {}",
                    state.as_str()
                ),
            ),
        }
    }
}

/// Returns the state a moderator's `decision` moves an item in `from` to.
pub fn decide_transition(
    from: QueueState,
    decision: HumanDecision,
) -> Result<QueueState, TransitionError> {
    let to = decision.target();
    match (from, decision) {
        (QueueState::Approved, HumanDecision::Approve)
        | (QueueState::Rejected, HumanDecision::Reject) => {
            Err(TransitionError::AlreadyDecided(from))
        }
        (QueueState::Rejected, HumanDecision::Approve) => Err(TransitionError::AppealRequired),
        (
            QueueState::Pending
            | QueueState::Flagged
            | QueueState::Appealed
            | QueueState::AutoApproved,
            _,
        )
        | (QueueState::Approved, HumanDecision::Reject) => Ok(to),
    }
}

/// Returns the state a seller's appeal moves an item in `from` to.
pub fn appeal_transition(from: QueueState) -> Result<QueueState, TransitionError> {
    match from {
        QueueState::Rejected => Ok(QueueState::Appealed),
        QueueState::Pending
        | QueueState::AutoApproved
        | QueueState::Flagged
        | QueueState::Appealed
        | QueueState::Approved => Err(TransitionError::NotAppealable(from)),
    }
}

/// Returns whether an open item queued at `queued_at` is overdue at `now`.
pub fn is_overdue(state: QueueState, queued_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    state.is_open() && now - queued_at > REVIEW_SLA
}

/// Checks a decision reason or appeal message: trimmed, 1 to [`MAX_NOTE_CHARS`] characters,
/// no control characters but newlines and tabs.
pub fn validate_note(raw: &str, code: &'static str, what: &str) -> Result<String, ApiError> {
    let note = raw.trim();
    let length = note.chars().count();
    if length == 0 || length > MAX_NOTE_CHARS {
        return Err(ApiError::bad_request(
            code,
            format!("the {what} must have 1 to {MAX_NOTE_CHARS} characters"),
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ApiError::bad_request(
            code,
            format!("the {what} must not contain control characters"),
        ));
    }
    Ok(note.to_owned())
}

fn item_not_found(product_id: i64) -> ApiError {
    ApiError::not_found(
        "item_not_found",
        format!("product {product_id} is not in the moderation queue"),
    )
}

fn item_changed(product_id: i64) -> ApiError {
    ApiError::conflict(
        "item_changed",
        format!("product {product_id} changed meanwhile; reload it and decide again"),
    )
}

/// Loads an item or answers `item_not_found`.
pub async fn load_item(state: &AppState, product_id: i64) -> Result<ItemRow, ApiError> {
    state
        .0
        .db
        .moderation_item(product_id)
        .await?
        .ok_or_else(|| item_not_found(product_id))
}

/// Applies a moderator's decision to one item. `expected_revision`, when given, must be the
/// item's current revision (the version the moderator looked at).
pub async fn decide(
    state: &AppState,
    meta: &ClientMeta,
    moderator: &CurrentUser,
    product_id: i64,
    decision: HumanDecision,
    reason: &str,
    expected_revision: Option<i64>,
) -> Result<ItemRow, ApiError> {
    let item = load_item(state, product_id).await?;
    if expected_revision.is_some_and(|revision| revision != item.revision) {
        return Err(ApiError::conflict(
            "stale_revision",
            format!(
                "product {product_id} is at revision {}; review it again",
                item.revision
            ),
        ));
    }
    let from = item.state()?;
    let to = decide_transition(from, decision)?;
    let now = state.0.auth.now();
    let applied = state
        .0
        .db
        .apply_moderation_transition(&TransitionWrite {
            product_id,
            revision: item.revision,
            from,
            to,
            at: now,
            actor: moderator.id,
            reason,
            scores_json: &item.reasons,
            kind: TransitionKind::Decide,
        })
        .await?;
    if !applied {
        return Err(item_changed(product_id));
    }
    state.0.index_wakeup.notify_one();
    crate::auth::audit(
        state,
        meta,
        Some(moderator.id),
        "moderation_decision",
        None,
        serde_json::json!({
            "product_id": product_id,
            "revision": item.revision,
            "from": from.as_str(),
            "to": to.as_str(),
            "reason": reason,
        }),
    )
    .await?;
    load_item(state, product_id).await
}

/// Assigns an open item to `assignee` (a moderator or admin).
pub async fn assign(
    state: &AppState,
    meta: &ClientMeta,
    actor: &CurrentUser,
    product_id: i64,
    assignee: UserId,
) -> Result<ItemRow, ApiError> {
    if assignee != actor.id {
        let account = state.0.db.user_by_id(assignee).await?;
        let role = account.as_ref().map(|row| row.role()).transpose()?;
        if !matches!(role, Some(Role::Moderator | Role::Admin)) {
            return Err(ApiError::bad_request(
                "invalid_assignee",
                format!("user {assignee} is not a moderator"),
            ));
        }
    }
    let item = load_item(state, product_id).await?;
    let from = item.state()?;
    if !from.is_open() {
        return Err(TransitionError::NotOpen(from).into());
    }
    let now = state.0.auth.now();
    let reason = format!("assigned to user {assignee}");
    let applied = state
        .0
        .db
        .apply_moderation_transition(&TransitionWrite {
            product_id,
            revision: item.revision,
            from,
            to: from,
            at: now,
            actor: actor.id,
            reason: &reason,
            scores_json: &item.reasons,
            kind: TransitionKind::Assign(assignee),
        })
        .await?;
    if !applied {
        return Err(item_changed(product_id));
    }
    crate::auth::audit(
        state,
        meta,
        Some(actor.id),
        "moderation_assign",
        Some(assignee),
        serde_json::json!({ "product_id": product_id, "revision": item.revision }),
    )
    .await?;
    load_item(state, product_id).await
}

/// Records a seller's appeal of a rejected listing they own (checked by the caller). One
/// appeal per revision: a second answers `already_appealed`.
pub async fn appeal(
    state: &AppState,
    meta: &ClientMeta,
    seller: &CurrentUser,
    product_id: i64,
    message: &str,
) -> Result<ItemRow, ApiError> {
    let item = load_item(state, product_id).await?;
    let from = item.state()?;
    let to = appeal_transition(from)?;
    let history = state.0.db.moderation_history(product_id).await?;
    if history
        .iter()
        .any(|row| row.action == "appeal" && row.revision == item.revision)
    {
        return Err(ApiError::conflict(
            "already_appealed",
            "this revision was already appealed; edit the listing to submit it again",
        ));
    }
    let now = state.0.auth.now();
    let applied = state
        .0
        .db
        .apply_moderation_transition(&TransitionWrite {
            product_id,
            revision: item.revision,
            from,
            to,
            at: now,
            actor: seller.id,
            reason: message,
            scores_json: &item.reasons,
            kind: TransitionKind::Appeal,
        })
        .await?;
    if !applied {
        return Err(item_changed(product_id));
    }
    crate::auth::audit(
        state,
        meta,
        Some(seller.id),
        "listing_appeal",
        None,
        serde_json::json!({ "product_id": product_id, "revision": item.revision }),
    )
    .await?;
    load_item(state, product_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_map_to_store_status() {
        for state in QueueState::ALL {
            assert_eq!(QueueState::parse(state.as_str()), Some(state));
        }
        assert_eq!(QueueState::parse("deleted"), None);
        let approved: Vec<_> = QueueState::ALL
            .into_iter()
            .filter(|state| state.product_status() == ModerationStatus::Approved)
            .collect();
        assert_eq!(approved, [QueueState::AutoApproved, QueueState::Approved]);
    }

    #[test]
    fn the_decision_table_holds() {
        use HumanDecision::{Approve, Reject};
        use QueueState::*;
        assert_eq!(decide_transition(Flagged, Approve), Ok(Approved));
        assert_eq!(decide_transition(Appealed, Reject), Ok(Rejected));
        assert_eq!(decide_transition(AutoApproved, Reject), Ok(Rejected));
        assert_eq!(decide_transition(Approved, Reject), Ok(Rejected));
        assert_eq!(
            decide_transition(Approved, Approve),
            Err(TransitionError::AlreadyDecided(Approved))
        );
        assert_eq!(
            decide_transition(Rejected, Approve),
            Err(TransitionError::AppealRequired)
        );
        assert_eq!(appeal_transition(Rejected), Ok(Appealed));
        for state in [Pending, AutoApproved, Flagged, Appealed, Approved] {
            assert_eq!(
                appeal_transition(state),
                Err(TransitionError::NotAppealable(state))
            );
        }
    }

    #[test]
    fn only_open_items_become_overdue() {
        let queued = Utc::now();
        let later = queued + REVIEW_SLA + chrono::Duration::seconds(1);
        assert!(is_overdue(QueueState::Flagged, queued, later));
        assert!(!is_overdue(
            QueueState::Flagged,
            queued,
            queued + REVIEW_SLA
        ));
        assert!(!is_overdue(QueueState::Approved, queued, later));
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(validate_note("  ok \n", "c", "reason").unwrap(), "ok");
        assert!(validate_note("   ", "c", "reason").is_err());
        assert!(validate_note(&"x".repeat(MAX_NOTE_CHARS + 1), "c", "reason").is_err());
        assert!(validate_note("bad\u{0}", "c", "reason").is_err());
    }
}
