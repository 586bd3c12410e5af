//! A table of realistic listings, each in Uzbek (Latin), Uzbek (Cyrillic), Russian and English.
//!
//! Every language version is screened on its own (title and description), so a term missing
//! from one lexicon shows up as a miss in that language.

mod benign_cases;
mod unsafe_cases;

use moderation::Decision;

use crate::screen;

/// What the table expects for a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Approve,
    Review,
    Reject,
}

impl Expect {
    fn decision(self) -> Decision {
        match self {
            Self::Approve => Decision::Approve,
            Self::Review => Decision::Review,
            Self::Reject => Decision::Reject,
        }
    }
}

/// One listing in four language versions (title, description).
pub struct Case {
    pub id: &'static str,
    pub slug: &'static str,
    /// Tagged ages in months: youngest, oldest.
    pub ages: (u16, u16),
    pub expect: Expect,
    pub uz: [&'static str; 2],
    pub uz_cyrl: [&'static str; 2],
    pub ru: [&'static str; 2],
    pub en: [&'static str; 2],
}

impl Case {
    fn versions(&self) -> [(&'static str, [&'static str; 2]); 4] {
        [
            ("uz", self.uz),
            ("uz_cyrl", self.uz_cyrl),
            ("ru", self.ru),
            ("en", self.en),
        ]
    }
}

fn all_cases() -> impl Iterator<Item = &'static Case> {
    unsafe_cases::UNSAFE
        .iter()
        .chain(benign_cases::BENIGN.iter())
}

/// Screens every language version and returns `(case, language, decision, reasons)`.
fn outcomes() -> Vec<(&'static Case, &'static str, Decision, String)> {
    let mut out = Vec::new();
    for case in all_cases() {
        for (language, texts) in case.versions() {
            let verdict = screen(&texts, case.slug, case.ages.0, case.ages.1);
            let reasons = verdict
                .reasons
                .iter()
                .map(|r| format!("{} {:.2} {}", r.code, r.score, r.evidence))
                .collect::<Vec<_>>()
                .join(" | ");
            out.push((case, language, verdict.decision, reasons));
        }
    }
    out
}

#[test]
fn table_is_large_enough() {
    assert!(unsafe_cases::UNSAFE.len() + benign_cases::BENIGN.len() >= 60);
    assert!(benign_cases::BENIGN.len() >= 30);
    let mut ids: Vec<&str> = all_cases().map(|c| c.id).collect();
    ids.sort_unstable();
    let total = ids.len();
    ids.dedup();
    assert_eq!(total, ids.len(), "duplicate case ids");
}

#[test]
fn every_language_version_gets_the_expected_decision() {
    let failures: Vec<String> = outcomes()
        .into_iter()
        .filter(|(case, _, decision, _)| *decision != case.expect.decision())
        .map(|(case, language, decision, reasons)| {
            format!(
                "{} [{language}]: expected {:?}, got {decision:?} ({reasons})",
                case.id, case.expect
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn whole_listings_with_all_languages_get_the_expected_decision() {
    for case in all_cases() {
        let texts: Vec<&str> = case.versions().iter().flat_map(|(_, t)| *t).collect();
        let verdict = screen(&texts, case.slug, case.ages.0, case.ages.1);
        assert_eq!(
            verdict.decision,
            case.expect.decision(),
            "{}: {:?}",
            case.id,
            verdict.reasons
        );
    }
}

/// Prints recall (unsafe listings not approved) and false-positive rate (benign listings not
/// approved) per language; run with `--nocapture` to see them.
#[test]
fn recall_and_false_positive_rate() {
    let outcomes = outcomes();
    let mut lines = Vec::new();
    for language in ["uz", "uz_cyrl", "ru", "en", "all"] {
        let selected = outcomes
            .iter()
            .filter(|(_, l, _, _)| language == "all" || *l == language);
        let (mut unsafe_total, mut caught, mut exact, mut benign_total, mut false_alarms) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        for (case, _, decision, _) in selected {
            if case.expect == Expect::Approve {
                benign_total += 1;
                false_alarms += usize::from(*decision != Decision::Approve);
            } else {
                unsafe_total += 1;
                caught += usize::from(*decision != Decision::Approve);
                exact += usize::from(*decision == case.expect.decision());
            }
        }
        let recall = caught as f64 / unsafe_total.max(1) as f64;
        let fpr = false_alarms as f64 / benign_total.max(1) as f64;
        lines.push(format!(
            "{language:8} recall {caught}/{unsafe_total} = {recall:.3} (exact decision {exact}/{unsafe_total}), \
             false positives {false_alarms}/{benign_total} = {fpr:.3}"
        ));
        if language == "all" {
            assert!(recall >= 0.95, "recall {recall:.3}");
            assert!(fpr <= 0.05, "false-positive rate {fpr:.3}");
        }
    }
    println!("{}", lines.join("\n"));
}
