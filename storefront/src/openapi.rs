//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

/// bolajon's public API.
#[derive(OpenApi)]
#[openapi(
    info(title = "bolajon", description = "Safe marketplace for children and parents in Uzbekistan", version = "0.1.0"),
    paths(
        crate::routes::search::search,
        crate::routes::suggest::suggest,
        crate::routes::recommendations::recommend_similar,
        crate::routes::recommendations::recommend_bought_together,
        crate::routes::recommendations::recommend_trending,
        crate::routes::recommendations::recommend_for_you,
        crate::routes::products::product,
        crate::routes::categories::categories,
        crate::routes::health::health,
        crate::routes::auth::register,
        crate::routes::auth::login,
        crate::routes::auth::login_totp,
        crate::routes::auth::refresh,
        crate::routes::auth::logout,
        crate::routes::auth::logout_all,
        crate::routes::auth::me,
        crate::routes::auth::totp_enroll,
        crate::routes::auth::totp_confirm,
        crate::routes::auth::totp_disable,
        crate::routes::auth::change_role,
        crate::routes::auth::list_children,
        crate::routes::auth::create_child,
        crate::routes::auth::child,
        crate::routes::auth::record_consent,
        crate::routes::auth::set_pin,
        crate::routes::auth::verify_pin,
        crate::routes::passkeys::passkey_register_start,
        crate::routes::passkeys::passkey_register_finish,
        crate::routes::passkeys::list_passkeys,
        crate::routes::passkeys::delete_passkey,
        crate::routes::passkeys::passkey_login_start,
        crate::routes::passkeys::passkey_login_finish,
        crate::routes::password_reset::request_password_reset,
        crate::routes::password_reset::confirm_password_reset,
        crate::routes::kids_mode::kids_mode_profiles,
        crate::routes::kids_mode::enter_kids_mode,
        crate::routes::kids_mode::exit_kids_mode,
        crate::routes::seller::create_product,
        crate::routes::seller::list_products,
        crate::routes::seller::seller_product,
        crate::routes::seller::update_product,
        crate::routes::seller::delete_product,
        crate::routes::seller::appeal,
        crate::routes::seller::upload_image,
        crate::routes::seller_profile::get_profile,
        crate::routes::seller_profile::put_profile,
        crate::routes::seller_sales::sales,
        crate::routes::featured::featured,
        crate::routes::featured::admin_feature,
        crate::routes::featured::admin_unfeature,
        crate::routes::featured::promote,
        crate::routes::admin_banners::list_banners,
        crate::routes::admin_banners::create_banner,
        crate::routes::admin_banners::replace_banner,
        crate::routes::admin_banners::delete_banner,
        crate::routes::moderation::queue,
        crate::routes::moderation::item,
        crate::routes::moderation::assign,
        crate::routes::moderation::decide,
        crate::routes::moderation::bulk_decide,
        crate::routes::moderation::image,
        crate::routes::reviews::list_reviews,
        crate::routes::reviews::create_review,
        crate::routes::reviews::decide_review,
        crate::routes::reviews::helpful,
        crate::routes::reviews::report,
        crate::routes::reviews::upload_review_photo,
        crate::routes::reviews::held_reviews,
        crate::routes::cart::get_cart,
        crate::routes::cart::add_line,
        crate::routes::cart::set_line,
        crate::routes::cart::remove_line,
        crate::routes::cart::delivery_options,
        crate::routes::orders::create_order,
        crate::routes::orders::list_orders,
        crate::routes::orders::get_order,
        crate::routes::orders::cancel_order,
        crate::routes::orders::request_refund,
        crate::routes::orders::complete_order,
        crate::routes::shipments::list_shipments,
        crate::routes::shipments::get_shipment,
        crate::routes::shipments::advance_shipment,
        crate::routes::purchase_requests::list_requests,
        crate::routes::shopper::get_wishlist,
        crate::routes::shopper::add_wishlist,
        crate::routes::shopper::remove_wishlist,
        crate::routes::shopper::compare,
        crate::routes::shopper::get_recently_viewed,
        crate::routes::shopper::record_recently_viewed,
        crate::routes::shopper::reorder,
        crate::routes::purchase_requests::approve_request,
        crate::routes::purchase_requests::decline_request,
        crate::routes::purchase_requests::get_controls,
        crate::routes::purchase_requests::put_controls,
        crate::routes::purchase_requests::dashboard,
        crate::routes::payments::payme_endpoint,
        crate::routes::payments::click_prepare,
        crate::routes::payments::click_complete,
        crate::routes::payments::card_webhook,
        crate::routes::payments::payment_links,
        crate::routes::payments::create_card_payment,
        crate::routes::payments::card_payment,
        crate::routes::payments::confirm_card_payment,
        crate::routes::payments::authenticate_card_payment,
        crate::routes::admin_notifications::search_notifications,
        crate::routes::admin_notifications::metrics,
        crate::routes::admin_notifications::resend,
        crate::routes::admin_notifications::retry,
        crate::routes::push::vapid_public_key,
        crate::routes::push::list_subscriptions,
        crate::routes::push::subscribe,
        crate::routes::push::unsubscribe,
        crate::routes::notify_preferences::get_notify_preferences,
        crate::routes::notify_preferences::put_notify_preferences,
        crate::routes::sms_callbacks::eskiz_callback,
        crate::routes::account::account_export,
        crate::routes::account::account_erase,
        crate::routes::account::marketing_consent_update,
        crate::routes::account::password_change,
        crate::routes::account::child_erase,
    ),
    modifiers(&SessionSecurity),
    tags(
        (name = "search", description = "Search under the audience's age"),
        (name = "catalog", description = "Products and categories"),
        (name = "recommendations", description = "Similar, bought together, trending and for-you products under the audience's age"),
        (name = "ops", description = "Operations"),
        (name = "auth", description = "Accounts, sessions and two-factor authentication"),
        (name = "family", description = "Child profiles, parental consent and the parent PIN"),
        (name = "seller", description = "A seller's own listings, screened and moderated on every change"),
        (name = "moderation", description = "The moderation queue: filter, review, assign, decide"),
        (name = "reviews", description = "Reviews by verified purchasers, screened and held for moderators or parents when doubtful"),
        (name = "commerce", description = "Carts, checkout, orders and seller shipments"),
        (name = "payments", description = "Payme and Click callbacks, card payments and the card gateway's webhook"),
        (name = "shopper", description = "Wishlist, comparison, recently viewed and re-order"),
        (name = "privacy", description = "Data export, erasure and the optional marketing consent"),
        (name = "notifications", description = "Notification audit, queue metrics, web-push subscriptions, SMS delivery reports"),
    )
)]
pub struct ApiDoc;

/// The two ways to present a session: a bearer access token (API clients) or the access
/// cookie (the web; state changes also need `X-CSRF-Token`).
struct SessionSecurity;

impl utoipa::Modify for SessionSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::cookies::ACCESS,
            ))),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Returns the OpenAPI document as pretty JSON.
pub fn openapi_pretty() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}
