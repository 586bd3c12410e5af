//! Highlighted titles and the fields of a hit.

use crate::support::{child, engine_with, product};
use engine::{Lang, SearchRequest};

fn first_highlight(engine: &engine::Engine, query: &str, lang: Lang) -> (String, Option<String>) {
    let mut request = SearchRequest::new(query);
    request.highlight = true;
    request.lang = lang;
    let results = engine.search(child(), &request).unwrap();
    let hit = results.hits.into_iter().next().expect("a hit");
    (hit.title, hit.title_highlight)
}

#[test]
fn html_in_titles_is_escaped() {
    let engine = engine_with(vec![
        product(1)
            .title_uz("<script>alert('x')</script> & \"Ayiq\"")
            .build(),
    ]);
    let (title, highlight) = first_highlight(&engine, "ayiq", Lang::Uz);
    assert_eq!(title, "<script>alert('x')</script> & \"Ayiq\"");
    assert_eq!(
        highlight.as_deref(),
        Some("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;<mark>Ayiq</mark>&quot;")
    );
}

#[test]
fn a_cyrillic_query_highlights_a_latin_title() {
    let engine = engine_with(vec![
        product(1).title_uz("Qoʻgʻirchoq va uning uyi").build(),
    ]);
    let (_, highlight) = first_highlight(&engine, "қўғирчоқ", Lang::Uz);
    assert_eq!(
        highlight.as_deref(),
        Some("<mark>Qoʻgʻirchoq</mark> va uning uyi")
    );
}

#[test]
fn the_title_follows_the_requested_language_with_fallback() {
    let engine = engine_with(vec![
        product(1)
            .title_uz("Yumshoq ayiq")
            .title_ru("Мягкий медведь")
            .image("/media/bear.svg")
            .build(),
    ]);
    let (title, highlight) = first_highlight(&engine, "медведь", Lang::Ru);
    assert_eq!(title, "Мягкий медведь");
    assert_eq!(highlight.as_deref(), Some("Мягкий <mark>медведь</mark>"));
    // No English title: falls back to Uzbek (first in fallback order).
    let (title, _) = first_highlight(&engine, "медведь", Lang::En);
    assert_eq!(title, "Yumshoq ayiq");
}

#[test]
fn hits_carry_the_stored_product_fields_and_no_highlight_unless_asked() {
    let engine = engine_with(vec![
        product(42)
            .title_uz("Ayiq")
            .brand(3, "Toys & Co")
            .category(&[1, 9])
            .seller(5)
            .ages(12, 48)
            .price(12_345_600)
            .in_stock(false)
            .rating(4.5, 17)
            .image("/media/a.svg")
            .build(),
    ]);
    let results = engine.search(crate::support::audience(24), &SearchRequest::new("ayiq"));
    let hit = &results.unwrap().hits[0];
    assert_eq!(hit.id.0, 42);
    assert_eq!(hit.title, "Ayiq");
    assert_eq!(hit.title_highlight, None);
    assert_eq!(hit.brand, "Toys & Co");
    assert_eq!(hit.category_id, 9);
    assert_eq!(hit.seller_id, 5);
    assert_eq!((hit.age_min_months, hit.age_max_months), (12, 48));
    assert_eq!(hit.price, 12_345_600);
    assert!(!hit.in_stock);
    assert_eq!((hit.rating, hit.rating_count), (4.5, 17));
    assert_eq!(hit.image_url.as_deref(), Some("/media/a.svg"));
}
