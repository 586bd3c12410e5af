//! Kids' mode: a child signs in on a parent's shared device by picking their profile.
//!
//! - A parent's session lists the active children (consent recorded) with their nickname and
//!   avatar, nothing more.
//! - Picking one ends the parent's session on that device and opens a child session (role
//!   `child`, no password: the parent's signed-in device vouches for the child). The child's
//!   tokens are ordinary access and refresh tokens, so every parental control (search mode,
//!   spending limits, screen time, ask to buy) applies, and the policy table keeps the child
//!   out of every parent route.
//! - Leaving kids' mode takes the parent PIN, with the PIN's lockout (5 wrong, then locked
//!   until the parent sets a new one with their password). The child session ends and a new
//!   parent session is opened, without the TOTP step: the device was the parent's, and the PIN
//!   stands for them. Bedtime and screen-time limits never block leaving.

use super::session::{self, Account, IssuedSession, random_failed};
use super::{AuthError, ClientMeta, CurrentUser, Role, audit, family, token};
use crate::db::accounts::{ChildId, ChildRow};
use crate::{ApiError, AppState};
use serde_json::json;

/// The route that leaves kids' mode (exempt from the child's bedtime and screen-time gate).
pub const EXIT_PATH: &str = "/api/v1/family/kids-mode/exit";

/// Returns the parent's children whose profile is active (those who may sign in).
pub async fn profiles(state: &AppState, parent: &CurrentUser) -> Result<Vec<ChildRow>, AuthError> {
    Ok(family::list_children(state, parent)
        .await?
        .into_iter()
        .filter(|child| child.status == "active")
        .collect())
}

/// Switches the parent's device to kids' mode for child `id`: ends the parent's session and
/// returns the child's.
pub async fn enter(
    state: &AppState,
    meta: &ClientMeta,
    parent: &CurrentUser,
    id: ChildId,
) -> Result<IssuedSession, AuthError> {
    let child = family::child(state, parent, id).await?;
    if child.status != "active" {
        return Err(ApiError::conflict(
            "child_not_active",
            format!("child {id} is not active yet; record parental consent first"),
        )
        .into());
    }
    let auth = &state.0.auth;
    let child_row = session::load_account(state, child.user_id).await?;
    let session_id = token::new_id().map_err(random_failed)?;
    let refresh_token = token::new_refresh_token().map_err(random_failed)?;
    let now = auth.now();
    let entered = state
        .0
        .db
        .enter_kids_mode(
            &parent.session_id,
            parent.id,
            child.id,
            child.user_id,
            &session_id,
            &token::sha256_hex(&refresh_token),
            now,
            now + chrono::Duration::seconds(auth.settings.refresh_ttl_seconds),
        )
        .await?;
    if !entered {
        return Err(ApiError::unauthorized(
            "session_revoked",
            "the session has ended; sign in again",
        )
        .into());
    }
    audit(
        state,
        meta,
        Some(parent.id),
        "kids_mode_entered",
        Some(child.user_id),
        json!({ "child": child.id, "session": session_id }),
    )
    .await?;
    Ok(IssuedSession {
        access_token: auth.issue_access_token(child.user_id, Role::Child, &session_id)?,
        csrf_token: token::csrf_token(auth.keys(), &session_id),
        account: Account::from_row(&child_row)?,
        session_id,
        refresh_token,
    })
}

/// Leaves kids' mode with the parent PIN: ends the child's session and returns a new session
/// of the parent.
pub async fn exit(
    state: &AppState,
    meta: &ClientMeta,
    child: &CurrentUser,
    pin: &str,
) -> Result<IssuedSession, AuthError> {
    let not_in_kids_mode = || {
        AuthError::Api(ApiError::conflict(
            "not_in_kids_mode",
            "this session was not opened in kids' mode",
        ))
    };
    let record = state
        .0
        .db
        .kids_mode_session(&child.session_id)
        .await?
        .filter(|record| record.ended_at.is_none())
        .ok_or_else(not_in_kids_mode)?;
    family::verify_parent_pin(state, meta, record.parent_user_id, pin).await?;
    if !state
        .0
        .db
        .exit_kids_mode(&child.session_id, state.0.auth.now())
        .await?
    {
        return Err(not_in_kids_mode());
    }
    let parent = session::load_account(state, record.parent_user_id).await?;
    let issued = session::open_session(state, &parent).await?;
    audit(
        state,
        meta,
        Some(record.parent_user_id),
        "kids_mode_exited",
        Some(child.id),
        json!({ "child": record.child_id, "session": issued.session_id }),
    )
    .await?;
    Ok(issued)
}
