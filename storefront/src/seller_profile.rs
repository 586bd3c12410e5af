//! Seller onboarding (issue 7): a shop's profile with its shop, legal and payout details,
//! validated on every write. The payout account is stored in full and only ever shown masked;
//! every change is written to the audit log (naming the changed fields, never their values).

use crate::ApiError;
use crate::db::accounts::UserId;
use crate::db::{Db, DbResult, dispatch};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The profile a seller submits (every field, each time).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// Shop name shown to shoppers (1 to 100 characters).
    pub display_name: String,
    /// Shop description (up to 2,000 characters).
    #[serde(default)]
    pub description: String,
    /// Region of Uzbekistan the shop ships from (1 to 60 characters).
    pub region: String,
    /// Registered legal name (1 to 200 characters).
    pub legal_name: String,
    /// Taxpayer number (INN / STIR): exactly 9 digits.
    pub inn: String,
    /// Registered legal address (1 to 300 characters).
    pub legal_address: String,
    /// Payout bank (1 to 100 characters).
    pub bank_name: String,
    /// The bank's MFO code: exactly 5 digits.
    pub mfo: String,
    /// Settlement account: exactly 20 digits. Never shown back in full.
    pub account_number: String,
}

/// A stored profile.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileRow {
    /// The shop.
    pub seller_id: i64,
    /// Shop name.
    pub display_name: String,
    /// Shop description.
    pub description: String,
    /// Region.
    pub region: String,
    /// Legal name.
    pub legal_name: String,
    /// INN / STIR.
    pub inn: String,
    /// Legal address.
    pub legal_address: String,
    /// Bank.
    pub bank_name: String,
    /// MFO.
    pub mfo: String,
    /// Full settlement account.
    pub account_number: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A profile as the seller sees it: the payout account masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// The shop.
    pub seller_id: i64,
    /// Shop details.
    pub shop: ShopView,
    /// Legal details.
    pub legal: LegalView,
    /// Payout details.
    pub payout: PayoutView,
    /// Last change (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// Shop details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShopView {
    /// Shop name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Region.
    pub region: String,
}

/// Legal details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegalView {
    /// Legal name.
    pub legal_name: String,
    /// INN / STIR.
    pub inn: String,
    /// Legal address.
    pub legal_address: String,
}

/// Payout details, the account masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayoutView {
    /// Bank.
    pub bank_name: String,
    /// MFO.
    pub mfo: String,
    /// The account with all but its last four digits replaced by `*`.
    pub account_number_masked: String,
}

impl ProfileView {
    /// The view of a stored profile.
    pub fn of(row: &ProfileRow) -> Self {
        Self {
            seller_id: row.seller_id,
            shop: ShopView {
                display_name: row.display_name.clone(),
                description: row.description.clone(),
                region: row.region.clone(),
            },
            legal: LegalView {
                legal_name: row.legal_name.clone(),
                inn: row.inn.clone(),
                legal_address: row.legal_address.clone(),
            },
            payout: PayoutView {
                bank_name: row.bank_name.clone(),
                mfo: row.mfo.clone(),
                account_number_masked: mask_account(&row.account_number),
            },
            updated_at: row.updated_at,
        }
    }
}

/// Replaces all but the last four characters with `*`.
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    let keep = chars.len().saturating_sub(4);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

/// A validated profile, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    display_name: String,
    description: String,
    region: String,
    legal_name: String,
    inn: String,
    legal_address: String,
    bank_name: String,
    mfo: String,
    account_number: String,
}

fn text(
    value: &str,
    min: usize,
    max: usize,
    code: &'static str,
    field: &str,
) -> Result<String, ApiError> {
    let value = value.trim();
    let len = value.chars().count();
    let control = value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t');
    if len < min || len > max || control {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must be {min} to {max} characters without control characters"),
        ));
    }
    Ok(value.to_owned())
}

fn single_line(
    value: &str,
    max: usize,
    code: &'static str,
    field: &str,
) -> Result<String, ApiError> {
    let value = text(value, 1, max, code, field)?;
    if value.contains(['\n', '\r', '\t']) {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must be a single line"),
        ));
    }
    Ok(value)
}

fn digits(value: &str, len: usize, code: &'static str, field: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.len() != len || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            code,
            format!("{field} must be exactly {len} digits"),
        ));
    }
    Ok(value.to_owned())
}

/// Validates a submitted profile.
pub fn validate(request: &ProfileRequest) -> Result<ValidProfile, ApiError> {
    Ok(ValidProfile {
        display_name: single_line(
            &request.display_name,
            100,
            "invalid_display_name",
            "display_name",
        )?,
        description: text(
            &request.description,
            0,
            2000,
            "invalid_description",
            "description",
        )?,
        region: single_line(&request.region, 60, "invalid_region", "region")?,
        legal_name: single_line(&request.legal_name, 200, "invalid_legal_name", "legal_name")?,
        inn: digits(&request.inn, 9, "invalid_inn", "inn")?,
        legal_address: single_line(
            &request.legal_address,
            300,
            "invalid_legal_address",
            "legal_address",
        )?,
        bank_name: single_line(&request.bank_name, 100, "invalid_bank_name", "bank_name")?,
        mfo: digits(&request.mfo, 5, "invalid_mfo", "mfo")?,
        account_number: digits(
            &request.account_number,
            20,
            "invalid_account_number",
            "account_number",
        )?,
    })
}

impl ValidProfile {
    /// The names of the fields that differ from `old` (all of them when there is none).
    pub fn changed_fields(&self, old: Option<&ProfileRow>) -> Vec<&'static str> {
        let pairs: [(&'static str, &str, Option<&str>); 9] = [
            (
                "display_name",
                &self.display_name,
                old.map(|o| o.display_name.as_str()),
            ),
            (
                "description",
                &self.description,
                old.map(|o| o.description.as_str()),
            ),
            ("region", &self.region, old.map(|o| o.region.as_str())),
            (
                "legal_name",
                &self.legal_name,
                old.map(|o| o.legal_name.as_str()),
            ),
            ("inn", &self.inn, old.map(|o| o.inn.as_str())),
            (
                "legal_address",
                &self.legal_address,
                old.map(|o| o.legal_address.as_str()),
            ),
            (
                "bank_name",
                &self.bank_name,
                old.map(|o| o.bank_name.as_str()),
            ),
            ("mfo", &self.mfo, old.map(|o| o.mfo.as_str())),
            (
                "account_number",
                &self.account_number,
                old.map(|o| o.account_number.as_str()),
            ),
        ];
        pairs
            .into_iter()
            .filter(|(_, new, old)| *old != Some(*new))
            .map(|(name, _, _)| name)
            .collect()
    }
}

const COLUMNS: &str = "seller_id, display_name, description, region, legal_name, inn, \
    legal_address, bank_name, mfo, account_number, updated_at";

impl Db {
    /// Returns a shop's profile.
    pub async fn seller_profile(&self, seller_id: i64) -> DbResult<Option<ProfileRow>> {
        let sql = format!("SELECT {COLUMNS} FROM seller_profiles WHERE seller_id = $1");
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ProfileRow>(&sql)
                .bind(seller_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Creates or replaces a shop's profile and returns it.
    pub async fn put_seller_profile(
        &self,
        seller_id: i64,
        profile: &ValidProfile,
        by: UserId,
        now: DateTime<Utc>,
    ) -> DbResult<ProfileRow> {
        let sql = format!(
            "INSERT INTO seller_profiles (seller_id, display_name, description, region, \
             legal_name, inn, legal_address, bank_name, mfo, account_number, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (seller_id) DO UPDATE SET display_name = excluded.display_name, \
             description = excluded.description, region = excluded.region, \
             legal_name = excluded.legal_name, inn = excluded.inn, \
             legal_address = excluded.legal_address, bank_name = excluded.bank_name, \
             mfo = excluded.mfo, account_number = excluded.account_number, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at \
             RETURNING {COLUMNS}"
        );
        Ok(dispatch!(self, |pool, _d| {
            sqlx::query_as::<_, ProfileRow>(&sql)
                .bind(seller_id)
                .bind(&profile.display_name)
                .bind(&profile.description)
                .bind(&profile.region)
                .bind(&profile.legal_name)
                .bind(&profile.inn)
                .bind(&profile.legal_address)
                .bind(&profile.bank_name)
                .bind(&profile.mfo)
                .bind(&profile.account_number)
                .bind(by.0)
                .bind(now)
                .fetch_one(pool)
                .await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_masked_but_the_last_four_digits() {
        assert_eq!(mask_account("20208000900123456789"), "****************6789");
        assert_eq!(mask_account("12"), "12");
    }
}
