//! The catalogue's data model, as generated and as stored in the sample file.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// A category in the tree. Roots have no parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Identifier, unique, starting at 1.
    pub id: u64,
    /// Parent category, `None` for a root.
    pub parent_id: Option<u64>,
    /// URL slug, unique, lowercase ASCII with dashes (e.g. `construction-sets`).
    pub slug: String,
    /// Display name in all four language forms (all present).
    pub names: Localized,
}

/// A brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// Identifier, unique, starting at 1.
    pub id: u64,
    /// Display name.
    pub name: String,
}

/// A seller (shop) on the marketplace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    /// Identifier, unique, starting at 1.
    pub id: u64,
    /// Shop name.
    pub name: String,
    /// URL slug, unique.
    pub slug: String,
    /// Region of Uzbekistan the seller ships from (e.g. `Toshkent`).
    pub region: String,
}

/// One purchasable variant of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Stock keeping unit, unique across the catalogue.
    pub sku: String,
    /// Option values, e.g. `{"color": "qizil", "size": "98"}`; empty for a single-variant product.
    pub options: BTreeMap<String, String>,
    /// Price in tiyin (1 so'm = 100 tiyin).
    pub price_tiyin: i64,
    /// Units in stock.
    pub stock: i32,
}

/// A product image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// URL path served by the storefront (e.g. `/media/art/dolls/3.svg`).
    pub url: String,
    /// Alternative text.
    pub alt: String,
}

/// The kind of an unsafe listing planted for moderation to catch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsafeKind {
    /// Adult or sexual items.
    Adult,
    /// Weapons (knives, air guns, realistic replicas).
    Weapon,
    /// Vapes, e-cigarettes, tobacco.
    Vape,
    /// Alcohol.
    Alcohol,
    /// Small-parts toys tagged for children under 36 months.
    SmallPartsMislabelled,
}

/// A product listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Identifier, unique, starting at 1.
    pub id: u64,
    /// The seller.
    pub seller_id: u64,
    /// The brand.
    pub brand_id: u64,
    /// The (leaf) category.
    pub category_id: u64,
    /// Title in the language forms the product has (at least one).
    pub title: Localized,
    /// Description in the same language forms as the title.
    pub description: Localized,
    /// Youngest age, in months.
    pub age_min_months: u16,
    /// Oldest age, in months (≥ `age_min_months`).
    pub age_max_months: u16,
    /// Variants (at least one).
    pub variants: Vec<Variant>,
    /// Image gallery (at least one).
    pub images: Vec<Image>,
    /// Shown on the home page.
    pub featured: bool,
    /// Average rating (0 when unrated, else 1..=5).
    pub rating: f32,
    /// Number of ratings.
    pub rating_count: u32,
    /// Units sold so far.
    pub sales_count: u64,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
    /// Ground-truth label of a planted unsafe listing; `None` for an ordinary product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_label: Option<UnsafeKind>,
}

/// A whole catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// The category tree.
    pub categories: Vec<Category>,
    /// Brands.
    pub brands: Vec<Brand>,
    /// Sellers.
    pub sellers: Vec<Seller>,
    /// Products.
    pub products: Vec<Product>,
}

/// The catalogue without its products: the category tree, brands and sellers.
///
/// It is the first line of a JSON Lines catalogue file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// The category tree.
    pub categories: Vec<Category>,
    /// Brands.
    pub brands: Vec<Brand>,
    /// Sellers.
    pub sellers: Vec<Seller>,
}

impl Taxonomy {
    /// Returns a catalogue of this taxonomy and these products.
    pub fn into_catalog(self, products: Vec<Product>) -> Catalog {
        Catalog {
            categories: self.categories,
            brands: self.brands,
            sellers: self.sellers,
            products,
        }
    }
}

impl UnsafeKind {
    /// Every kind, in declaration order.
    pub const ALL: [UnsafeKind; 5] = [
        UnsafeKind::Adult,
        UnsafeKind::Weapon,
        UnsafeKind::Vape,
        UnsafeKind::Alcohol,
        UnsafeKind::SmallPartsMislabelled,
    ];
}
