//! Throwaway timing: build 100k synthetic products and time queries. Not committed.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use engine::{
    Audience, Engine, Filters, Localized, ModerationStatus, ProductDoc, ProductId, SearchRequest,
    Sort,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const UZ: &[&str] = &[
    "qo'g'irchoq",
    "mashina",
    "konstruktor",
    "kitob",
    "qalam",
    "ayiq",
    "yumshoq",
    "o'yinchoq",
    "sumka",
    "daftar",
    "rangli",
    "katta",
    "kichik",
    "qizil",
    "ko'k",
    "yashil",
    "bolalar",
    "uchun",
    "sovg'a",
    "to'plam",
    "puzzle",
    "koptok",
    "velosiped",
    "samokat",
    "kubik",
    "musiqali",
    "ta'limiy",
    "chiroyli",
    "yangi",
    "maktab",
    "ryukzak",
    "bo'yoq",
    "plastilin",
    "albom",
    "kiyim",
    "ko'ylak",
    "shim",
    "poyabzal",
    "qo'lqop",
    "shapka",
];
const UZC: &[&str] = &[
    "қўғирчоқ",
    "машина",
    "конструктор",
    "китоб",
    "қалам",
    "айиқ",
    "юмшоқ",
    "ўйинчоқ",
    "сумка",
    "дафтар",
    "рангли",
    "катта",
    "кичик",
    "қизил",
    "кўк",
    "яшил",
    "болалар",
    "учун",
    "совға",
    "тўплам",
    "пазл",
    "коптоқ",
    "велосипед",
    "самокат",
    "кубик",
    "мусиқали",
    "таълимий",
    "чиройли",
    "янги",
    "мактаб",
    "рюкзак",
    "бўёқ",
    "пластилин",
    "альбом",
    "кийим",
    "кўйлак",
    "шим",
    "пойабзал",
    "қўлқоп",
    "шапка",
];
const RU: &[&str] = &[
    "кукла",
    "машинка",
    "конструктор",
    "книга",
    "карандаш",
    "медведь",
    "мягкая",
    "игрушка",
    "сумка",
    "тетрадь",
    "цветные",
    "большой",
    "маленький",
    "красный",
    "синий",
    "зеленый",
    "детские",
    "для",
    "подарок",
    "набор",
    "пазл",
    "мяч",
    "велосипед",
    "самокат",
    "кубики",
    "музыкальная",
    "развивающая",
    "красивая",
    "новый",
    "школьный",
    "рюкзак",
    "краски",
    "пластилин",
    "альбом",
    "одежда",
    "платье",
    "брюки",
    "обувь",
    "перчатки",
    "шапка",
];
const EN: &[&str] = &[
    "doll",
    "car",
    "construction",
    "book",
    "pencil",
    "bear",
    "soft",
    "toy",
    "bag",
    "notebook",
    "colored",
    "big",
    "small",
    "red",
    "blue",
    "green",
    "kids",
    "for",
    "gift",
    "set",
    "puzzle",
    "ball",
    "bicycle",
    "scooter",
    "blocks",
    "musical",
    "educational",
    "beautiful",
    "new",
    "school",
    "backpack",
    "paints",
    "clay",
    "album",
    "clothes",
    "dress",
    "pants",
    "shoes",
    "gloves",
    "hat",
];

fn phrase(rng: &mut StdRng, words: &[&str], picks: &[usize]) -> String {
    let _ = rng;
    picks
        .iter()
        .map(|&i| words[i])
        .collect::<Vec<_>>()
        .join(" ")
}

fn generate(n: u64) -> Vec<ProductDoc> {
    let mut rng = StdRng::seed_from_u64(7);
    (1..=n)
        .map(|id| {
            let title_len = rng.random_range(3..7);
            let picks: Vec<usize> = (0..title_len)
                .map(|_| rng.random_range(0..UZ.len()))
                .collect();
            let desc_picks: Vec<usize> = (0..rng.random_range(20..60))
                .map(|_| rng.random_range(0..UZ.len()))
                .collect();
            let langs = rng.random_range(1..=4);
            let mut titles = Localized::default();
            let mut descriptions = Localized::default();
            titles.uz = Some(format!("{} {}", phrase(&mut rng, UZ, &picks), id % 97));
            descriptions.uz = Some(phrase(&mut rng, UZ, &desc_picks));
            if langs >= 2 {
                titles.ru = Some(phrase(&mut rng, RU, &picks));
                descriptions.ru = Some(phrase(&mut rng, RU, &desc_picks));
            }
            if langs >= 3 {
                titles.uz_cyrl = Some(phrase(&mut rng, UZC, &picks));
                descriptions.uz_cyrl = Some(phrase(&mut rng, UZC, &desc_picks));
            }
            if langs >= 4 {
                titles.en = Some(phrase(&mut rng, EN, &picks));
                descriptions.en = Some(phrase(&mut rng, EN, &desc_picks));
            }
            let root = rng.random_range(1..10u64);
            let mid = root * 10 + rng.random_range(0..5u64);
            let leaf = mid * 10 + rng.random_range(0..5u64);
            let age_min = rng.random_range(0..120u16);
            let brand_id = rng.random_range(1..300u64);
            ProductDoc {
                id: ProductId(id),
                titles,
                descriptions,
                brand: format!("Brand{brand_id}"),
                brand_id,
                category_id: leaf,
                category_path: vec![root, mid, leaf],
                category_names: vec![
                    UZ[root as usize].to_string(),
                    RU[mid as usize % RU.len()].to_string(),
                    EN[leaf as usize % EN.len()].to_string(),
                ],
                seller_id: rng.random_range(1..500),
                age_min_months: age_min,
                age_max_months: age_min + rng.random_range(12..200),
                price_tiyin: rng.random_range(1_000_000..150_000_000),
                in_stock: rng.random_bool(0.8),
                rating: if rng.random_bool(0.3) {
                    0.0
                } else {
                    rng.random_range(1.0..5.0)
                },
                rating_count: rng.random_range(0..500),
                popularity: rng.random_range(0..10_000),
                created_at: 1_600_000_000 + rng.random_range(0..100_000_000),
                skus: vec![format!("SKU-{id}-A"), format!("SKU-{id}-B")],
                image_url: Some(format!("/media/{id}.svg")),
                status: if rng.random_bool(0.97) {
                    ModerationStatus::Approved
                } else {
                    ModerationStatus::Pending
                },
            }
        })
        .collect()
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let docs = generate(n);
    let engine = Engine::in_memory().unwrap();
    let start = Instant::now();
    let indexed = engine.rebuild(docs.into_iter(), 1, &|_| {}).unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "indexed {indexed} of {n} in {secs:.2}s = {:.0} docs/s",
        n as f64 / secs
    );

    let queries = [
        "qo'g'irchoq",
        "қўғирчоқ",
        "кукла",
        "машинки",
        "konstruktor lego",
        "konstruktr",
        "konst",
        "yumshoq o'yinchoq",
        "мягкая игрушка",
        "cars",
        "puzzles",
        "rangli qalam",
        "ko'k ryukzak",
        "школьный рюкзак",
        "velosiped",
        "bolalar uchun sovg'a",
        "kitob",
        "мяч",
        "samokat kichik",
        "musiqali o'yinchoq",
        "red dress",
        "plastilin to'plami",
        "SKU-123-A",
        "ayiq",
        "m",
        "ma",
        "mas",
        "mash",
        "mashi",
        "развивающая книга для детей",
    ];
    let audience = Audience::new(60).unwrap();
    let mut requests: Vec<SearchRequest> = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let mut r = SearchRequest::new(*q);
        r.highlight = true;
        if i % 5 == 0 {
            r.filters = Filters {
                category_id: Some(3),
                ..Filters::default()
            };
        }
        if i % 7 == 0 {
            r.sort = Sort::PriceAsc;
        }
        requests.push(r);
    }
    let mut browse = SearchRequest::new("");
    browse.filters.category_id = Some(5);
    requests.push(browse);
    requests.push(SearchRequest::new(""));

    if std::env::var("PERF_LOOP").is_ok() {
        let t = Instant::now();
        while t.elapsed().as_secs() < 20 {
            for r in &requests[..queries.len()] {
                std::hint::black_box(engine.search(audience, r).unwrap());
            }
        }
        return;
    }
    for r in &requests {
        let res = engine.search(audience, r).unwrap();
        println!(
            "{:>40} total {:>6} top {:?}",
            format!("{:?}", r.query),
            res.total,
            res.hits.first().map(|h| (&h.title, h.score))
        );
    }
    for (label, reqs) in [
        ("text", &requests[..queries.len()]),
        ("browse", &requests[queries.len()..]),
    ] {
        let mut times = Vec::new();
        for round in 0..(1000 / reqs.len() + 1) {
            for r in reqs.iter() {
                let t = Instant::now();
                let res = engine.search(audience, r).unwrap();
                std::hint::black_box(res);
                if round > 0 {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize];
        println!(
            "{label}: {} queries, p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            times.len(),
            p(0.5),
            p(0.9),
            p(0.99),
            p(1.0)
        );
    }
    // per-query breakdown
    for r in &requests {
        let mut times = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            std::hint::black_box(engine.search(audience, r).unwrap());
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{:>40} median {:.3} ms max {:.3}",
            format!("{:?}", r.query),
            times[15],
            times[29]
        );
    }
}
