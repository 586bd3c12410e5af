//! Integration tests of the moderation crate: the listing table, evasion, invariants, and the
//! rules behind the blind check of the committed sample (adult audiences, small parts, false
//! alarms).

mod audience;
mod evasion;
mod false_alarms;
mod listings;
mod properties;
mod small_parts;

use moderation::{Decision, ListingInput, Verdict, screen_listing};

/// Screens one text version of a listing.
fn screen(texts: &[&str], slug: &str, age_min_months: u16, age_max_months: u16) -> Verdict {
    screen_listing(&ListingInput {
        texts: texts.to_vec(),
        category_slug: slug,
        age_min_months,
        age_max_months,
    })
}

/// Screens one text version of a listing and returns the decision.
fn decide(texts: &[&str], slug: &str, age_min_months: u16, age_max_months: u16) -> Decision {
    screen(texts, slug, age_min_months, age_max_months).decision
}
