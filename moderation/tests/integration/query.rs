//! Query screening for young audiences (issue 5, item 4): unsafe intent in every lexicon
//! category and language form is blocked, evasions too, and the kids' golden queries are not.

use moderation::{RiskCategory, screen_query};

use RiskCategory::{
    Alcohol, Drugs, Gambling, Profanity, SelfHarm, Sexual, Tobacco, Violence, Weapons,
};

/// (query, category), for a child of 8 years.
const UNSAFE: &[(&str, RiskCategory)] = &[
    // Sexual.
    ("porno", Sexual),
    ("порно видео", Sexual),
    ("sex toys", Sexual),
    ("шаҳвоний расмлар", Sexual),
    ("seks o'yinchoqlar", Sexual),
    // Drugs.
    ("marixuana sotib olish", Drugs),
    ("купить марихуану", Drugs),
    ("cocaine", Drugs),
    ("наркотики", Drugs),
    ("гашиш", Drugs),
    // Alcohol.
    ("vodka", Alcohol),
    ("водка", Alcohol),
    ("пиво", Alcohol),
    ("beer", Alcohol),
    ("pivo", Alcohol),
    // Tobacco and vapes.
    ("vape", Tobacco),
    ("вейп", Tobacco),
    ("elektron sigaret", Tobacco),
    ("электрон сигарет", Tobacco),
    ("кальян", Tobacco),
    // Weapons.
    ("kastet", Weapons),
    ("кастет", Weapons),
    ("brass knuckles", Weapons),
    ("ov pichog'i", Weapons),
    ("ов пичоғи", Weapons),
    // Gambling.
    ("kazino", Gambling),
    ("казино", Gambling),
    ("online casino", Gambling),
    ("ставки на спорт", Gambling),
    ("pulga tikish", Gambling),
    // Violence.
    ("как сделать бомбу", Violence),
    ("how to make a bomb", Violence),
    ("bomba yasash", Violence),
    ("бомба ясаш", Violence),
    ("school shooting", Violence),
    // Self-harm.
    ("o'z joniga qasd qilish", SelfHarm),
    ("ўз жонига қасд қилиш", SelfHarm),
    ("как покончить с собой", SelfHarm),
    ("how to kill myself", SelfHarm),
    ("суицид", SelfHarm),
    // Profanity.
    ("блять", Profanity),
    ("fuck", Profanity),
    ("сука", Profanity),
    ("shit", Profanity),
];

/// The same intents written to slip past a filter.
const EVASIVE: &[&str] = &[
    "v4pe",
    "v a p e",
    "ва\u{200B}йп",
    "vоdkа",
    "k@st3t",
    "p0rn0",
    "к.а.з.и.н.о",
    "ｖａｐｅ",
    "bl@ть",
    "💨 vape 💨",
];

#[test]
fn unsafe_intent_is_blocked_in_every_category_and_language_form() {
    let mut failures = Vec::new();
    for (query, category) in UNSAFE {
        let verdict = screen_query(query, 96);
        if !verdict.blocked || verdict.category != Some(*category) {
            failures.push(format!(
                "{query}: blocked {} as {:?}",
                verdict.blocked, verdict.category
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn evasions_are_blocked_too() {
    for query in EVASIVE {
        assert!(screen_query(query, 96).blocked, "{query}");
    }
}

#[test]
fn every_age_below_adulthood_is_screened_the_same_way() {
    for age in [0, 36, 96, 156, 215] {
        assert!(screen_query("водка", age).blocked, "{age}");
        assert!(!screen_query("konstruktor", age).blocked, "{age}");
    }
}

#[test]
fn toy_context_and_harmless_phrases_are_not_blocked() {
    for query in [
        "suv pistoleti",
        "water gun",
        "игрушечный пистолет",
        "платье винного цвета",
        "o'yinchoq qilich",
        "plastic sword",
        "konstruktor lego",
        "кукла барби",
        "китоб эртаклар",
        "shashka va shaxmat",
        "havo sharlari",
        "детские ножницы",
    ] {
        let verdict = screen_query(query, 96);
        assert!(!verdict.blocked, "{query}: {verdict:?}");
    }
}

/// Every query of the kids' golden set (258 real shopper queries in all four forms) passes.
#[test]
fn the_golden_kids_queries_are_not_blocked() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/golden/queries.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut checked = 0;
    let mut blocked = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let columns: Vec<&str> = line.split('\t').collect();
        let (Some(age), Some(query)) = (columns.get(3), columns.get(4)) else {
            continue;
        };
        let Ok(age) = age.parse::<u16>() else {
            continue;
        };
        checked += 1;
        let verdict = screen_query(query, age.min(215));
        if verdict.blocked {
            blocked.push(format!("{query} ({age}): {:?}", verdict.reasons));
        }
    }
    assert!(checked >= 250, "only {checked} golden queries read");
    assert!(blocked.is_empty(), "{blocked:#?}");
}
