//! The page shell: skip link, header (logo, cart, orders, sign-in or sign-out), the search bar
//! with as-you-type suggestions, the main region and the language switcher.

use super::assets::{SCRIPT, STYLESHEET};
use super::i18n::{T, UiLang};
use super::session::{Web, csrf_field};
use maud::{DOCTYPE, Markup, html};

/// Ages offered in the "who is it for" selectors, in months.
pub const AGE_CHOICES: [u16; 12] = [3, 6, 12, 24, 36, 48, 60, 84, 108, 132, 168, 204];
/// The age a page assumes until the visitor picks one (5 years).
pub const DEFAULT_AGE_MONTHS: u16 = 60;

/// Formats an age in months for people (`6 oylik`, `5 yosh`).
pub fn format_age(lang: UiLang, months: u16) -> String {
    if months < 24 {
        format!("{months} {}", lang.t(T::Months))
    } else {
        format!("{} {}", months / 12, lang.t(T::Years))
    }
}

/// Formats an age range in months for people (`3–6 yosh`, `6–18 oylik`).
pub fn format_age_range(lang: UiLang, min: u16, max: u16) -> String {
    if max < 24 {
        format!("{min}–{max} {}", lang.t(T::Months))
    } else {
        format!("{}–{} {}", min / 12, max / 12, lang.t(T::Years))
    }
}

/// Formats tiyin as so'm with thin spaces between thousands (`12 500 so‘m`).
pub fn format_som(lang: UiLang, tiyin: i64) -> String {
    let som = tiyin / 100;
    let digits = som.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    let sign = if som < 0 { "-" } else { "" };
    format!("{sign}{grouped}\u{a0}{}", lang.t(T::Som))
}

/// Returns `path_and_query` with `lang` set to `lang` (other parameters kept).
pub fn with_lang(path_and_query: &str, lang: UiLang) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    let lang_pair = format!("lang={}", lang.code());
    pairs.push(&lang_pair);
    format!("{path}?{}", pairs.join("&"))
}

/// The search form of the header: query (with the suggestions listbox the script fills) and
/// the child's age.
pub fn search_bar(web: &Web, query: &str, age_months: u16) -> Markup {
    html! {
        form.searchbar action="/search" method="get" role="search" {
            div.combo {
                label.visually-hidden for="q" { (web.t(T::Search)) }
                input #q type="search" name="q" value=(query) maxlength="200"
                    placeholder=(web.t(T::SearchPlaceholder)) autocomplete="off"
                    role="combobox" aria-autocomplete="list" aria-expanded="false"
                    aria-controls="suggestions" data-lang=(web.lang.code());
                ul #suggestions role="listbox" aria-label=(web.t(T::Suggestions)) hidden {}
            }
            label.visually-hidden for="age" { (web.t(T::ChildAge)) }
            select #age name="age_months" {
                @for months in AGE_CHOICES {
                    option value=(months) selected[months == age_months] { (format_age(web.lang, months)) }
                }
            }
            button type="submit" { (web.t(T::SearchButton)) }
        }
    }
}

// dash: the dashboard of a staff role, for the header.
fn dashboard_link(role: crate::auth::Role) -> Option<(&'static str, T)> {
    match role {
        crate::auth::Role::Seller => Some(("/seller", T::SellerDashboard)),
        crate::auth::Role::Moderator => Some(("/admin/moderation", T::ModerationQueue)),
        crate::auth::Role::Admin => Some(("/admin", T::AdminDashboard)),
        crate::auth::Role::Parent | crate::auth::Role::Child => None,
    }
}

/// Wraps `body` in the page shell.
pub fn layout(web: &Web, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(web.lang.html_lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — bolajon" }
                meta name="description" content=(web.t(T::SiteTagline));
                meta name="theme-color" content="#1f6f43";
                link rel="stylesheet" href=(STYLESHEET.path());
                // kids: the installable app (manifest, icons, the PWA script).
                link rel="manifest" href="/manifest.webmanifest";
                link rel="icon" type="image/png" sizes="192x192" href=(super::pwa::ICON_192.path());
                link rel="apple-touch-icon" href=(super::pwa::ICON_192.path());
                script src=(SCRIPT.path()) defer {}
                script src=(super::assets::PWA_SCRIPT.path()) defer {}
            }
            // kids: the "safe zone" look for a child.
            body class=[web.is_child().then_some("kids")] {
                a.skip href="#main" { (web.t(T::SkipToContent)) }
                @if web.is_child() {
                    header.top {
                        a.logo href="/kids" aria-label={ "bolajon — " (web.t(T::KidsMode)) } { "bolajon" }
                    }
                } @else {
                header.top {
                    a.logo href="/" aria-label={ "bolajon — " (web.t(T::HomeLink)) } { "bolajon" }
                    nav.account aria-label=(web.t(T::Account)) {
                        a href="/cart" { (web.t(T::Cart)) }
                        @if let Some(user) = &web.user {
                            // dash: staff reach their dashboard from every page.
                            @if let Some((href, label)) = dashboard_link(user.role) {
                                a href=(href) { (web.t(label)) }
                            }
                            a href="/orders" { (web.t(T::Orders)) }
                            form.inline action="/signout" method="post" {
                                (csrf_field(web))
                                button.link type="submit" { (web.t(T::SignOut)) }
                            }
                        } @else {
                            a href="/signin" { (web.t(T::SignIn)) }
                        }
                        // kids:
                        @if web.user.as_ref().is_some_and(|user| user.role == crate::auth::Role::Parent) {
                            a href="/parent" { (web.t(T::ParentPanel)) }
                        }
                    }
                }
                }
                main #main tabindex="-1" { (body) }
                footer {
                    nav.langs aria-label=(web.t(T::Language)) {
                        ul {
                            @for lang in UiLang::ALL {
                                li {
                                    @if lang == web.lang {
                                        a href=(with_lang(&web.path_and_query, lang)) lang=(lang.html_lang()) hreflang=(lang.html_lang()) aria-current="true" { (lang.own_name()) }
                                    } @else {
                                        a href=(with_lang(&web.path_and_query, lang)) lang=(lang.html_lang()) hreflang=(lang.html_lang()) { (lang.own_name()) }
                                    }
                                }
                            }
                        }
                    }
                    // kids: the shopper's lists and the app's buttons (shown by the script).
                    @if !web.is_child() {
                        nav.more aria-label=(web.t(T::MoreLinks)) {
                            ul {
                                @if web.user.is_some() { li { a href="/wishlist" { (web.t(T::Wishlist)) } } }
                                li { a href="/recently-viewed" { (web.t(T::RecentlyViewed)) } }
                                li { a href="/kids" { (web.t(T::KidsMode)) } }
                            }
                        }
                        div.app-buttons {
                            button.secondary #install-app type="button" hidden { (web.t(T::InstallApp)) }
                            @if web.user.is_some() {
                                button.secondary #push-optin type="button" hidden data-done=(web.t(T::PushOn)) data-failed=(web.t(T::PushFailed)) { (web.t(T::EnablePush)) }
                                span #push-status role="status" {}
                            }
                        }
                    }
                    p { "bolajon — " (web.t(T::SiteTagline)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money_and_ages() {
        assert_eq!(
            format_som(UiLang::UzLatn, 1_250_000),
            "12\u{a0}500\u{a0}so‘m"
        );
        assert_eq!(format_som(UiLang::Ru, 9_900), "99\u{a0}сум");
        assert_eq!(
            format_som(UiLang::En, 100_000_000),
            "1\u{a0}000\u{a0}000\u{a0}so‘m"
        );
        assert_eq!(format_age_range(UiLang::UzLatn, 36, 72), "3–6 yosh");
        assert_eq!(format_age_range(UiLang::En, 6, 18), "6–18 months");
        assert_eq!(format_age(UiLang::UzCyrl, 60), "5 ёш");
    }

    #[test]
    fn language_links_keep_the_other_parameters() {
        assert_eq!(with_lang("/", UiLang::Ru), "/?lang=ru");
        assert_eq!(
            with_lang("/search?q=lego&lang=en&age_months=60", UiLang::UzCyrl),
            "/search?q=lego&age_months=60&lang=uz-Cyrl"
        );
    }
}
