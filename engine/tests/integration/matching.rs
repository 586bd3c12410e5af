//! Matching: transliteration, apostrophes, typos, stemming, prefixes, SKUs.

use crate::support::{engine_with, product, search, search_ids};
use engine::Engine;

fn catalogue() -> Engine {
    engine_with(vec![
        product(1).title_uz("Qoʻgʻirchoq Malika").build(),
        product(2).only_title_uz_cyrl("Юмшоқ ўйинчоқ айиқ").build(),
        product(3).only_title_ru("Машинка гоночная красная").build(),
        product(4).title_uz("Konstruktor LEGO City").build(),
        product(5).only_title_ru("Кукла Барби").build(),
        product(6).title_en("Jigsaw puzzle 500 pieces").build(),
        product(7).title_en("Toy car with remote").build(),
        product(8)
            .title_uz("Rangli qalamlar")
            .sku("AB-1234/x")
            .build(),
        product(9)
            .title_uz("Sovgʻa toʻplami")
            .title_uz_cyrl("Совға тўплами")
            .build(),
    ])
}

#[test]
fn latin_query_finds_latin_doc_with_every_apostrophe_variant() {
    let engine = catalogue();
    for query in [
        "qo'g'irchoq",
        "qoʻgʻirchoq",
        "qoʼgʼirchoq",
        "qo‘g‘irchoq",
        "qo’g’irchoq",
        "qo`g`irchoq",
        "QOGIRCHOQ",
        "қўғирчоқ",
    ] {
        assert_eq!(search_ids(&engine, query), vec![1], "{query}");
    }
}

#[test]
fn latin_query_finds_cyrillic_doc_and_back() {
    let engine = catalogue();
    for query in [
        "yumshoq o'yinchoq",
        "yumshoq oʻyinchoq",
        "ayiq",
        "юмшоқ ўйинчоқ",
    ] {
        assert_eq!(search_ids(&engine, query), vec![2], "{query}");
    }
    // A product with both scripts matches once, from either script.
    assert_eq!(search_ids(&engine, "совға"), vec![9]);
    assert_eq!(search_ids(&engine, "sovg'a to'plam"), vec![9]);
    // Russian typed in Latin transliteration also meets the Cyrillic title.
    assert_eq!(search_ids(&engine, "kukla barbi"), vec![5]);
}

#[test]
fn typos_are_tolerated_by_word_length() {
    let engine = catalogue();
    assert_eq!(search_ids(&engine, "konstruktr"), vec![4]);
    assert_eq!(search_ids(&engine, "kosntruktor"), vec![4], "transposition");
    assert_eq!(search_ids(&engine, "куккла"), vec![5]);
    // Four letters get no typo: "kula" is not "kukla".
    assert!(search_ids(&engine, "kula").is_empty());
}

#[test]
fn russian_and_english_morphology_match() {
    let engine = catalogue();
    assert_eq!(search_ids(&engine, "машинки"), vec![3]);
    assert_eq!(search_ids(&engine, "красные машинки"), vec![3]);
    assert_eq!(search_ids(&engine, "puzzles"), vec![6]);
    assert_eq!(search_ids(&engine, "cars"), vec![7]);
    assert_eq!(search_ids(&engine, "qalam "), vec![8], "uzbek plural -lar");
}

#[test]
fn last_word_matches_as_you_type() {
    let engine = catalogue();
    assert_eq!(search_ids(&engine, "konst"), vec![4]);
    assert_eq!(search_ids(&engine, "lego kon"), vec![4]);
    assert_eq!(
        search_ids(&engine, "конст"),
        vec![4],
        "cyrillic prefix of a latin word"
    );
    // A finished word (followed by a space) is not a prefix any more.
    assert!(search_ids(&engine, "konst ").is_empty());
}

#[test]
fn all_words_must_match_before_relaxing() {
    let engine = catalogue();
    // Both words match product 4 only; "city" alone would not narrow it.
    assert_eq!(search_ids(&engine, "lego city"), vec![4]);
    // No product has both words: the search relaxes and still answers.
    let relaxed = search_ids(&engine, "lego barbi");
    assert_eq!(relaxed.len(), 2);
    assert!(relaxed.contains(&4) && relaxed.contains(&5));
}

#[test]
fn stop_words_are_optional() {
    let engine = catalogue();
    assert_eq!(search_ids(&engine, "машинка для"), vec![3]);
    assert_eq!(search_ids(&engine, "puzzle for kids"), vec![6]);
}

#[test]
fn exact_sku_matches() {
    let engine = catalogue();
    assert_eq!(search_ids(&engine, "AB-1234/x"), vec![8]);
    assert_eq!(search_ids(&engine, "  ab-1234/X "), vec![8]);
    assert!(search_ids(&engine, "AB-1234").is_empty());
}

#[test]
fn empty_query_browses_everything_and_symbols_find_nothing() {
    let engine = catalogue();
    assert_eq!(search(&engine, "").total, 9);
    assert_eq!(search(&engine, "   ").total, 9);
    for query in ["!!!", "***???", "\"'`", "-- ++ ()", "🧸🧸"] {
        let results = search(&engine, query);
        assert_eq!(results.total, 0, "{query}");
        assert!(results.hits.is_empty());
    }
}
