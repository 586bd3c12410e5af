//! all-MiniLM-L6-v2 against Hugging Face's tokenizer and a numpy forward pass.

use models::minilm::MAX_TOKENS;
use models::{Embedder, TextKind};
use serde::Deserialize;

use crate::{cosine, minilm};

#[derive(Deserialize)]
struct Reference {
    dimension: usize,
    max_tokens: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    embedding: Option<Vec<f32>>,
}

/// Written by `models/reference/make_minilm_reference.py`.
fn reference() -> Reference {
    serde_json::from_str(include_str!("../../reference/minilm_reference.json")).unwrap()
}

#[test]
fn tokenizer_gives_the_reference_ids_without_fixed_padding() {
    let reference = reference();
    assert_eq!(reference.max_tokens, MAX_TOKENS);
    for case in &reference.cases {
        assert_eq!(
            minilm().tokenize(&case.text).unwrap(),
            case.ids,
            "{:?}",
            case.text
        );
    }
    // The shipped tokenizer.json pads to 128; a short text must stay short.
    assert!(reference.cases[0].ids.len() < 20);
    let long = reference
        .cases
        .iter()
        .find(|c| c.embedding.is_none())
        .unwrap();
    assert_eq!(long.ids.len(), MAX_TOKENS);
}

#[test]
fn embeddings_match_the_numpy_reference() {
    let reference = reference();
    let model = minilm();
    assert_eq!(model.dimension(), reference.dimension);
    let cases: Vec<&Case> = reference
        .cases
        .iter()
        .filter(|c| c.embedding.is_some())
        .collect();
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let batched = model.embed(TextKind::Passage, &texts).unwrap();
    let mut worst = 1f32;
    for (case, vector) in cases.iter().zip(&batched) {
        let single = &model.embed(TextKind::Query, &[&case.text]).unwrap()[0];
        let expected = case.embedding.as_ref().unwrap();
        for ours in [single, vector] {
            let c = cosine(ours, expected);
            assert!(c >= 0.9999, "{:?}: cosine {c}", case.text);
            worst = worst.min(c);
        }
    }
    eprintln!("{} sentences: min cosine {worst:.6} to numpy", cases.len());
}

#[test]
fn english_queries_find_english_products() {
    let model = minilm();
    let products = [
        "Red remote-control toy car for kids",
        "Soft plush teddy bear, 30 cm",
        "Stainless steel kitchen knife set, 5 pieces",
    ];
    let vectors = model.embed(TextKind::Passage, &products).unwrap();
    for (query, expected) in [
        ("toy car", 0),
        ("teddy bear plush", 1),
        ("knives for the kitchen", 2),
    ] {
        let q = &model.embed(TextKind::Query, &[query]).unwrap()[0];
        let best = (0..products.len())
            .max_by(|&a, &b| cosine(q, &vectors[a]).total_cmp(&cosine(q, &vectors[b])))
            .unwrap();
        assert_eq!(best, expected, "{query}");
    }
}
