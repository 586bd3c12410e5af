//! The first admin, from the environment at start-up (`BOLAJON_ADMIN_EMAIL` and
//! `BOLAJON_ADMIN_PASSWORD`).
//!
//! Idempotent: when an admin with that email exists nothing changes (not even the password, so
//! a stale variable cannot undo a password change). An existing account of another role is
//! never promoted silently: start-up fails and says to use the role route. The creation is
//! audited (`admin_bootstrapped`, no actor); the password is never logged. The new admin signs
//! in and must turn on TOTP before any admin route opens; then `PUT /api/v1/admin/users/{id}/role`
//! grants and revokes the moderator and seller roles (audited as `role_changed`).

use super::identity::normalize_email;
use super::password::check_policy;
use super::{ClientMeta, Role, audit};
use crate::AppState;
use crate::db::accounts::{NewUser, UserId, UserInsert};
use serde_json::json;

/// What the bootstrap did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapOutcome {
    /// A new admin account.
    Created(UserId),
    /// The admin existed; nothing changed.
    AlreadyPresent(UserId),
}

/// Ensures an admin account with `email` exists, creating it with `password`.
pub async fn ensure_admin(
    state: &AppState,
    email: &str,
    password: &str,
) -> anyhow::Result<BootstrapOutcome> {
    let email = normalize_email(email)
        .map_err(|error| anyhow::anyhow!("BOLAJON_ADMIN_EMAIL: {}", error.message))?;
    let existing = |role: &str, id: UserId| -> anyhow::Result<BootstrapOutcome> {
        if role == Role::Admin.as_str() {
            tracing::info!(user_id = %id, "the bootstrap admin (user {id}) exists already");
            Ok(BootstrapOutcome::AlreadyPresent(id))
        } else {
            anyhow::bail!(
                "BOLAJON_ADMIN_EMAIL names user {id}, a {role} account; it is not promoted at \
                 start-up (an admin can change its role with PUT /api/v1/admin/users/{id}/role)"
            )
        }
    };
    if let Some(user) = state.0.db.user_by_email(&email).await? {
        return existing(&user.role, user.id);
    }
    check_policy(password, &[email.as_str()])
        .map_err(|error| anyhow::anyhow!("BOLAJON_ADMIN_PASSWORD: {}", error.message))?;
    let auth = &state.0.auth;
    let hash = auth
        .hash(password.to_owned())
        .await
        .map_err(|error| anyhow::anyhow!("hashing the admin password: {}", error.message))?;
    let inserted = state
        .0
        .db
        .insert_user(
            &NewUser {
                email: Some(&email),
                phone: None,
                password_hash: &hash,
                role: Role::Admin,
            },
            auth.now(),
        )
        .await?;
    let id = match inserted {
        UserInsert::Created(id) => id,
        UserInsert::EmailTaken | UserInsert::PhoneTaken => {
            // Another instance created it meanwhile.
            let user = state
                .0
                .db
                .user_by_email(&email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the admin email is taken but not found"))?;
            return existing(&user.role, user.id);
        }
    };
    audit(
        state,
        &ClientMeta::default(),
        None,
        "admin_bootstrapped",
        Some(id),
        json!({ "source": "environment" }),
    )
    .await
    .map_err(|error| anyhow::anyhow!("auditing the admin bootstrap: {}", error.message))?;
    tracing::info!(user_id = %id, "created the bootstrap admin, user {id}; it must turn on TOTP at first sign-in");
    Ok(BootstrapOutcome::Created(id))
}

/// Runs [`ensure_admin`] when the configuration names an admin; both variables or neither.
pub async fn ensure_admin_from_config(
    state: &AppState,
    config: &crate::config::AuthConfig,
) -> anyhow::Result<Option<BootstrapOutcome>> {
    match (&config.admin_email, &config.admin_password) {
        (Some(email), Some(password)) => Ok(Some(ensure_admin(state, email, password).await?)),
        (None, None) => Ok(None),
        (Some(_), None) | (None, Some(_)) => anyhow::bail!(
            "set both BOLAJON_ADMIN_EMAIL and BOLAJON_ADMIN_PASSWORD to create the first admin, \
             or neither"
        ),
    }
}
