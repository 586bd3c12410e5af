//! Localised templates, compiled into the binary: a subject and a body per event kind in
//! Uzbek (Latin and Cyrillic), Russian and English, wrapped in one HTML and one text layout.
//!
//! Bodies are minijinja templates over the event's payload; paragraphs are separated by a
//! blank line. The HTML layout escapes everything it inserts (payload values included), and
//! action links must be `http(s)` URLs. Money fields (`*_tiyin`) go through the `som` filter.

use super::{EventKind, Language};
use minijinja::{Environment, Value};
use serde::Serialize;
use std::sync::LazyLock;

/// A message rendered for every channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Email subject, push title.
    pub subject: String,
    /// Plain-text body (email text part).
    pub text: String,
    /// HTML body (email HTML part).
    pub html: String,
    /// SMS text (body and links on one line each).
    pub sms: String,
    /// The first paragraph (push body).
    pub summary: String,
    /// The first action's URL, if any (push click target).
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Action {
    label: String,
    url: String,
}

/// (subject, body) per language, in [`Language::ALL`] order.
type Texts = [(&'static str, &'static str); 4];

fn texts(kind: EventKind) -> &'static Texts {
    match kind {
        EventKind::Otp => &[
            (
                "bolajon: tasdiqlash kodi",
                "Tasdiqlash kodingiz: {{ code }}. Kod {{ minutes }} daqiqa amal qiladi. Uni hech kimga bermang.",
            ),
            (
                "bolajon: тасдиқлаш коди",
                "Тасдиқлаш кодингиз: {{ code }}. Код {{ minutes }} дақиқа амал қилади. Уни ҳеч кимга берманг.",
            ),
            (
                "bolajon: код подтверждения",
                "Ваш код подтверждения: {{ code }}. Код действует {{ minutes }} мин. Никому его не сообщайте.",
            ),
            (
                "bolajon: your verification code",
                "Your verification code is {{ code }}. It is valid for {{ minutes }} minutes. Never share it with anyone.",
            ),
        ],
        EventKind::PurchaseRequest => &[
            (
                "{{ child_name }} xarid qilishga ruxsat so'rayapti",
                "{{ child_name }} «{{ product_name }}» ({{ price_tiyin|som }} so'm) sotib olishga ruxsat so'rayapti.",
            ),
            (
                "{{ child_name }} харид қилишга рухсат сўраяпти",
                "{{ child_name }} «{{ product_name }}» ({{ price_tiyin|som }} сўм) сотиб олишга рухсат сўраяпти.",
            ),
            (
                "{{ child_name }} просит разрешения на покупку",
                "{{ child_name }} просит разрешения купить «{{ product_name }}» за {{ price_tiyin|som }} сум.",
            ),
            (
                "{{ child_name }} asks to buy something",
                "{{ child_name }} asks for your permission to buy “{{ product_name }}” for {{ price_tiyin|som }} UZS.",
            ),
        ],
        EventKind::LimitReached => &[
            (
                "{{ child_name }} xarid limitiga yetdi",
                "{{ child_name }} belgilangan {{ limit_tiyin|som }} so'm limitga yetdi (sarflangan: {{ spent_tiyin|som }} so'm).",
            ),
            (
                "{{ child_name }} харид лимитига етди",
                "{{ child_name }} белгиланган {{ limit_tiyin|som }} сўм лимитга етди (сарфланган: {{ spent_tiyin|som }} сўм).",
            ),
            (
                "{{ child_name }} достиг лимита покупок",
                "{{ child_name }}: достигнут лимит {{ limit_tiyin|som }} сум (потрачено {{ spent_tiyin|som }} сум).",
            ),
            (
                "{{ child_name }} reached the spending limit",
                "{{ child_name }} reached the {{ limit_tiyin|som }} UZS limit you set ({{ spent_tiyin|som }} UZS spent).",
            ),
        ],
        EventKind::OrderPlaced => &[
            (
                "Buyurtma №{{ order_id }} qabul qilindi",
                "Buyurtmangiz №{{ order_id }} qabul qilindi. Jami: {{ total_tiyin|som }} so'm.",
            ),
            (
                "Буюртма №{{ order_id }} қабул қилинди",
                "Буюртмангиз №{{ order_id }} қабул қилинди. Жами: {{ total_tiyin|som }} сўм.",
            ),
            (
                "Заказ №{{ order_id }} принят",
                "Ваш заказ №{{ order_id }} принят. Сумма: {{ total_tiyin|som }} сум.",
            ),
            (
                "Order #{{ order_id }} received",
                "We received your order #{{ order_id }}. Total: {{ total_tiyin|som }} UZS.",
            ),
        ],
        EventKind::OrderPaid => &[
            (
                "Buyurtma №{{ order_id }} to'landi",
                "Buyurtma №{{ order_id }} uchun {{ total_tiyin|som }} so'm to'lov qabul qilindi.",
            ),
            (
                "Буюртма №{{ order_id }} тўланди",
                "Буюртма №{{ order_id }} учун {{ total_tiyin|som }} сўм тўлов қабул қилинди.",
            ),
            (
                "Заказ №{{ order_id }} оплачен",
                "Оплата {{ total_tiyin|som }} сум по заказу №{{ order_id }} получена.",
            ),
            (
                "Order #{{ order_id }} paid",
                "We received your payment of {{ total_tiyin|som }} UZS for order #{{ order_id }}.",
            ),
        ],
        EventKind::OrderShipped => &[
            (
                "Buyurtma №{{ order_id }} jo'natildi",
                "Buyurtmangiz №{{ order_id }} jo'natildi.{% if tracking %} Kuzatuv raqami: {{ tracking }}.{% endif %}",
            ),
            (
                "Буюртма №{{ order_id }} жўнатилди",
                "Буюртмангиз №{{ order_id }} жўнатилди.{% if tracking %} Кузатув рақами: {{ tracking }}.{% endif %}",
            ),
            (
                "Заказ №{{ order_id }} отправлен",
                "Ваш заказ №{{ order_id }} отправлен.{% if tracking %} Трек-номер: {{ tracking }}.{% endif %}",
            ),
            (
                "Order #{{ order_id }} shipped",
                "Your order #{{ order_id }} is on its way.{% if tracking %} Tracking number: {{ tracking }}.{% endif %}",
            ),
        ],
        EventKind::OrderDelivered => &[
            (
                "Buyurtma №{{ order_id }} yetkazildi",
                "Buyurtmangiz №{{ order_id }} yetkazib berildi. Xaridingiz uchun rahmat!",
            ),
            (
                "Буюртма №{{ order_id }} етказилди",
                "Буюртмангиз №{{ order_id }} етказиб берилди. Харидингиз учун раҳмат!",
            ),
            (
                "Заказ №{{ order_id }} доставлен",
                "Ваш заказ №{{ order_id }} доставлен. Спасибо за покупку!",
            ),
            (
                "Order #{{ order_id }} delivered",
                "Your order #{{ order_id }} was delivered. Thank you for shopping with us!",
            ),
        ],
        EventKind::OrderRefunded => &[
            (
                "Buyurtma №{{ order_id }} bo'yicha pul qaytarildi",
                "Buyurtma №{{ order_id }} bo'yicha {{ amount_tiyin|som }} so'm qaytarildi.",
            ),
            (
                "Буюртма №{{ order_id }} бўйича пул қайтарилди",
                "Буюртма №{{ order_id }} бўйича {{ amount_tiyin|som }} сўм қайтарилди.",
            ),
            (
                "Возврат по заказу №{{ order_id }}",
                "По заказу №{{ order_id }} возвращено {{ amount_tiyin|som }} сум.",
            ),
            (
                "Refund for order #{{ order_id }}",
                "We refunded {{ amount_tiyin|som }} UZS for order #{{ order_id }}.",
            ),
        ],
        EventKind::ModerationDecision => &[
            (
                "«{{ product_name }}» moderatsiyadan {% if decision == 'approved' %}o'tdi{% else %}o'tmadi{% endif %}",
                "«{{ product_name }}» e'loni {% if decision == 'approved' %}tasdiqlandi va katalogda ko'rinadi{% else %}rad etildi{% endif %}.{% if reason %} Sabab: {{ reason }}.{% endif %}",
            ),
            (
                "«{{ product_name }}» модерациядан {% if decision == 'approved' %}ўтди{% else %}ўтмади{% endif %}",
                "«{{ product_name }}» эълони {% if decision == 'approved' %}тасдиқланди ва каталогда кўринади{% else %}рад этилди{% endif %}.{% if reason %} Сабаб: {{ reason }}.{% endif %}",
            ),
            (
                "«{{ product_name }}»: {% if decision == 'approved' %}одобрено{% else %}отклонено{% endif %} модерацией",
                "Объявление «{{ product_name }}» {% if decision == 'approved' %}одобрено и появится в каталоге{% else %}отклонено{% endif %}.{% if reason %} Причина: {{ reason }}.{% endif %}",
            ),
            (
                "“{{ product_name }}” {% if decision == 'approved' %}approved{% else %}rejected{% endif %} by moderation",
                "Your listing “{{ product_name }}” was {% if decision == 'approved' %}approved and is now in the catalogue{% else %}rejected{% endif %}.{% if reason %} Reason: {{ reason }}.{% endif %}",
            ),
        ],
        EventKind::ReviewHeld => &[
            (
                "Sharhingiz tekshiruvda",
                "«{{ product_name }}» haqidagi sharhingiz moderator tekshiruvidan so'ng e'lon qilinadi.",
            ),
            (
                "Шарҳингиз текширувда",
                "«{{ product_name }}» ҳақидаги шарҳингиз модератор текширувидан сўнг эълон қилинади.",
            ),
            (
                "Ваш отзыв на проверке",
                "Ваш отзыв о «{{ product_name }}» будет опубликован после проверки модератором.",
            ),
            (
                "Your review is being checked",
                "Your review of “{{ product_name }}” will be published after a moderator checks it.",
            ),
        ],
        EventKind::ReviewApproved => &[
            (
                "Sharhingiz e'lon qilindi",
                "«{{ product_name }}» haqidagi sharhingiz e'lon qilindi. Rahmat!",
            ),
            (
                "Шарҳингиз эълон қилинди",
                "«{{ product_name }}» ҳақидаги шарҳингиз эълон қилинди. Раҳмат!",
            ),
            (
                "Ваш отзыв опубликован",
                "Ваш отзыв о «{{ product_name }}» опубликован. Спасибо!",
            ),
            (
                "Your review is published",
                "Your review of “{{ product_name }}” is published. Thank you!",
            ),
        ],
        EventKind::SecurityAlert => &[
            (
                "bolajon: hisobingiz xavfsizligi",
                "Hisobingizda o'zgarish: {% if event == 'totp_enabled' %}ikki bosqichli himoya yoqildi{% elif event == 'totp_disabled' %}ikki bosqichli himoya o'chirildi{% elif event == 'password_changed' %}parol o'zgartirildi{% else %}barcha seanslar yakunlandi{% endif %}.\n\nAgar bu siz bo'lmasangiz, darhol parolingizni o'zgartiring.",
            ),
            (
                "bolajon: ҳисобингиз хавфсизлиги",
                "Ҳисобингизда ўзгариш: {% if event == 'totp_enabled' %}икки босқичли ҳимоя ёқилди{% elif event == 'totp_disabled' %}икки босқичли ҳимоя ўчирилди{% elif event == 'password_changed' %}парол ўзгартирилди{% else %}барча сеанслар якунланди{% endif %}.\n\nАгар бу сиз бўлмасангиз, дарҳол паролингизни ўзгартиринг.",
            ),
            (
                "bolajon: безопасность аккаунта",
                "Изменение в аккаунте: {% if event == 'totp_enabled' %}включена двухфакторная защита{% elif event == 'totp_disabled' %}отключена двухфакторная защита{% elif event == 'password_changed' %}изменён пароль{% else %}завершены все сеансы{% endif %}.\n\nЕсли это были не вы, немедленно смените пароль.",
            ),
            (
                "bolajon: account security",
                "A change on your account: {% if event == 'totp_enabled' %}two-factor authentication was turned on{% elif event == 'totp_disabled' %}two-factor authentication was turned off{% elif event == 'password_changed' %}your password was changed{% else %}all sessions were ended{% endif %}.\n\nIf this was not you, change your password now.",
            ),
        ],
        EventKind::Digest => &[
            (
                "bolajon: yangi mahsulotlar",
                "Siz uchun yangi mahsulotlar: {{ items|join(', ') }}.",
            ),
            (
                "bolajon: янги маҳсулотлар",
                "Сиз учун янги маҳсулотлар: {{ items|join(', ') }}.",
            ),
            (
                "bolajon: новинки",
                "Новинки для вас: {{ items|join(', ') }}.",
            ),
            (
                "bolajon: new arrivals",
                "New for you: {{ items|join(', ') }}.",
            ),
        ],
    }
}

/// Approve / decline labels per language.
const APPROVE: [&str; 4] = ["Ruxsat berish", "Рухсат бериш", "Разрешить", "Approve"];
const DECLINE: [&str; 4] = ["Rad etish", "Рад этиш", "Отклонить", "Decline"];
const FOOTER: [&str; 4] = [
    "bolajon — bolalar va ota-onalar uchun xavfsiz do'kon",
    "bolajon — болалар ва ота-оналар учун хавфсиз дўкон",
    "bolajon — безопасный магазин для детей и родителей",
    "bolajon — the safe shop for children and parents",
];

const HTML_LAYOUT: &str = include_str!("templates/layout.html");
const TEXT_LAYOUT: &str = include_str!("templates/layout.txt");

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_filter("som", som);
    // The layouts are checked by the unit tests; a broken one fails every render loudly.
    if let Err(error) = env.add_template("layout.html", HTML_LAYOUT) {
        tracing::error!(%error, "the html layout does not compile: {error}");
    }
    if let Err(error) = env.add_template("layout.txt", TEXT_LAYOUT) {
        tracing::error!(%error, "the text layout does not compile: {error}");
    }
    env
});

/// Formats an amount in tiyin as so'm with grouped thousands: 125000050 → "1 250 000.50".
pub fn format_som(tiyin: i64) -> String {
    let sign = if tiyin < 0 { "-" } else { "" };
    let magnitude = tiyin.unsigned_abs();
    let (som, rest) = (magnitude / 100, magnitude % 100);
    let digits = som.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    if rest == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{rest:02}")
    }
}

fn som(value: Value) -> Result<String, minijinja::Error> {
    let tiyin = i64::try_from(value.clone()).map_err(|_| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("{value} is not an amount in tiyin"),
        )
    })?;
    Ok(format_som(tiyin))
}

fn language_index(language: Language) -> usize {
    match language {
        Language::UzLatn => 0,
        Language::UzCyrl => 1,
        Language::Ru => 2,
        Language::En => 3,
    }
}

fn checked_url(payload: &serde_json::Value, field: &str) -> Result<String, String> {
    let url = payload
        .get(field)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("{field} is a string"))?;
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.len() > 2000
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!("{field} is an http(s) url"));
    }
    Ok(url.to_owned())
}

fn check_values(kind: EventKind, payload: &serde_json::Value) -> Result<(), String> {
    let text = |field: &str| payload.get(field).and_then(serde_json::Value::as_str);
    match kind {
        EventKind::ModerationDecision => match text("decision") {
            Some("approved" | "rejected") => Ok(()),
            _ => Err("decision is approved or rejected".to_owned()),
        },
        EventKind::SecurityAlert => match text("event") {
            Some("totp_enabled" | "totp_disabled" | "password_changed" | "sessions_revoked") => {
                Ok(())
            }
            _ => Err(
                "event is totp_enabled, totp_disabled, password_changed or sessions_revoked"
                    .to_owned(),
            ),
        },
        EventKind::Digest => match payload.get("items").and_then(serde_json::Value::as_array) {
            Some(items) if !items.is_empty() && items.iter().all(serde_json::Value::is_string) => {
                Ok(())
            }
            _ => Err("items is a non-empty array of product names".to_owned()),
        },
        EventKind::Otp
        | EventKind::PurchaseRequest
        | EventKind::LimitReached
        | EventKind::OrderPlaced
        | EventKind::OrderPaid
        | EventKind::OrderShipped
        | EventKind::OrderDelivered
        | EventKind::OrderRefunded
        | EventKind::ReviewHeld
        | EventKind::ReviewApproved => Ok(()),
    }
}

/// Renders `kind` in `language` over `payload`. An error names what is wrong with the payload.
pub fn render(
    kind: EventKind,
    language: Language,
    payload: &serde_json::Value,
) -> Result<Rendered, String> {
    check_values(kind, payload)?;
    let index = language_index(language);
    let (subject_src, body_src) = texts(kind)[index];
    let context = Value::from_serialize(payload);
    let subject = ENV
        .render_str(subject_src, &context)
        .map_err(|error| format!("{kind} subject: {error}"))?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = ENV
        .render_str(body_src, &context)
        .map_err(|error| format!("{kind} body: {error}"))?;
    let paragraphs: Vec<String> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let actions = match kind {
        EventKind::PurchaseRequest => vec![
            Action {
                label: APPROVE[index].to_owned(),
                url: checked_url(payload, "approve_url")?,
            },
            Action {
                label: DECLINE[index].to_owned(),
                url: checked_url(payload, "decline_url")?,
            },
        ],
        _ => Vec::new(),
    };
    let layout_context = minijinja::context! {
        lang => language.tag(),
        subject => &subject,
        paragraphs => &paragraphs,
        actions => &actions,
        footer => FOOTER[index],
    };
    let html = ENV
        .get_template("layout.html")
        .and_then(|t| t.render(&layout_context))
        .map_err(|error| format!("html layout: {error}"))?;
    let text = ENV
        .get_template("layout.txt")
        .and_then(|t| t.render(&layout_context))
        .map_err(|error| format!("text layout: {error}"))?;
    let mut sms = paragraphs.join(" ");
    for action in &actions {
        sms.push_str(&format!("\n{}: {}", action.label, action.url));
    }
    Ok(Rendered {
        summary: paragraphs.first().cloned().unwrap_or_default(),
        url: actions.first().map(|action| action.url.clone()),
        subject,
        text,
        html,
        sms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample(kind: EventKind) -> serde_json::Value {
        match kind {
            EventKind::Otp => json!({"code": "482913", "minutes": 5}),
            EventKind::PurchaseRequest => json!({
                "child_name": "Aziz", "product_name": "Lego <City>", "price_tiyin": 25_000_000,
                "approve_url": "https://bolajon.uz/a?t=1&x=2", "decline_url": "https://bolajon.uz/d?t=1"
            }),
            EventKind::LimitReached => {
                json!({"child_name": "Aziz", "limit_tiyin": 10_000_000, "spent_tiyin": 9_950_050})
            }
            EventKind::OrderPlaced | EventKind::OrderPaid => {
                json!({"order_id": 42, "total_tiyin": 125_000_050})
            }
            EventKind::OrderShipped => json!({"order_id": 42, "tracking": "UZ123"}),
            EventKind::OrderDelivered => json!({"order_id": 42}),
            EventKind::OrderRefunded => json!({"order_id": 42, "amount_tiyin": 500_000}),
            EventKind::ModerationDecision => {
                json!({"product_name": "Ayiqcha", "decision": "rejected", "reason": "rasm"})
            }
            EventKind::ReviewHeld | EventKind::ReviewApproved => json!({"product_name": "Ayiqcha"}),
            EventKind::SecurityAlert => json!({"event": "totp_disabled"}),
            EventKind::Digest => json!({"items": ["Ayiqcha", "Kitob"]}),
        }
    }

    #[test]
    fn every_kind_renders_in_every_language() {
        for kind in EventKind::ALL {
            for language in Language::ALL {
                let rendered = render(kind, language, &sample(kind))
                    .unwrap_or_else(|error| panic!("{kind} {language:?}: {error}"));
                assert!(!rendered.subject.is_empty());
                assert!(
                    rendered
                        .html
                        .contains(&format!("lang=\"{}\"", language.tag()))
                );
                assert!(rendered.text.contains(&rendered.summary));
                assert!(!rendered.sms.is_empty());
                assert!(!rendered.subject.contains("{{") && !rendered.text.contains("{{"));
            }
        }
    }

    #[test]
    fn languages_differ_and_money_is_in_som() {
        let payload = sample(EventKind::OrderPaid);
        let uz = render(EventKind::OrderPaid, Language::UzLatn, &payload).unwrap();
        let cyrl = render(EventKind::OrderPaid, Language::UzCyrl, &payload).unwrap();
        let ru = render(EventKind::OrderPaid, Language::Ru, &payload).unwrap();
        let en = render(EventKind::OrderPaid, Language::En, &payload).unwrap();
        assert!(uz.text.contains("1 250 000.50 so'm"), "{}", uz.text);
        assert!(cyrl.text.contains("тўлов"));
        assert!(ru.text.contains("Оплата 1 250 000.50 сум"));
        assert!(en.text.contains("1 250 000.50 UZS"));
        assert_eq!(format_som(-5), "-0.05");
        assert_eq!(format_som(100_000), "1 000");
    }

    #[test]
    fn html_escapes_payload_and_links_are_checked() {
        let payload = sample(EventKind::PurchaseRequest);
        let rendered = render(EventKind::PurchaseRequest, Language::En, &payload).unwrap();
        assert!(rendered.html.contains("Lego &lt;City&gt;"));
        assert!(!rendered.html.contains("<City>"));
        // minijinja escapes `/` too (`&#x2f;`), which HTML decodes back.
        assert!(
            rendered
                .html
                .contains("href=\"https:&#x2f;&#x2f;bolajon.uz&#x2f;a?t=1&amp;x=2\"")
        );
        assert!(
            rendered
                .sms
                .contains("Approve: https://bolajon.uz/a?t=1&x=2")
        );
        let mut bad = payload.clone();
        bad["approve_url"] = json!("javascript:alert(1)");
        assert!(render(EventKind::PurchaseRequest, Language::En, &bad).is_err());
        let mut bad = sample(EventKind::ModerationDecision);
        bad["decision"] = json!("maybe");
        assert!(render(EventKind::ModerationDecision, Language::Ru, &bad).is_err());
        assert!(
            render(
                EventKind::OrderPaid,
                Language::En,
                &json!({"order_id": 1, "total_tiyin": "x"})
            )
            .is_err()
        );
    }
}
