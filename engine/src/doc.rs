//! The catalogue document the engine indexes.

use moderation::ModerationStatus;
use serde::{Deserialize, Serialize};

/// A product's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProductId(pub u64);

/// The four language forms bolajon serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// Uzbek in Latin script (the default).
    #[default]
    #[serde(rename = "uz")]
    Uz,
    /// Uzbek in Cyrillic script.
    #[serde(rename = "uz-Cyrl")]
    UzCyrl,
    /// Russian.
    #[serde(rename = "ru")]
    Ru,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// All language forms, in fallback order.
    pub const ALL: [Lang; 4] = [Lang::Uz, Lang::UzCyrl, Lang::Ru, Lang::En];

    /// Returns the BCP 47 tag (`uz`, `uz-Cyrl`, `ru`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Uz => "uz",
            Self::UzCyrl => "uz-Cyrl",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Parses a BCP 47 tag, case-insensitively (`uz-Latn` is accepted for `uz`).
    pub fn parse(tag: &str) -> Option<Self> {
        match tag.to_ascii_lowercase().as_str() {
            "uz" | "uz-latn" => Some(Self::Uz),
            "uz-cyrl" => Some(Self::UzCyrl),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

/// A text in up to four language forms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    /// Uzbek, Latin script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uz: Option<String>,
    /// Uzbek, Cyrillic script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uz_cyrl: Option<String>,
    /// Russian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// Returns the text in `lang`, if present.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Uz => self.uz.as_deref(),
            Lang::UzCyrl => self.uz_cyrl.as_deref(),
            Lang::Ru => self.ru.as_deref(),
            Lang::En => self.en.as_deref(),
        }
    }

    /// Returns the text in `lang`, else the first present form in [`Lang::ALL`] order.
    pub fn get_or_fallback(&self, lang: Lang) -> Option<&str> {
        self.get(lang)
            .or_else(|| Lang::ALL.iter().find_map(|other| self.get(*other)))
    }

    /// Iterates over the present forms.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &str)> {
        Lang::ALL
            .into_iter()
            .filter_map(|lang| self.get(lang).map(|text| (lang, text)))
    }
}

/// A product as the engine indexes it: one document per product (variants are folded in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDoc {
    /// The product's identifier.
    pub id: ProductId,
    /// The title in each language form the product has.
    pub titles: Localized,
    /// The description in each language form the product has.
    pub descriptions: Localized,
    /// Brand name (searchable, boosted between title and description).
    pub brand: String,
    /// Brand identifier (filter and facet).
    pub brand_id: u64,
    /// The product's own (leaf) category.
    pub category_id: u64,
    /// The category and all its ancestors, root first (subtree filter and hierarchical facets).
    pub category_path: Vec<u64>,
    /// Names of the category and its ancestors in every language (searchable, boosted like brand).
    pub category_names: Vec<String>,
    /// The selling seller.
    pub seller_id: u64,
    /// Youngest age the product is for, in months.
    pub age_min_months: u16,
    /// Oldest age the product is for, in months.
    pub age_max_months: u16,
    /// The lowest variant price, in tiyin.
    pub price_tiyin: i64,
    /// Whether any variant is in stock.
    pub in_stock: bool,
    /// Average rating, `0.0` when unrated, else `1.0..=5.0`.
    pub rating: f32,
    /// Number of ratings.
    pub rating_count: u32,
    /// Popularity signal (units sold).
    pub popularity: u64,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
    /// Variant SKUs (matched exactly).
    pub skus: Vec<String>,
    /// The first image's URL, if any.
    pub image_url: Option<String>,
    /// Moderation status: only `Approved` documents are ever returned.
    pub status: ModerationStatus,
    /// The passage embedding (title and description), computed by the indexer; `None` leaves
    /// the product out of semantic retrieval. Any dimension works as long as every product of
    /// one index uses the same one; the engine L2-normalises it. A vector that is empty, has a
    /// non-finite component, is all zeros or has another dimension than the index's is dropped
    /// (with a warning) and the product is indexed without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<Vec<f32>>,
}
