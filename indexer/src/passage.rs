//! The passage each product is embedded as, and filling documents' embeddings.
//!
//! One vector per product, whatever languages it is written in: multilingual-e5 maps an Uzbek,
//! a Russian and an English description of one toy close together, so the passage holds every
//! title the product has (in a fixed language order), its brand and category, then the first
//! description. It is cut at [`MAX_PASSAGE_CHARS`] characters: the start of a listing says
//! what it is, and short passages keep indexing fast on 2 cores.

use engine::{Lang, ProductDoc};
use models::{Embedder, TextKind};

/// Longest passage embedded, in characters (about 100 tokens).
pub const MAX_PASSAGE_CHARS: usize = 400;

/// Texts embedded per call, so progress is reported and memory stays flat.
const EMBED_BATCH: usize = 64;

/// Returns the passage `doc` is embedded as.
pub fn passage_text(doc: &ProductDoc) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for lang in Lang::ALL {
        if let Some(title) = doc.titles.get(lang)
            && !parts.contains(&title)
        {
            parts.push(title);
        }
    }
    let mut passage = parts.join(" / ");
    let context: Vec<&str> = std::iter::once(doc.brand.as_str())
        .chain(doc.category_names.first().map(String::as_str))
        .filter(|text| !text.is_empty())
        .collect();
    if !context.is_empty() {
        passage.push_str(" (");
        passage.push_str(&context.join(", "));
        passage.push(')');
    }
    if let Some(description) = Lang::ALL
        .into_iter()
        .find_map(|lang| doc.descriptions.get(lang))
    {
        passage.push_str(". ");
        passage.push_str(description);
    }
    match passage.char_indices().nth(MAX_PASSAGE_CHARS) {
        Some((cut, _)) => passage[..cut].to_owned(),
        None => passage,
    }
}

/// Fills the embedding of every document in `docs` that has none, with `embedder` (passage
/// kind), batch by batch; `progress` hears the number done so far. A document whose passage
/// cannot be embedded keeps `None` and stays out of semantic retrieval only.
pub fn embed_passages<'a>(
    embedder: &dyn Embedder,
    docs: impl IntoIterator<Item = &'a mut ProductDoc>,
    progress: &dyn Fn(usize),
) -> models::Result<usize> {
    let mut docs: Vec<&mut ProductDoc> = docs.into_iter().collect();
    let mut done = 0;
    let missing: Vec<(usize, String)> = docs
        .iter()
        .enumerate()
        .filter(|(_, doc)| doc.embedding.is_none())
        .map(|(i, doc)| (i, passage_text(doc)))
        .filter(|(_, passage)| !passage.trim().is_empty())
        .collect();
    for chunk in missing.chunks(EMBED_BATCH) {
        let refs: Vec<&str> = chunk.iter().map(|(_, passage)| passage.as_str()).collect();
        let vectors = embedder.embed(TextKind::Passage, &refs)?;
        for ((i, _), vector) in chunk.iter().zip(vectors) {
            docs[*i].embedding = Some(vector);
        }
        done += chunk.len();
        progress(done);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::{Localized, ModerationStatus, ProductId};

    fn doc(id: u64, uz: Option<&str>, ru: Option<&str>) -> ProductDoc {
        ProductDoc {
            id: ProductId(id),
            titles: Localized {
                uz: uz.map(str::to_owned),
                ru: ru.map(str::to_owned),
                ..Localized::default()
            },
            descriptions: Localized {
                ru: Some("Мягкая игрушка для малышей. ".repeat(40)),
                ..Localized::default()
            },
            brand: "Bolajon".to_owned(),
            brand_id: 1,
            category_id: 2,
            category_path: vec![1, 2],
            category_names: vec!["O'yinchoqlar".to_owned()],
            seller_id: 1,
            age_min_months: 0,
            age_max_months: 60,
            price_tiyin: 100,
            in_stock: true,
            rating: 0.0,
            rating_count: 0,
            popularity: 0,
            created_at: 0,
            skus: Vec::new(),
            image_url: None,
            status: ModerationStatus::Approved,
            embedding: None,
        }
    }

    #[test]
    fn the_passage_holds_every_title_then_context_and_is_bounded() {
        let passage = passage_text(&doc(1, Some("Yumshoq ayiqcha"), Some("Плюшевый мишка")));
        assert!(
            passage.starts_with("Yumshoq ayiqcha / Плюшевый мишка (Bolajon, O'yinchoqlar). Мягкая")
        );
        assert_eq!(passage.chars().count(), MAX_PASSAGE_CHARS);
    }

    #[test]
    fn embedding_fills_only_missing_vectors_and_skips_empty_passages() {
        let embedder = models::HashingEmbedder::new(16);
        let mut empty = doc(3, None, None);
        empty.brand.clear();
        empty.category_names.clear();
        empty.descriptions = Localized::default();
        let mut kept = doc(2, Some("Qo'g'irchoq"), None);
        kept.embedding = Some(vec![1.0; 16]);
        let mut docs = vec![doc(1, Some("Ayiqcha"), None), kept, empty];
        let done = embed_passages(&embedder, &mut docs, &|_| {}).unwrap();
        assert_eq!(done, 1);
        assert_eq!(docs[0].embedding.as_ref().map(Vec::len), Some(16));
        assert_eq!(docs[1].embedding, Some(vec![1.0; 16]));
        assert!(docs[2].embedding.is_none());
    }
}
