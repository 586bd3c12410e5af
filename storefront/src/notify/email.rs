//! Email over SMTP with lettre: multipart text + HTML, `Content-Language` per recipient, and a
//! Message-ID derived from the job's idempotency key (a re-delivery after a crash carries the
//! same id, so the receiving side can drop the repeat).

use super::templates::Rendered;
use super::worker::DeliveryError;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SmtpTls {
    /// Plain text (a local relay or a test server only).
    None,
    /// STARTTLS, required (the connection fails rather than fall back to plain text).
    #[default]
    Starttls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
}

/// SMTP settings (from `BOLAJON_SMTP_*`).
#[derive(Clone)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Connection security.
    pub tls: SmtpTls,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The From mailbox, e.g. `bolajon <no-reply@bolajon.uz>`.
    pub from: String,
    /// Per-command timeout.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|(user, _)| user),
            )
            .field("from", &self.from)
            .finish()
    }
}

/// Sends emails through one pooled SMTP transport.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// Returns the Message-ID of the email of an idempotency key: the same key, the same id.
pub fn message_id(idempotency_key: &str, domain: &str) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{domain}>")
}

impl Mailer {
    /// Builds the transport (no connection is made until the first send).
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|error| anyhow::anyhow!("BOLAJON_SMTP_FROM {}: {error}", settings.from))?;
        let tls = match settings.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(TlsParameters::new(settings.host.clone())?),
            SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(settings.host.clone())?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout))
            .pool_config(PoolConfig::new().max_size(4));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let domain = from.email.domain().to_owned();
        Ok(Self {
            transport: builder.build(),
            from,
            domain,
        })
    }

    /// Builds the message of a rendered notification.
    pub fn build(
        &self,
        to: &str,
        rendered: &Rendered,
        idempotency_key: &str,
        language_tag: &str,
    ) -> Result<Message, DeliveryError> {
        let to: Mailbox = to
            .parse()
            .map_err(|error| DeliveryError::Permanent(format!("recipient address: {error}")))?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(message_id(idempotency_key, &self.domain)))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|error| DeliveryError::Permanent(format!("building the email: {error}")))?;
        let name = HeaderName::new_from_ascii("Content-Language".to_owned())
            .map_err(|error| DeliveryError::Permanent(format!("header name: {error}")))?;
        message
            .headers_mut()
            .insert_raw(HeaderValue::new(name, language_tag.to_owned()));
        Ok(message)
    }

    /// Sends a message. 5xx answers are permanent, everything else (4xx, network) transient.
    pub async fn send(&self, message: Message) -> Result<(), DeliveryError> {
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => {
                Err(DeliveryError::Permanent(format!("smtp: {error}")))
            }
            Err(error) => Err(DeliveryError::Transient(format!("smtp: {error}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_follow_the_idempotency_key() {
        let a = message_id("order_paid:1:email", "bolajon.uz");
        assert_eq!(a, message_id("order_paid:1:email", "bolajon.uz"));
        assert_ne!(a, message_id("order_paid:2:email", "bolajon.uz"));
        assert!(a.starts_with('<') && a.ends_with("@bolajon.uz>"));
        assert_eq!(a.len(), 1 + 32 + 1 + "bolajon.uz".len() + 1);
    }
}
