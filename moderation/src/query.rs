//! Screening of a young audience's search and suggestion requests (issue 5, item 4).
//!
//! A query is screened with the same lexicons and normalisation as a listing (leetspeak,
//! spacing, look-alike letters, zero-width characters, transliteration across the four
//! language forms), as if it were the text of a listing tagged for exactly the audience's age.
//! It is blocked when a content risk (sexual, drugs, alcohol, tobacco and vapes, weapons,
//! gambling, violence, self-harm, profanity) reaches the review threshold, or when it asks for
//! adults-only goods (`18+`, `faqat kattalar uchun`). Age hazards (small parts, balloons,
//! magnets) never block a query: the catalogue's age filter already keeps such products from
//! a young audience, and a parent searching balloons means no harm.
//!
//! The verdict says why (the strongest content category and the reasons); what the shopper is
//! told is the caller's business.

use crate::config::ScreeningConfig;
use crate::listing::{ListingInput, screen_listing_with};
use crate::{MAX_AGE_MONTHS, Reason, RiskCategory};

/// Reason codes of adults-only wording that block a young audience's query.
const ADULTS_ONLY_CODES: [&str; 3] = [
    "adult_text_child_age",
    "adult_audience_child_age",
    "adult_sexualised_listing",
];

/// What screening a query decided.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryVerdict {
    /// The query asks for something unsafe for the audience: show none of its results.
    pub blocked: bool,
    /// The strongest risk behind a block (`None` when not blocked).
    pub category: Option<RiskCategory>,
    /// The reasons that blocked it, strongest first (empty when not blocked).
    pub reasons: Vec<Reason>,
}

impl QueryVerdict {
    /// Returns the verdict of a query that is not blocked.
    pub fn allowed() -> Self {
        Self {
            blocked: false,
            category: None,
            reasons: Vec::new(),
        }
    }
}

/// Returns whether a reason's category is a content risk a young audience's query is blocked
/// for.
fn is_content_risk(category: RiskCategory) -> bool {
    match category {
        RiskCategory::Sexual
        | RiskCategory::Drugs
        | RiskCategory::Alcohol
        | RiskCategory::Tobacco
        | RiskCategory::Weapons
        | RiskCategory::Gambling
        | RiskCategory::Violence
        | RiskCategory::SelfHarm
        | RiskCategory::Profanity => true,
        RiskCategory::AgeSafety | RiskCategory::Unscreened => false,
    }
}

/// Screens the query of an audience aged `age_months` (a minor: callers screen adults' queries
/// only when the account is a child's, and then pass an age below adulthood) with the default
/// thresholds.
pub fn screen_query(query: &str, age_months: u16) -> QueryVerdict {
    screen_query_with(&ScreeningConfig::default(), query, age_months)
}

/// Screens a query with the given thresholds (see the module docs).
pub fn screen_query_with(config: &ScreeningConfig, query: &str, age_months: u16) -> QueryVerdict {
    if query.trim().is_empty() {
        return QueryVerdict::allowed();
    }
    let age = age_months.min(MAX_AGE_MONTHS);
    let verdict = screen_listing_with(
        config,
        &ListingInput {
            texts: vec![query],
            category_slug: "",
            age_min_months: age,
            age_max_months: age,
            classifiers: Vec::new(),
        },
    );
    let review = config.sanitized().review_threshold;
    let reasons: Vec<Reason> = verdict
        .reasons
        .into_iter()
        .filter(|reason| {
            reason.score >= review
                && (is_content_risk(reason.category)
                    || ADULTS_ONLY_CODES.contains(&reason.code.as_str()))
        })
        .collect();
    let category = reasons.first().map(|reason| {
        if is_content_risk(reason.category) {
            reason.category
        } else {
            RiskCategory::Sexual
        }
    });
    QueryVerdict {
        blocked: !reasons.is_empty(),
        category,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_queries_are_blocked_with_their_category() {
        let verdict = screen_query("elf bar vape", 96);
        assert!(verdict.blocked);
        assert_eq!(verdict.category, Some(RiskCategory::Tobacco));
        assert_eq!(
            screen_query("водка", 96).category,
            Some(RiskCategory::Alcohol)
        );
    }

    #[test]
    fn ordinary_and_hazard_queries_pass() {
        for query in ["lego konstruktor", "кукла", "", "   ", "havo sharlari"] {
            assert!(!screen_query(query, 18).blocked, "{query}");
        }
    }

    #[test]
    fn adults_only_wording_blocks() {
        let verdict = screen_query("o'yinlar 18+", 120);
        assert!(verdict.blocked, "{verdict:?}");
        assert_eq!(verdict.category, Some(RiskCategory::Sexual));
    }
}
