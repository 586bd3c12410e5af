//! Payments: the Payme Merchant API, the Click SHOP API and bolajon's card gateway.
//!
//! - [`payme`]: the JSON-RPC endpoint Payme calls (`POST /payments/payme`), the 12-hour
//!   timeout (request time and [`sweep_expired`]) and the checkout link.
//! - [`click`]: Prepare and Complete (`POST /payments/click/{prepare,complete}`), the MD5
//!   signature and the checkout link.
//! - [`links`]: the checkout links of a buyer's order (`GET /api/v1/payments/links/{order_id}`).
//! - [`card`]: payment intents over a [`PaymentGateway`] (the sandbox one in
//!   [`gateway::SandboxGateway`]) and the signed webhook.
//!
//! Every provider transition runs in ONE SQL transaction together with the order change it
//! causes (through [`orders`], the adapter onto the commerce core), with the provider's row
//! locked (`SELECT … FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite). Times come from
//! the accounts service's clock ([`crate::auth::Clock`]), so tests move them.
//! The protocol facts are in `../shared/payments/{PAYME,CLICK,CARD}.md`.

pub mod card;
pub mod click;
pub mod gateway;
pub mod links;
pub mod orders;
pub mod payme;
pub mod store;

pub use gateway::{PaymentGateway, SandboxGateway};

use crate::config::PaymentsConfig;
use std::sync::Arc;

/// Validated payment settings.
#[derive(Clone)]
pub struct PaymentSettings {
    /// Payme merchant id (checkout links).
    pub payme_merchant_id: Option<String>,
    /// Payme KEY from the environment (a key rotated by `ChangePassword` overrides it).
    pub payme_key: Option<String>,
    /// The code of a second CreateTransaction for a one-time order (-31008 by default).
    pub payme_second_transaction_code: i32,
    /// Click service id.
    pub click_service_id: Option<String>,
    /// Click merchant id (checkout links).
    pub click_merchant_id: Option<String>,
    /// Click secret key.
    pub click_secret_key: Option<String>,
    /// The Click code for a cancel of an already confirmed payment (-9 by default, or -4).
    pub click_cancel_confirmed_code: i32,
    /// Card webhook signing secret.
    pub card_webhook_secret: Option<String>,
}

impl std::fmt::Debug for PaymentSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |secret: &Option<String>| secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("PaymentSettings")
            .field("payme_merchant_id", &self.payme_merchant_id)
            .field("payme_key", &set(&self.payme_key))
            .field(
                "payme_second_transaction_code",
                &self.payme_second_transaction_code,
            )
            .field("click_service_id", &self.click_service_id)
            .field("click_merchant_id", &self.click_merchant_id)
            .field("click_secret_key", &set(&self.click_secret_key))
            .field(
                "click_cancel_confirmed_code",
                &self.click_cancel_confirmed_code,
            )
            .field("card_webhook_secret", &set(&self.card_webhook_secret))
            .finish()
    }
}

impl Default for PaymentSettings {
    /// No provider configured: every provider call is refused.
    fn default() -> Self {
        Self {
            payme_merchant_id: None,
            payme_key: None,
            payme_second_transaction_code: payme::DEFAULT_SECOND_TRANSACTION_CODE,
            click_service_id: None,
            click_merchant_id: None,
            click_secret_key: None,
            click_cancel_confirmed_code: click::DEFAULT_CANCEL_CONFIRMED_CODE,
            card_webhook_secret: None,
        }
    }
}

impl PaymentSettings {
    /// Validates the raw configuration.
    pub fn from_config(config: &PaymentsConfig) -> anyhow::Result<Self> {
        let code = config.payme_second_transaction_code;
        anyhow::ensure!(
            code == -31008 || (-31099..=-31050).contains(&code),
            "BOLAJON_PAYME_SECOND_TRANSACTION_CODE must be -31008 or within -31099..-31050, got {code}"
        );
        let click_code = config.click_cancel_confirmed_code;
        anyhow::ensure!(
            click_code == -9 || click_code == -4,
            "BOLAJON_CLICK_CANCEL_CONFIRMED_CODE must be -9 or -4, got {click_code}"
        );
        let non_empty = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());
        Ok(Self {
            payme_merchant_id: non_empty(&config.payme_merchant_id),
            payme_key: non_empty(&config.payme_key),
            payme_second_transaction_code: code,
            click_service_id: non_empty(&config.click_service_id),
            click_merchant_id: non_empty(&config.click_merchant_id),
            click_secret_key: non_empty(&config.click_secret_key),
            click_cancel_confirmed_code: click_code,
            card_webhook_secret: non_empty(&config.card_webhook_secret),
        })
    }
}

/// The payments service: settings and the card gateway.
#[derive(Clone)]
pub struct Payments {
    /// Settings.
    pub settings: PaymentSettings,
    /// The card acquirer (the sandbox unless a real one is plugged in).
    pub gateway: Arc<dyn PaymentGateway>,
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("settings", &self.settings)
            .field("gateway", &self.gateway.name())
            .finish()
    }
}

impl Default for Payments {
    fn default() -> Self {
        Self::new(PaymentSettings::default())
    }
}

impl Payments {
    /// Builds the service over the sandbox card gateway.
    pub fn new(settings: PaymentSettings) -> Self {
        Self {
            settings,
            gateway: Arc::new(SandboxGateway),
        }
    }
}

/// Cancels every Payme transaction still in state 1 more than 12 hours after its Payme `time`
/// (state -1, reason 4) and releases its order. The service's background loop calls it; it
/// returns how many it cancelled.
pub async fn sweep_expired(app: &crate::App) -> Result<usize, store::PaymentError> {
    payme::sweep_expired(app).await
}

/// How often the background loop sweeps expired provider transactions.
pub const SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// The payments background loop: runs [`sweep_expired`] and [`card::cancel_abandoned`] every
/// [`SWEEP_INTERVAL`] until `stop` turns true.
pub async fn run_sweep_loop(app: Arc<crate::App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        match sweep_expired(&app).await {
            Ok(0) => {}
            Ok(cancelled) => tracing::info!(
                cancelled,
                "payme: {cancelled} expired transactions cancelled"
            ),
            Err(error) => tracing::error!(%error, "payme: the expiry sweep failed: {error}"),
        }
        match card::cancel_abandoned(&app).await {
            Ok(0) => {}
            Ok(cancelled) => {
                tracing::info!(cancelled, "card: {cancelled} abandoned payments cancelled")
            }
            Err(error) => {
                tracing::error!(%error, "card: the abandoned-payment sweep failed: {error}")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP_INTERVAL) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    fn parse(args: &[&str]) -> PaymentsConfig {
        crate::config::Cli::try_parse_from(args)
            .unwrap()
            .config
            .payments
    }

    #[test]
    fn provider_switches_accept_only_the_documented_codes() {
        let defaults = PaymentSettings::from_config(&parse(&["storefront"])).unwrap();
        assert_eq!(defaults.payme_second_transaction_code, -31008);
        assert_eq!(defaults.click_cancel_confirmed_code, -9);
        assert!(defaults.payme_key.is_none() && defaults.click_secret_key.is_none());
        let switched = PaymentSettings::from_config(&parse(&[
            "storefront",
            "--payme-second-transaction-code",
            "-31099",
            "--click-cancel-confirmed-code",
            "-4",
        ]))
        .unwrap();
        assert_eq!(switched.payme_second_transaction_code, -31099);
        assert_eq!(switched.click_cancel_confirmed_code, -4);
        for args in [
            ["storefront", "--payme-second-transaction-code", "-31001"],
            ["storefront", "--payme-second-transaction-code", "-31100"],
            ["storefront", "--click-cancel-confirmed-code", "-1"],
        ] {
            assert!(
                PaymentSettings::from_config(&parse(&args)).is_err(),
                "{args:?}"
            );
        }
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let config = parse(&[
            "storefront",
            "--payme-key",
            "payme-secret-value",
            "--click-secret-key",
            "click-secret-value",
            "--card-webhook-secret",
            "webhook-secret-value",
        ]);
        let settings = PaymentSettings::from_config(&config).unwrap();
        for shown in [format!("{config:?}"), format!("{settings:?}")] {
            assert!(!shown.contains("secret-value"), "{shown}");
            assert!(shown.contains("<redacted>"));
        }
    }
}
