//! No input makes a search panic or fail, other than by a clear invalid-request error.

use crate::support::{child, engine_with, product};
use engine::{Engine, Error, MAX_QUERY_CHARS, SearchRequest};
use proptest::prelude::*;
use std::sync::OnceLock;

fn shared_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        engine_with(vec![
            product(1)
                .title_uz("Qoʻgʻirchoq")
                .title_ru("Кукла")
                .sku("SKU-1")
                .build(),
            product(2)
                .title_en("LEGO City konstruktor")
                .description_uz("Ajoyib sovg'a")
                .build(),
            product(3).title_uz("!!! *** ???").build(),
        ])
    })
}

fn search_text(query: &str) -> Result<engine::SearchResults, Error> {
    let mut request = SearchRequest::new(query);
    request.highlight = true;
    shared_engine().search(child(), &request)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_query_within_the_limit_answers(query in proptest::collection::vec(any::<char>(), 0..=MAX_QUERY_CHARS)) {
        let query: String = query.into_iter().collect();
        let results = search_text(&query).unwrap();
        prop_assert!(results.hits.len() as u64 <= results.total);
    }

    #[test]
    fn punctuation_only_queries_find_nothing(query in "[ !-/:-@\\[-`{-~«»—–…„“”‹›¿¡]{1,200}") {
        prop_assume!(!query.trim().is_empty());
        let results = search_text(&query).unwrap();
        prop_assert_eq!(results.total, 0);
    }

    #[test]
    fn mixed_script_queries_answer(query in "[a-zA-Zа-яА-ЯўқғҳЎҚҒҲ'ʻʼ‘’` 0-9]{0,200}") {
        prop_assert!(search_text(&query).is_ok());
    }
}

#[test]
fn overlong_and_pathological_queries() {
    let too_long = "ab".repeat(MAX_QUERY_CHARS);
    assert!(matches!(
        search_text(&too_long),
        Err(Error::InvalidRequest(_))
    ));
    for query in [
        "a".repeat(MAX_QUERY_CHARS),
        "🧸".repeat(MAX_QUERY_CHARS),
        "\u{0301}".repeat(MAX_QUERY_CHARS),
        "ﷺ".repeat(MAX_QUERY_CHARS),
        "\0\u{FEFF}\u{200B}".to_string(),
        "title:foo AND (bar OR \"baz\"~2)^3 -qux *".to_string(),
        "x".repeat(64) + " " + &"y".repeat(100),
    ] {
        assert!(search_text(&query).is_ok(), "{query:?}");
    }
}
