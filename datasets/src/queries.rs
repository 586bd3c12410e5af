//! The fixed mix of realistic shopper queries used by the search benchmarks.
//!
//! Queries are drawn, with a seeded generator, from what parents and children type: single
//! words and short phrases in Uzbek (Latin with every apostrophe variant, and Cyrillic),
//! Russian and English, natural-language requests, typos, as-you-type prefixes and SKUs-like
//! brand names, with audience ages, category, price, stock and sort filters in realistic shares.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One benchmark query with its filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    /// The text.
    pub q: String,
    /// The audience's age in months.
    pub age_months: u16,
    /// Category slug filter.
    pub category: Option<String>,
    /// Lowest price in tiyin.
    pub price_min: Option<i64>,
    /// Highest price in tiyin.
    pub price_max: Option<i64>,
    /// Only in stock.
    pub in_stock: bool,
    /// Sort name (`price_asc`, ...), `None` for relevance.
    pub sort: Option<String>,
}

impl BenchQuery {
    /// Returns the query as a URL query string for `/api/v1/search`.
    pub fn to_query_string(&self) -> String {
        let mut out = format!("q={}&age_months={}", encode(&self.q), self.age_months);
        if let Some(category) = &self.category {
            out.push_str(&format!("&category={}", encode(category)));
        }
        if let Some(min) = self.price_min {
            out.push_str(&format!("&price_min={min}"));
        }
        if let Some(max) = self.price_max {
            out.push_str(&format!("&price_max={max}"));
        }
        if self.in_stock {
            out.push_str("&in_stock=true");
        }
        if let Some(sort) = &self.sort {
            out.push_str(&format!("&sort={sort}"));
        }
        out
    }
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Plain product words and phrases, in all four language forms.
const TERMS: &[&str] = &[
    "qo'g'irchoq",
    "qoʻgʻirchoq",
    "qo‘g‘irchoq",
    "қўғирчоқ",
    "кукла",
    "doll",
    "куклы барби",
    "konstruktor",
    "конструктор",
    "construction set",
    "lego",
    "конструктор лего",
    "mashina",
    "машинка",
    "toy car",
    "машинки на пульте",
    "radio boshqariladigan mashina",
    "pazl",
    "пазл",
    "puzzle",
    "wooden puzzle",
    "yog'och pazl",
    "деревянный пазл",
    "kitob",
    "китоб",
    "книга",
    "book",
    "ertaklar kitobi",
    "детские книги",
    "picture book",
    "ryukzak",
    "рюкзак",
    "backpack",
    "maktab ryukzagi",
    "школьный рюкзак",
    "qalam",
    "карандаши",
    "pencils",
    "rangli qalamlar",
    "фломастеры",
    "markers",
    "daftar",
    "тетрадь",
    "notebook",
    "penal",
    "пенал",
    "pencil case",
    "velosiped",
    "велосипед",
    "bicycle",
    "samokat",
    "самокат",
    "scooter",
    "yumshoq o'yinchoq",
    "мягкая игрушка",
    "plush toy",
    "ayiqcha",
    "мишка",
    "teddy bear",
    "stol o'yini",
    "настольная игра",
    "board game",
    "shaxmat",
    "шахматы",
    "chess",
    "robot",
    "робот",
    "robotics kit",
    "STEM to'plam",
    "набор для опытов",
    "science kit",
    "plastilin",
    "пластилин",
    "play dough",
    "bo'yoqlar",
    "краски",
    "paint set",
    "shishacha",
    "бутылочка",
    "baby bottle",
    "sut so'rg'ich",
    "соска",
    "pacifier",
    "kolyaska",
    "коляска",
    "stroller",
    "tagliklar",
    "подгузники",
    "diapers",
    "ko'ylak",
    "платье",
    "dress",
    "kurtka",
    "куртка",
    "jacket",
    "krossovka",
    "кроссовки",
    "sneakers",
    "to'p",
    "мяч",
    "ball",
    "futbol to'pi",
    "футбольный мяч",
    "arg'imchoq",
    "качели",
    "swing",
    "musiqali o'yinchoq",
    "музыкальная игрушка",
    "xylophone",
    "baraban",
    "барабан",
    "karnaval kostyumi",
    "карнавальный костюм",
    "costume",
    "planshet",
    "детский планшет",
    "kids tablet",
];

/// Natural-language requests.
const PHRASES: &[&str] = &[
    "5 yoshli qizga qo'g'irchoq",
    "7 yoshli o'g'il bolaga konstruktor",
    "конструктор для мальчика 7 лет",
    "подарок девочке 5 лет",
    "wooden puzzle toddler",
    "gift for a 3 year old girl",
    "yangi tug'ilgan chaqaloq uchun",
    "игрушки для малышей",
    "quiet toy for a long car trip",
    "maktabga tayyorgarlik",
    "развивающие игрушки",
    "educational toys for 4 year olds",
    "ingliz tilini o'rgatadigan o'yin",
    "книги для первоклассника",
    "bath toys for baby",
    "qishki kurtka o'g'il bolaga",
    "зимняя куртка для девочки",
    "rain boots kids",
];

/// Misspellings as shoppers type them.
const TYPOS: &[&str] = &[
    "konstruktr",
    "куккла",
    "qogirchok",
    "pazzl",
    "velosipet",
    "ryukzag",
    "самакат",
    "конструтор",
    "машынка",
    "backpak",
    "dinosour",
    "plastelin",
    "шахмоты",
    "skooter",
    "barbi",
];

/// As-you-type prefixes.
const PREFIXES: &[&str] = &[
    "kons", "qo'g", "маш", "puzz", "kit", "рюк", "velo", "сам", "ayiq", "plas", "rob", "кук",
    "dol", "shax",
];

/// Category slugs filtered on (slugs missing from a catalogue are simply not resolved).
const CATEGORIES: &[&str] = &[
    "toys",
    "construction-sets",
    "dolls",
    "books",
    "school-supplies",
    "baby-care",
    "clothing",
    "shoes",
    "sports",
    "outdoor",
    "board-games",
    "kids-electronics",
    "arts-and-crafts",
    "educational-kits",
];

const SORTS: &[&str] = &["price_asc", "price_desc", "newest", "rating", "popularity"];

/// Returns `count` benchmark queries; the same seed always gives the same mix.
pub fn bench_queries(seed: u64, count: usize) -> Vec<BenchQuery> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x05ee_d0f9_e4e5);
    (0..count)
        .map(|_| {
            let roll = rng.random_range(0..100);
            let q = if roll < 55 {
                TERMS[rng.random_range(0..TERMS.len())]
            } else if roll < 75 {
                PHRASES[rng.random_range(0..PHRASES.len())]
            } else if roll < 88 {
                TYPOS[rng.random_range(0..TYPOS.len())]
            } else {
                PREFIXES[rng.random_range(0..PREFIXES.len())]
            };
            let category = (rng.random_range(0..100) < 20)
                .then(|| CATEGORIES[rng.random_range(0..CATEGORIES.len())].to_owned());
            let (price_min, price_max) = if rng.random_range(0..100) < 15 {
                let low = rng.random_range(0..20) * 10_000 * 100;
                (
                    Some(low),
                    Some(low + rng.random_range(1..40) * 25_000 * 100),
                )
            } else {
                (None, None)
            };
            BenchQuery {
                q: q.to_owned(),
                age_months: rng.random_range(0..=180),
                category,
                price_min,
                price_max,
                in_stock: rng.random_range(0..100) < 25,
                sort: (rng.random_range(0..100) < 15)
                    .then(|| SORTS[rng.random_range(0..SORTS.len())].to_owned()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_deterministic_and_varied() {
        let a = bench_queries(7, 1_000);
        assert_eq!(a, bench_queries(7, 1_000));
        assert_eq!(a.len(), 1_000);
        assert!(a.iter().any(|query| query.category.is_some()));
        assert!(a.iter().any(|query| query.sort.is_some()));
        assert!(
            a.iter()
                .any(|query| query.q.chars().any(|c| ('а'..='я').contains(&c)))
        );
    }

    #[test]
    fn query_strings_are_percent_encoded() {
        let query = BenchQuery {
            q: "qo‘g‘irchoq 5 yosh".to_owned(),
            age_months: 60,
            category: Some("dolls".to_owned()),
            price_min: None,
            price_max: Some(100),
            in_stock: true,
            sort: None,
        };
        assert_eq!(
            query.to_query_string(),
            "q=qo%E2%80%98g%E2%80%98irchoq%205%20yosh&age_months=60&category=dolls&price_max=100&in_stock=true"
        );
    }
}
