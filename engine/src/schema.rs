//! The index schema: which field holds what, and how a [`ProductDoc`] becomes a tantivy document.
//!
//! Text is indexed three ways (see `analysis`): `*_folded` (exact and typo matching),
//! stems (morphology) and `*_prefix` edge n-grams (as-you-type), the first and last for titles
//! and attributes only: descriptions are matched by stem alone (an exact word also shares its
//! stem, and typos or prefixes in long free text find more noise than products).
//! Stems depend on the text's language, which the product gives for titles and descriptions:
//! Uzbek values (either script) go to `*_stem_uz` (suffix stripping, identical for both
//! scripts), Russian and English values to `*_stem` (Snowball). Brand and category names have
//! no language and get both stems in `attrs_stem`.
//!
//! Titles, the "attributes" (brand and category names) and descriptions get fields of their own
//! so they can be weighted apart. Ranking is first by which field matched and how (see `query`),
//! so most text fields record documents only (no frequencies, positions or length norms) and the
//! index stays small and fast to build. The exact and stem title fields also keep term
//! frequencies and length norms: their BM25 score orders products whose words matched equally
//! well (a short, focused title before a long one that mentions the word in passing).
//!
//! The mandatory age filter is also indexed, coarsely, as the years a product's age range
//! touches (`age_years`): browsing iterates the audience's year instead of every document, and
//! the collector checks the exact months.
//!
//! The embedding, when the product has one, is stored as little-endian `f32` bytes with its
//! content key as a fast field: the vector index is derived from these and repaired from them.
//!
//! Filters, facets and sorts read fast fields (decoded per segment by `facts`). The gate packs
//! the moderation status and the age range in one value. Categories are one fast string per
//! document, the whole path (`"1/5/12"`): counting its dictionary ordinal and expanding distinct
//! paths at the end is far cheaper than a multi-valued column, and the subtree filter becomes a
//! per-ordinal lookup table.

use crate::analysis::{BolajonTokenizer, TokenKind};
use crate::doc::{Lang, ProductDoc};
use crate::vector::{Embedding, NO_EMBEDDING_KEY};
use moderation::{MAX_AGE_MONTHS, ModerationStatus};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer, TokenizerManager};
use tantivy::{Index, TantivyDocument};

/// Tokenizer of `*_folded` fields.
const FOLDED_TOKENIZER: &str = "bolajon_folded";
/// Tokenizer of the `*_stem_uz` fields (Uzbek values, either script).
const UZBEK_STEM_TOKENIZER: &str = "bolajon_stem_uz";
/// Tokenizer of the `*_stem` fields of Russian and English values.
const SNOWBALL_STEM_TOKENIZER: &str = "bolajon_stem_snowball";
/// Tokenizer of `attrs_stem` (names of unknown language).
const ANY_STEM_TOKENIZER: &str = "bolajon_stem_any";
/// Tokenizer of the `*_prefix` fields.
const PREFIX_TOKENIZER: &str = "bolajon_prefix";
/// Tokenizer of the `sku` field: the whole SKU, lowercased.
const SKU_TOKENIZER: &str = "bolajon_sku";

/// Fast field names (read by the collector).
pub(crate) mod fast {
    /// Product id.
    pub(crate) const ID: &str = "id";
    /// Packed status and age range, see [`super::pack_gate`].
    pub(crate) const GATE: &str = "gate";
    /// Price in tiyin.
    pub(crate) const PRICE: &str = "price";
    /// Any variant in stock.
    pub(crate) const IN_STOCK: &str = "in_stock";
    /// Average rating.
    pub(crate) const RATING: &str = "rating";
    /// Number of ratings.
    pub(crate) const RATING_COUNT: &str = "rating_count";
    /// Units sold.
    pub(crate) const POPULARITY: &str = "popularity";
    /// Creation time.
    pub(crate) const CREATED_AT: &str = "created_at";
    /// Seller id.
    pub(crate) const SELLER: &str = "seller_id";
    /// Brand id as a decimal string (dictionary-encoded, counted by ordinal).
    pub(crate) const BRAND: &str = "brand_key";
    /// Category path as `"1/5/12"` (dictionary-encoded, counted by ordinal).
    pub(crate) const CATEGORY_PATH: &str = "category_path";
    /// Content key of the stored embedding (0: none), see `vector::Embedding::key`.
    pub(crate) const EMBEDDING_KEY: &str = "embedding_key";
}

/// Separator of category ids in [`fast::CATEGORY_PATH`].
pub(crate) const CATEGORY_PATH_SEPARATOR: char = '/';

/// Handles to every field of the schema.
#[derive(Clone, Debug)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) gate: Field,
    pub(crate) age_years: Field,
    pub(crate) price: Field,
    pub(crate) in_stock: Field,
    pub(crate) rating: Field,
    pub(crate) rating_count: Field,
    pub(crate) popularity: Field,
    pub(crate) created_at: Field,
    pub(crate) seller_id: Field,
    pub(crate) brand_key: Field,
    pub(crate) category_path: Field,
    pub(crate) title_folded: Field,
    pub(crate) title_stem: Field,
    pub(crate) title_stem_uz: Field,
    pub(crate) attrs_folded: Field,
    pub(crate) attrs_stem: Field,
    pub(crate) desc_stem: Field,
    pub(crate) desc_stem_uz: Field,
    pub(crate) title_prefix: Field,
    pub(crate) attrs_prefix: Field,
    pub(crate) sku: Field,
    pub(crate) title_uz: Field,
    pub(crate) title_uz_cyrl: Field,
    pub(crate) title_ru: Field,
    pub(crate) title_en: Field,
    pub(crate) brand: Field,
    pub(crate) brand_id: Field,
    pub(crate) category_id: Field,
    pub(crate) age_min: Field,
    pub(crate) age_max: Field,
    pub(crate) image_url: Field,
    pub(crate) embedding: Field,
    pub(crate) embedding_key: Field,
}

/// Text options of an indexed, unstored text field without length norms.
fn indexed_text(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record)
            .set_fieldnorms(false),
    )
}

/// Text options of an indexed, unstored text field with term frequencies and length norms, for
/// the title fields whose BM25 score orders equally weighted matches (see `query`).
fn scored_text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(true),
    )
}

impl Fields {
    /// Builds the schema and the field handles.
    pub(crate) fn build_schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let text = |tokenizer| indexed_text(tokenizer, IndexRecordOption::Basic);
        let raw_fast = TextOptions::default().set_fast("raw");
        let fields = Fields {
            id: builder.add_u64_field(fast::ID, INDEXED | FAST | STORED),
            gate: builder.add_u64_field(fast::GATE, FAST),
            age_years: builder.add_u64_field("age_years", INDEXED),
            price: builder.add_i64_field(fast::PRICE, FAST | STORED),
            in_stock: builder.add_bool_field(fast::IN_STOCK, FAST | STORED),
            rating: builder.add_f64_field(fast::RATING, FAST | STORED),
            rating_count: builder.add_u64_field(fast::RATING_COUNT, FAST | STORED),
            popularity: builder.add_u64_field(fast::POPULARITY, FAST),
            created_at: builder.add_i64_field(fast::CREATED_AT, FAST),
            seller_id: builder.add_u64_field(fast::SELLER, FAST | STORED),
            brand_key: builder.add_text_field(fast::BRAND, raw_fast.clone()),
            category_path: builder.add_text_field(fast::CATEGORY_PATH, raw_fast),
            title_folded: builder.add_text_field("title_folded", scored_text(FOLDED_TOKENIZER)),
            title_stem: builder.add_text_field("title_stem", scored_text(SNOWBALL_STEM_TOKENIZER)),
            title_stem_uz: builder
                .add_text_field("title_stem_uz", scored_text(UZBEK_STEM_TOKENIZER)),
            attrs_folded: builder.add_text_field("attrs_folded", text(FOLDED_TOKENIZER)),
            attrs_stem: builder.add_text_field("attrs_stem", text(ANY_STEM_TOKENIZER)),
            desc_stem: builder.add_text_field("desc_stem", text(SNOWBALL_STEM_TOKENIZER)),
            desc_stem_uz: builder.add_text_field("desc_stem_uz", text(UZBEK_STEM_TOKENIZER)),
            title_prefix: builder.add_text_field("title_prefix", text(PREFIX_TOKENIZER)),
            attrs_prefix: builder.add_text_field("attrs_prefix", text(PREFIX_TOKENIZER)),
            sku: builder.add_text_field("sku", text(SKU_TOKENIZER)),
            title_uz: builder.add_text_field("title_uz", STORED),
            title_uz_cyrl: builder.add_text_field("title_uz_cyrl", STORED),
            title_ru: builder.add_text_field("title_ru", STORED),
            title_en: builder.add_text_field("title_en", STORED),
            brand: builder.add_text_field("brand", STORED),
            brand_id: builder.add_u64_field("brand_id", STORED),
            category_id: builder.add_u64_field("category_id", STORED),
            age_min: builder.add_u64_field("age_min_months", STORED),
            age_max: builder.add_u64_field("age_max_months", STORED),
            image_url: builder.add_text_field("image_url", STORED),
            embedding: builder.add_bytes_field("embedding", STORED),
            embedding_key: builder.add_u64_field(fast::EMBEDDING_KEY, FAST),
        };
        (builder.build(), fields)
    }

    /// Returns the stored title field of `lang`.
    pub(crate) fn title(&self, lang: Lang) -> Field {
        match lang {
            Lang::Uz => self.title_uz,
            Lang::UzCyrl => self.title_uz_cyrl,
            Lang::Ru => self.title_ru,
            Lang::En => self.title_en,
        }
    }

    /// Picks the stem field for a text in `lang`: Uzbek suffix stripping for Uzbek in either
    /// script (so both scripts index identical stems), Snowball for Russian and English.
    fn stem_field(&self, lang: Lang, snowball: Field, uzbek: Field) -> Field {
        match lang {
            Lang::Uz | Lang::UzCyrl => uzbek,
            Lang::Ru | Lang::En => snowball,
        }
    }

    /// Converts a product into the tantivy document indexed for it, with its checked embedding
    /// (the product's own `embedding` field is not read: see `vector::Embedding::prepare`).
    pub(crate) fn to_document(
        &self,
        product: &ProductDoc,
        embedding: Option<&Embedding>,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.id, product.id.0);
        doc.add_u64(
            self.gate,
            pack_gate(
                product.status,
                product.age_min_months,
                product.age_max_months,
            ),
        );
        for year in admitted_years(product.age_min_months, product.age_max_months) {
            doc.add_u64(self.age_years, year);
        }
        doc.add_i64(self.price, product.price_tiyin);
        doc.add_bool(self.in_stock, product.in_stock);
        doc.add_f64(self.rating, f64::from(product.rating));
        doc.add_u64(self.rating_count, u64::from(product.rating_count));
        doc.add_u64(self.popularity, product.popularity);
        doc.add_i64(self.created_at, product.created_at);
        doc.add_u64(self.seller_id, product.seller_id);
        doc.add_text(self.brand_key, product.brand_id.to_string());
        doc.add_text(self.category_path, format_category_path(product));
        for (lang, title) in product.titles.iter() {
            doc.add_text(self.title_folded, title);
            doc.add_text(
                self.stem_field(lang, self.title_stem, self.title_stem_uz),
                title,
            );
            doc.add_text(self.title_prefix, title);
            doc.add_text(self.title(lang), title);
        }
        for text in std::iter::once(product.brand.as_str())
            .chain(product.category_names.iter().map(String::as_str))
        {
            doc.add_text(self.attrs_folded, text);
            doc.add_text(self.attrs_stem, text);
            doc.add_text(self.attrs_prefix, text);
        }
        for (lang, description) in product.descriptions.iter() {
            doc.add_text(
                self.stem_field(lang, self.desc_stem, self.desc_stem_uz),
                description,
            );
        }
        for sku in &product.skus {
            let sku = sku.trim();
            if !sku.is_empty() && sku.len() <= MAX_SKU_BYTES {
                doc.add_text(self.sku, sku);
            }
        }
        doc.add_text(self.brand, &product.brand);
        doc.add_u64(self.brand_id, product.brand_id);
        doc.add_u64(self.category_id, product.category_id);
        doc.add_u64(self.age_min, u64::from(product.age_min_months));
        doc.add_u64(self.age_max, u64::from(product.age_max_months));
        if let Some(url) = &product.image_url {
            doc.add_text(self.image_url, url);
        }
        // The stored vector is what the vector index is repaired from (see `vector`).
        doc.add_u64(
            self.embedding_key,
            embedding.map_or(NO_EMBEDDING_KEY, Embedding::key),
        );
        if let Some(embedding) = embedding {
            doc.add_bytes(self.embedding, &embedding.to_le_bytes());
        }
        doc
    }
}

/// Formats the category path fast value: the path's ids joined by `/`, or the leaf alone when
/// the path is empty.
fn format_category_path(product: &ProductDoc) -> String {
    if product.category_path.is_empty() {
        return product.category_id.to_string();
    }
    let mut path = String::with_capacity(product.category_path.len() * 4);
    for (i, id) in product.category_path.iter().enumerate() {
        if i > 0 {
            path.push(CATEGORY_PATH_SEPARATOR);
        }
        path.push_str(&id.to_string());
    }
    path
}

/// Parses a category path fast value back into ids, skipping duplicates.
pub(crate) fn parse_category_path(path: &str) -> Vec<u64> {
    let mut ids: Vec<u64> = Vec::with_capacity(4);
    for id in path
        .split(CATEGORY_PATH_SEPARATOR)
        .filter_map(|p| p.parse().ok())
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Status code in the gate: the only status ever admitted.
const GATE_APPROVED: u64 = 1;

/// Packs moderation status and age range into one fast value: `status << 32 | min << 16 | max`.
pub(crate) fn pack_gate(status: ModerationStatus, age_min: u16, age_max: u16) -> u64 {
    let status_code = match status {
        ModerationStatus::Approved => GATE_APPROVED,
        ModerationStatus::Pending => 2,
        ModerationStatus::Rejected => 3,
    };
    (status_code << 32) | (u64::from(age_min) << 16) | u64::from(age_max)
}

/// Returns the age years (`months / 12`) a product's age range touches, at most 19 (0 to 18):
/// an audience of `age` months can only be admitted by products indexed under `age / 12`.
pub(crate) fn admitted_years(age_min: u16, age_max: u16) -> impl Iterator<Item = u64> {
    let last_year = u64::from(MAX_AGE_MONTHS / 12);
    let first = (u64::from(age_min) / 12).min(last_year);
    let last = (u64::from(age_max) / 12).min(last_year);
    first..=last
}

/// Returns the age year an audience of `age_months` is indexed under (see [`admitted_years`]).
pub(crate) fn audience_year(age_months: u16) -> u64 {
    u64::from(age_months.min(MAX_AGE_MONTHS) / 12)
}

/// Unpacks a gate into (approved, youngest age, oldest age).
pub(crate) fn unpack_gate(gate: u64) -> (bool, u16, u16) {
    let age = |shift: u32| u16::try_from((gate >> shift) & 0xFFFF).unwrap_or_default();
    (gate >> 32 == GATE_APPROVED, age(16), age(0))
}

/// Registers the analyzers the schema names on `index`.
pub(crate) fn register_tokenizers(index: &Index) {
    let manager: &TokenizerManager = index.tokenizers();
    manager.register(FOLDED_TOKENIZER, BolajonTokenizer::new(TokenKind::Folded));
    manager.register(
        UZBEK_STEM_TOKENIZER,
        BolajonTokenizer::new(TokenKind::UzbekStem),
    );
    manager.register(
        SNOWBALL_STEM_TOKENIZER,
        BolajonTokenizer::new(TokenKind::SnowballStem),
    );
    manager.register(
        ANY_STEM_TOKENIZER,
        BolajonTokenizer::new(TokenKind::AnyStem),
    );
    manager.register(PREFIX_TOKENIZER, BolajonTokenizer::new(TokenKind::Prefix));
    manager.register(
        SKU_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// Longest SKU indexed and looked up, in bytes.
pub(crate) const MAX_SKU_BYTES: usize = 64;

/// Normalizes a shopper's text the way the `sku` field is indexed.
pub(crate) fn normalize_sku(text: &str) -> String {
    text.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_round_trip() {
        let gate = pack_gate(ModerationStatus::Approved, 36, 72);
        assert_eq!(unpack_gate(gate), (true, 36, 72));
        for status in [ModerationStatus::Pending, ModerationStatus::Rejected] {
            assert_eq!(unpack_gate(pack_gate(status, 0, 216)), (false, 0, 216));
        }
        let widest = pack_gate(ModerationStatus::Approved, u16::MAX, u16::MAX);
        assert_eq!(unpack_gate(widest), (true, u16::MAX, u16::MAX));
    }

    #[test]
    fn age_years_cover_every_admitted_audience() {
        for (min, max) in [(0, 0), (0, 216), (11, 13), (30, 30), (200, 400), (400, 500)] {
            let years: Vec<u64> = admitted_years(min, max).collect();
            for age in 0..=MAX_AGE_MONTHS {
                if min <= age && age <= max {
                    assert!(
                        years.contains(&audience_year(age)),
                        "{min}..={max} at {age}"
                    );
                }
            }
        }
        assert_eq!(admitted_years(0, 216).count(), 19);
        assert_eq!(admitted_years(400, 500).collect::<Vec<_>>(), vec![18]);
    }

    #[test]
    fn category_paths_round_trip() {
        assert_eq!(parse_category_path("1/5/12"), vec![1, 5, 12]);
        assert_eq!(parse_category_path("7/7"), vec![7]);
        assert_eq!(parse_category_path(""), Vec::<u64>::new());
    }
}
