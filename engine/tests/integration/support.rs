//! Test data builders and helpers.

use engine::{
    Audience, Engine, Localized, ModerationStatus, ProductDoc, ProductId, SearchRequest,
    SearchResults,
};

/// Builds a [`ProductDoc`] with harmless defaults: approved, for all ages, in stock.
#[derive(Debug, Clone)]
pub struct ProductBuilder(ProductDoc);

/// Starts a product with id `id` and an Uzbek title that matches nothing in particular.
pub fn product(id: u64) -> ProductBuilder {
    ProductBuilder(ProductDoc {
        id: ProductId(id),
        titles: Localized {
            uz: Some(format!("Mahsulot {id}")),
            ..Localized::default()
        },
        descriptions: Localized::default(),
        brand: "Brend".to_string(),
        brand_id: 1,
        category_id: 1,
        category_path: vec![1],
        category_names: vec!["Turkum".to_string()],
        seller_id: 1,
        age_min_months: 0,
        age_max_months: 216,
        price_tiyin: 1_000_000,
        in_stock: true,
        rating: 0.0,
        rating_count: 0,
        popularity: 0,
        created_at: 1_700_000_000,
        skus: Vec::new(),
        image_url: None,
        status: ModerationStatus::Approved,
        embedding: None,
    })
}

impl ProductBuilder {
    pub fn title_uz(mut self, title: &str) -> Self {
        self.0.titles.uz = Some(title.to_string());
        self
    }
    pub fn title_uz_cyrl(mut self, title: &str) -> Self {
        self.0.titles.uz_cyrl = Some(title.to_string());
        self
    }
    pub fn title_ru(mut self, title: &str) -> Self {
        self.0.titles.ru = Some(title.to_string());
        self
    }
    pub fn title_en(mut self, title: &str) -> Self {
        self.0.titles.en = Some(title.to_string());
        self
    }
    /// Replaces all titles with only a Russian one.
    pub fn only_title_ru(mut self, title: &str) -> Self {
        self.0.titles = Localized {
            ru: Some(title.to_string()),
            ..Localized::default()
        };
        self
    }
    /// Replaces all titles with only an Uzbek Cyrillic one.
    pub fn only_title_uz_cyrl(mut self, title: &str) -> Self {
        self.0.titles = Localized {
            uz_cyrl: Some(title.to_string()),
            ..Localized::default()
        };
        self
    }
    pub fn description_uz(mut self, text: &str) -> Self {
        self.0.descriptions.uz = Some(text.to_string());
        self
    }
    pub fn brand(mut self, brand_id: u64, name: &str) -> Self {
        self.0.brand_id = brand_id;
        self.0.brand = name.to_string();
        self
    }
    /// Sets the category path (root first); the leaf is the last id.
    pub fn category(mut self, path: &[u64]) -> Self {
        self.0.category_path = path.to_vec();
        self.0.category_id = path.last().copied().unwrap_or_default();
        self
    }
    pub fn category_names(mut self, names: &[&str]) -> Self {
        self.0.category_names = names.iter().map(|name| name.to_string()).collect();
        self
    }
    pub fn seller(mut self, seller_id: u64) -> Self {
        self.0.seller_id = seller_id;
        self
    }
    pub fn ages(mut self, min: u16, max: u16) -> Self {
        self.0.age_min_months = min;
        self.0.age_max_months = max;
        self
    }
    pub fn price(mut self, tiyin: i64) -> Self {
        self.0.price_tiyin = tiyin;
        self
    }
    pub fn in_stock(mut self, in_stock: bool) -> Self {
        self.0.in_stock = in_stock;
        self
    }
    pub fn rating(mut self, rating: f32, count: u32) -> Self {
        self.0.rating = rating;
        self.0.rating_count = count;
        self
    }
    pub fn popularity(mut self, popularity: u64) -> Self {
        self.0.popularity = popularity;
        self
    }
    pub fn created_at(mut self, created_at: i64) -> Self {
        self.0.created_at = created_at;
        self
    }
    pub fn sku(mut self, sku: &str) -> Self {
        self.0.skus.push(sku.to_string());
        self
    }
    pub fn image(mut self, url: &str) -> Self {
        self.0.image_url = Some(url.to_string());
        self
    }
    pub fn status(mut self, status: ModerationStatus) -> Self {
        self.0.status = status;
        self
    }
    pub fn embedding(mut self, vector: Vec<f32>) -> Self {
        self.0.embedding = Some(vector);
        self
    }
    pub fn build(self) -> ProductDoc {
        self.0
    }
}

/// Creates an in-RAM engine holding `products`.
pub fn engine_with(products: Vec<ProductDoc>) -> Engine {
    let engine = Engine::in_memory().unwrap();
    engine.rebuild(products.into_iter(), 1, &|_| {}).unwrap();
    engine
}

/// An audience of `age_months`.
pub fn audience(age_months: i64) -> Audience {
    Audience::new(age_months).unwrap()
}

/// A five-year-old, admitted by the default age range.
pub fn child() -> Audience {
    audience(60)
}

/// Searches `query` for a child, first page of 100.
pub fn search(engine: &Engine, query: &str) -> SearchResults {
    let mut request = SearchRequest::new(query);
    request.per_page = 100;
    engine.search(child(), &request).unwrap()
}

/// Returns the ids of the hits, in order.
pub fn hit_ids(results: &SearchResults) -> Vec<u64> {
    results.hits.iter().map(|hit| hit.id.0).collect()
}

/// Searches `query` and returns the hit ids.
pub fn search_ids(engine: &Engine, query: &str) -> Vec<u64> {
    hit_ids(&search(engine, query))
}

/// A deterministic pseudo-random vector of `dimension` components in `-1..1` (not normalised).
pub fn random_vector(seed: u64, dimension: usize) -> Vec<f32> {
    (0..dimension as u64)
        .map(|d| {
            let mut z = (seed * 1_000 + d).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// A request in `mode` for `query` with `vector`, first page of 100.
pub fn ranked_request(mode: engine::SearchMode, query: &str, vector: Vec<f32>) -> SearchRequest {
    let mut request = SearchRequest::new(query);
    request.mode = mode;
    request.query_vector = Some(vector);
    request.per_page = 100;
    request
}
