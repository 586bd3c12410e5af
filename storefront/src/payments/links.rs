//! Where a buyer pays an order: the Payme checkout link and the Click checkout redirect, for
//! the providers that are configured.

use super::orders;
use super::store::{self, PaymentError, on_tx};
use super::{click, payme};
use crate::auth::CurrentUser;
use crate::{ApiError, AppState};
use serde::Serialize;

/// The checkout links of one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PaymentLinks {
    /// The order.
    pub order_id: i64,
    /// The amount due, tiyin.
    pub amount: i64,
    /// Payme's checkout (`null` when Payme is not configured).
    pub payme: Option<String>,
    /// Click's checkout (`null` when Click is not configured).
    pub click: Option<String>,
}

/// Returns the checkout links of `user`'s pending order (the buyer's, or their child's).
pub async fn links(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<PaymentLinks, ApiError> {
    let not_found = || {
        ApiError::not_found(
            "order_not_found",
            format!("order {order_id} does not exist"),
        )
    };
    let mut tx = store::begin(&state.0.db).await?;
    let order = orders::load_for_payment(&mut tx, order_id)
        .await?
        .ok_or_else(not_found)?;
    let owns = order.buyer_user_id == Some(user.id)
        || match order.child_id {
            Some(child) => {
                let parent: Option<i64> = on_tx!(&mut tx, |conn| {
                    sqlx::query_scalar("SELECT parent_user_id FROM child_profiles WHERE id = $1")
                        .bind(child.0)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(PaymentError::from)?
                });
                parent == Some(user.id.0)
            }
            None => false,
        };
    if !owns {
        return Err(not_found());
    }
    if !orders::awaits_payment(&order) {
        return Err(ApiError::conflict(
            "order_not_payable",
            format!("order {order_id} is not awaiting payment"),
        ));
    }
    let settings = &state.0.payments.settings;
    let payme = settings.payme_merchant_id.as_deref().map(|merchant| {
        payme::checkout_link(
            payme::CHECKOUT_URL,
            merchant,
            order_id,
            order.total_tiyin,
            &payme::CheckoutOptions::default(),
        )
    });
    let click = match (&settings.click_service_id, &settings.click_merchant_id) {
        (Some(service), Some(merchant)) => Some(click::checkout_link(
            service,
            merchant,
            order_id,
            order.total_tiyin,
            None,
        )),
        _ => None,
    };
    Ok(PaymentLinks {
        order_id,
        amount: order.total_tiyin,
        payme,
        click,
    })
}
