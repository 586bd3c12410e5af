//! The policy table: every route with the roles it admits, in one place.
//!
//! The [`CurrentUser`](super::CurrentUser) and [`MaybeUser`](super::MaybeUser) extractors look
//! the request's route up here (by method and matched path) and refuse a guest with 401 and a
//! wrong role with 403. A handler that extracts a user on a route missing from the table
//! answers 500, and a test checks that every documented route has an entry, so a new route
//! cannot slip in unlisted. Resource ownership is checked per request with
//! [`ensure_owner`](super::ensure_owner).

use super::Role;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, guests included.
    Public,
    /// Signed-in users with one of these roles.
    Roles(&'static [Role]),
}

/// One route's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutePolicy {
    /// HTTP method.
    pub method: &'static str,
    /// axum path pattern, e.g. `/api/v1/family/children/{id}`.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Whether a seller, moderator or admin who has not yet turned on the mandatory TOTP may
    /// call it (the routes needed to enrol, see yourself, and leave).
    pub before_totp_enrollment: bool,
}

/// Every role that signs in.
pub const SIGNED_IN: &[Role] = &[
    Role::Child,
    Role::Parent,
    Role::Seller,
    Role::Moderator,
    Role::Admin,
];
/// Grown-up accounts (those with credentials).
pub const ADULTS: &[Role] = &[Role::Parent, Role::Seller, Role::Moderator, Role::Admin];
/// Parents only.
pub const PARENTS: &[Role] = &[Role::Parent];
/// Children only (a kids'-mode session).
pub const CHILDREN: &[Role] = &[Role::Child];
/// Admins only.
pub const ADMINS: &[Role] = &[Role::Admin];
/// Sellers only (their own shop's resources).
pub const SELLERS: &[Role] = &[Role::Seller];
/// Moderators and admins.
pub const MODERATORS: &[Role] = &[Role::Moderator, Role::Admin];
/// Those who place orders: parents, and children (whose orders may wait for approval).
pub const BUYERS: &[Role] = &[Role::Child, Role::Parent];
/// Accounts that may erase themselves: parents and sellers.
pub const ERASABLE: &[Role] = &[Role::Parent, Role::Seller];
/// Those who decide held reviews: moderators and admins any, parents their children's.
pub const REVIEW_DECIDERS: &[Role] = &[Role::Parent, Role::Moderator, Role::Admin];

const fn public(method: &'static str, path: &'static str) -> RoutePolicy {
    RoutePolicy {
        method,
        path,
        access: Access::Public,
        before_totp_enrollment: true,
    }
}

const fn roles(method: &'static str, path: &'static str, roles: &'static [Role]) -> RoutePolicy {
    RoutePolicy {
        method,
        path,
        access: Access::Roles(roles),
        before_totp_enrollment: false,
    }
}

const fn enrolling(mut policy: RoutePolicy) -> RoutePolicy {
    policy.before_totp_enrollment = true;
    policy
}

/// The table.
pub const ROUTES: &[RoutePolicy] = &[
    // Catalogue, pages and operations.
    public("GET", "/health"),
    public("GET", "/api/openapi.json"),
    public("GET", "/api/v1/search"),
    public("GET", "/api/v1/suggest"),
    // Recommendations: public under the audience's age; for-you reads the caller's own history.
    public("GET", "/api/v1/recommendations/similar/{id}"),
    public("GET", "/api/v1/recommendations/bought-together/{id}"),
    public("GET", "/api/v1/recommendations/trending"),
    roles("GET", "/api/v1/recommendations/for-you", SIGNED_IN),
    public("GET", "/api/v1/products/{id}"),
    public("GET", "/api/v1/categories"),
    // The web UI (server-rendered pages; form posts carry the CSRF field, checked by
    // web::session::WebForm; pages needing an account redirect guests to /signin).
    public("GET", "/"),
    public("GET", "/search"),
    public("GET", "/products/{id}"),
    public("GET", "/cart"),
    public("POST", "/cart/add"),
    public("POST", "/cart/update"),
    public("POST", "/cart/remove"),
    public("GET", "/checkout"),
    public("POST", "/checkout"),
    public("GET", "/orders/{id}/pay"),
    public("POST", "/orders/{id}/pay"),
    public("POST", "/orders/{id}/pay/code"),
    public("GET", "/orders"),
    public("GET", "/signin"),
    public("POST", "/signin"),
    public("POST", "/register"),
    public("POST", "/signout"),
    public("GET", "/static/{file}"),
    public("POST", "/csp-report"),
    public("GET", "/media/art/{category}/{file}"),
    public("GET", "/media/uploads/{id}"),
    public("GET", "/media/reviews/{id}"),
    // Accounts.
    public("POST", "/api/v1/auth/register"),
    public("POST", "/api/v1/auth/login"),
    public("POST", "/api/v1/auth/login/2fa"),
    public("POST", "/api/v1/auth/refresh"),
    enrolling(roles("GET", "/api/v1/auth/me", SIGNED_IN)),
    enrolling(roles("POST", "/api/v1/auth/logout", SIGNED_IN)),
    enrolling(roles("POST", "/api/v1/auth/logout-all", SIGNED_IN)),
    enrolling(roles("POST", "/api/v1/auth/2fa/enroll", ADULTS)),
    enrolling(roles("POST", "/api/v1/auth/2fa/confirm", ADULTS)),
    roles("POST", "/api/v1/auth/2fa/disable", ADULTS),
    roles("PUT", "/api/v1/admin/users/{id}/role", ADMINS),
    // Passkeys: grown-ups manage their own (ownership checked per passkey); signing in is public.
    roles("POST", "/api/v1/auth/passkeys/register/start", ADULTS),
    roles("POST", "/api/v1/auth/passkeys/register/finish", ADULTS),
    roles("GET", "/api/v1/auth/passkeys", ADULTS),
    roles("DELETE", "/api/v1/auth/passkeys/{id}", ADULTS),
    public("POST", "/api/v1/auth/passkeys/login/start"),
    public("POST", "/api/v1/auth/passkeys/login/finish"),
    // Password reset by a one-time code (the same answer for unknown accounts).
    public("POST", "/api/v1/auth/password/reset"),
    public("POST", "/api/v1/auth/password/reset/confirm"),
    // Family.
    roles("GET", "/api/v1/family/children", PARENTS),
    roles("POST", "/api/v1/family/children", PARENTS),
    roles("GET", "/api/v1/family/children/{id}", PARENTS),
    roles("POST", "/api/v1/family/children/{id}/consent", PARENTS),
    roles("PUT", "/api/v1/family/pin", PARENTS),
    roles("POST", "/api/v1/family/pin/verify", PARENTS),
    // Kids' mode on a parent's device: the parent picks a profile, the child leaves with the PIN.
    roles("GET", "/api/v1/family/kids-mode/profiles", PARENTS),
    roles("POST", "/api/v1/family/kids-mode", PARENTS),
    roles("POST", "/api/v1/family/kids-mode/exit", CHILDREN),
    // Shopper features: wishlist (per account), comparison and recently viewed (guests by
    // device token), re-order of the caller's own order (ownership checked in the handler).
    roles("GET", "/api/v1/wishlist", SIGNED_IN),
    roles("PUT", "/api/v1/wishlist/{product_id}", SIGNED_IN),
    roles("DELETE", "/api/v1/wishlist/{product_id}", SIGNED_IN),
    public("GET", "/api/v1/compare"),
    public("GET", "/api/v1/recently-viewed"),
    public("POST", "/api/v1/recently-viewed/{product_id}"),
    roles("POST", "/api/v1/orders/{id}/reorder", BUYERS),
    // Seller listings (each seller sees only their own products).
    roles("GET", "/api/v1/seller/products", SELLERS),
    roles("POST", "/api/v1/seller/products", SELLERS),
    roles("GET", "/api/v1/seller/products/{id}", SELLERS),
    roles("PUT", "/api/v1/seller/products/{id}", SELLERS),
    roles("DELETE", "/api/v1/seller/products/{id}", SELLERS),
    roles("POST", "/api/v1/seller/products/{id}/appeal", SELLERS),
    roles("POST", "/api/v1/seller/products/{id}/images", SELLERS),
    // Seller onboarding: the shop profile of the seller's own shop.
    roles("GET", "/api/v1/seller/profile", SELLERS),
    roles("PUT", "/api/v1/seller/profile", SELLERS),
    roles("GET", "/api/v1/seller/sales", SELLERS),
    // Featured products: public list, admin curation, seller promotion of own products.
    public("GET", "/api/v1/featured"),
    roles("PUT", "/api/v1/admin/featured/{product_id}", ADMINS),
    roles("DELETE", "/api/v1/admin/featured/{product_id}", ADMINS),
    // CMS banner blocks on the home page (admins, audited).
    roles("GET", "/api/v1/admin/banners", ADMINS),
    roles("POST", "/api/v1/admin/banners", ADMINS),
    roles("PUT", "/api/v1/admin/banners/{id}", ADMINS),
    roles("DELETE", "/api/v1/admin/banners/{id}", ADMINS),
    roles("POST", "/api/v1/seller/products/{id}/promote", SELLERS),
    // The moderation queue.
    roles("GET", "/api/v1/moderation/queue", MODERATORS),
    roles("GET", "/api/v1/moderation/items/{id}", MODERATORS),
    roles("POST", "/api/v1/moderation/items/{id}/assign", MODERATORS),
    roles("POST", "/api/v1/moderation/items/{id}/decision", MODERATORS),
    roles("POST", "/api/v1/moderation/decisions", MODERATORS),
    roles("GET", "/api/v1/moderation/images/{id}", MODERATORS),
    // Reviews (verified purchasers write; held ones are decided by moderators or parents).
    public("GET", "/api/v1/products/{id}/reviews"),
    roles("POST", "/api/v1/products/{id}/reviews", BUYERS),
    roles("POST", "/api/v1/reviews/{id}/decision", REVIEW_DECIDERS),
    roles("POST", "/api/v1/reviews/{id}/helpful", BUYERS),
    roles("POST", "/api/v1/reviews/{id}/report", BUYERS),
    roles("POST", "/api/v1/reviews/{id}/photos", BUYERS),
    roles("GET", "/api/v1/moderation/reviews", MODERATORS),
    // Commerce: carts (guests too), checkout and orders, seller shipments, ask to buy.
    public("GET", "/api/v1/cart"),
    public("POST", "/api/v1/cart/lines"),
    public("PUT", "/api/v1/cart/lines/{sku}"),
    public("DELETE", "/api/v1/cart/lines/{sku}"),
    public("GET", "/api/v1/delivery/options"),
    roles("GET", "/api/v1/orders", BUYERS),
    roles("POST", "/api/v1/orders", BUYERS),
    roles("GET", "/api/v1/orders/{id}", BUYERS),
    roles("POST", "/api/v1/orders/{id}/cancel", BUYERS),
    roles("POST", "/api/v1/orders/{id}/refund-request", PARENTS),
    roles("POST", "/api/v1/orders/{id}/complete", BUYERS),
    roles("GET", "/api/v1/seller/shipments", SELLERS),
    roles("GET", "/api/v1/seller/shipments/{id}", SELLERS),
    roles("POST", "/api/v1/seller/shipments/{id}/status", SELLERS),
    roles("GET", "/api/v1/family/purchase-requests", PARENTS),
    roles(
        "POST",
        "/api/v1/family/purchase-requests/{id}/approve",
        PARENTS,
    ),
    roles(
        "POST",
        "/api/v1/family/purchase-requests/{id}/decline",
        PARENTS,
    ),
    roles("GET", "/api/v1/family/children/{id}/controls", PARENTS),
    roles("PUT", "/api/v1/family/children/{id}/controls", PARENTS),
    roles("GET", "/api/v1/family/dashboard", PARENTS),
    // Payments: the providers' callbacks authenticate themselves (Basic auth, signatures).
    public("POST", "/payments/payme"),
    public("POST", "/payments/click/prepare"),
    public("POST", "/payments/click/complete"),
    public("POST", "/payments/card/webhook"),
    roles("GET", "/api/v1/payments/links/{order_id}", PARENTS),
    roles("POST", "/api/v1/payments/card", PARENTS),
    roles("GET", "/api/v1/payments/card/{id}", PARENTS),
    roles("POST", "/api/v1/payments/card/{id}/confirm", PARENTS),
    roles("POST", "/api/v1/payments/card/{id}/authenticate", PARENTS),
    // Notifications.
    roles("GET", "/api/v1/admin/notifications", ADMINS),
    roles("GET", "/api/v1/admin/notifications/metrics", ADMINS),
    roles("POST", "/api/v1/admin/notifications/{id}/resend", ADMINS),
    roles("POST", "/api/v1/admin/notifications/{id}/retry", ADMINS),
    public("GET", "/api/v1/push/vapid-public-key"),
    roles("GET", "/api/v1/push/subscriptions", SIGNED_IN),
    roles("POST", "/api/v1/push/subscriptions", SIGNED_IN),
    roles("DELETE", "/api/v1/push/subscriptions/{id}", SIGNED_IN),
    roles("GET", "/api/v1/notify/preferences", SIGNED_IN),
    roles("PUT", "/api/v1/notify/preferences", SIGNED_IN),
    // Eskiz's delivery reports: authenticated by the secret in the callback URL.
    public("POST", "/api/v1/notify/sms/eskiz/callback"),
    // Privacy: export (every grown-up account), erasure (parents and sellers: moderators and
    // admins are offboarded by an admin), marketing consent (never children).
    roles("GET", "/api/v1/account/export", ADULTS),
    roles("POST", "/api/v1/account/erase", ERASABLE),
    roles("PUT", "/api/v1/account/marketing-consent", ADULTS),
    roles("POST", "/api/v1/account/password", ADULTS),
    roles("POST", "/api/v1/family/children/{id}/erase", PARENTS),
    // dash: the web's two-step sign-in and the seller and admin dashboards. Like the other web
    // pages they are listed as public and check the role themselves (web::admin::require_staff):
    // a guest is redirected to /signin (the event stream answers 401), a staff member without
    // TOTP to /account/2fa, any other role gets 403 `forbidden` (sellers: /seller…; moderators
    // and admins: /admin/moderation…; admins: the rest of /admin…).
    public("POST", "/signin/2fa"),
    public("GET", "/account/2fa"),
    public("POST", "/account/2fa"),
    public("GET", "/seller"),
    public("GET", "/seller/products/new"),
    public("POST", "/seller/products/new"),
    public("GET", "/seller/products/{id}"),
    public("POST", "/seller/products/{id}"),
    public("POST", "/seller/shipments/{id}/status"),
    public("GET", "/admin"),
    public("GET", "/admin/live"),
    public("GET", "/admin/moderation"),
    public("POST", "/admin/moderation/decide"),
    public("GET", "/admin/reviews"),
    public("GET", "/admin/notifications"),
    public("GET", "/admin/users"),
    public("POST", "/admin/users/{id}/role"),
    // kids: web pages of kids' mode, the parent panel, the PWA and the shopper's lists (each
    // page checks who is signed in itself: a guest is sent to sign in, another role gets 403,
    // another family's child or request 404).
    public("GET", "/kids"),
    public("POST", "/kids/enter"),
    public("GET", "/kids/search"),
    public("GET", "/kids/products/{id}"),
    public("POST", "/kids/ask"),
    public("GET", "/kids/asked"),
    public("GET", "/kids/exit"),
    public("POST", "/kids/exit"),
    public("GET", "/parent"),
    public("POST", "/parent/children"),
    public("GET", "/parent/children/{id}"),
    public("POST", "/parent/children/{id}/consent"),
    public("POST", "/parent/children/{id}/controls"),
    public("POST", "/parent/children/{id}/erase"),
    public("POST", "/parent/requests/{id}/approve"),
    public("POST", "/parent/requests/{id}/decline"),
    public("POST", "/parent/pin"),
    public("POST", "/parent/erase"),
    public("GET", "/manifest.webmanifest"),
    public("GET", "/sw.js"),
    public("GET", "/offline"),
    public("GET", "/icons/{file}"),
    public("GET", "/wishlist"),
    public("POST", "/wishlist/add"),
    public("POST", "/wishlist/remove"),
    public("GET", "/compare"),
    public("GET", "/recently-viewed"),
];

/// Returns the entry of a route.
pub fn lookup(method: &str, path: &str) -> Option<&'static RoutePolicy> {
    ROUTES
        .iter()
        .find(|policy| policy.method == method && policy.path == path)
}

impl RoutePolicy {
    /// Returns whether `role` may call the route (a guest is `None`).
    pub fn admits(&self, role: Option<Role>) -> bool {
        match (self.access, role) {
            (Access::Public, _) => true,
            (Access::Roles(_), None) => false,
            (Access::Roles(allowed), Some(role)) => allowed.contains(&role),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for policy in ROUTES {
            assert!(
                seen.insert((policy.method, policy.path)),
                "duplicate {policy:?}"
            );
            assert!(policy.path.starts_with('/'));
            assert!(["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&policy.method));
            if let Access::Roles(roles) = policy.access {
                assert!(!roles.is_empty(), "{policy:?} admits nobody");
            }
        }
    }

    #[test]
    fn guests_are_admitted_only_to_public_routes() {
        let family = lookup("GET", "/api/v1/family/children").unwrap();
        assert!(!family.admits(None));
        assert!(family.admits(Some(Role::Parent)));
        assert!(!family.admits(Some(Role::Seller)));
        assert!(lookup("GET", "/api/v1/search").unwrap().admits(None));
        assert!(lookup("GET", "/nowhere").is_none());
    }
}
