//! The committed sample is exactly what the generator produces, and it is a sound catalogue.

use datasets::{
    ProductGenerator, SAMPLE_JSON, SAMPLE_PRODUCTS, SAMPLE_SEED, generate, sample, taxonomy,
    write_json,
};
use std::collections::HashSet;

#[test]
fn committed_sample_equals_regeneration() {
    let mut regenerated = Vec::new();
    write_json(
        &mut regenerated,
        &taxonomy(),
        ProductGenerator::new(SAMPLE_SEED).take(SAMPLE_PRODUCTS),
    )
    .unwrap();
    let regenerated = String::from_utf8(regenerated).unwrap();
    let committed = SAMPLE_JSON.replace("\r\n", "\n");
    assert!(
        committed == regenerated,
        "datasets/sample/catalog.json is stale; regenerate it with\n  \
         cargo run -p datasets --release --bin generate-catalog -- --seed {SAMPLE_SEED} \
         --products {SAMPLE_PRODUCTS} --out datasets/sample/catalog.json"
    );
}

#[test]
fn sample_parses_to_the_generated_catalogue() {
    let catalog = sample().unwrap();
    assert_eq!(catalog.products.len(), SAMPLE_PRODUCTS);
    assert_eq!(catalog, generate(SAMPLE_SEED, SAMPLE_PRODUCTS));
}

#[test]
fn sample_is_small_enough_to_commit() {
    assert!(
        SAMPLE_JSON.len() < 6 * 1024 * 1024,
        "{} bytes",
        SAMPLE_JSON.len()
    );
}

#[test]
fn sample_is_a_sound_catalogue() {
    let catalog = sample().unwrap();
    let leaves: HashSet<u64> = catalog
        .categories
        .iter()
        .filter(|category| {
            !catalog
                .categories
                .iter()
                .any(|child| child.parent_id == Some(category.id))
        })
        .map(|category| category.id)
        .collect();
    assert!(leaves.len() >= 40, "{} leaf categories", leaves.len());
    for category in &catalog.categories {
        let names = &category.names;
        assert!(
            names.uz.is_some()
                && names.uz_cyrl.is_some()
                && names.ru.is_some()
                && names.en.is_some()
        );
    }

    let mut skus = HashSet::new();
    let mut ids = HashSet::new();
    for product in &catalog.products {
        assert!(ids.insert(product.id));
        assert!(
            leaves.contains(&product.category_id),
            "product {} not in a leaf",
            product.id
        );
        assert!(!product.variants.is_empty() && !product.images.is_empty());
        assert!(product.age_min_months <= product.age_max_months && product.age_max_months <= 216);
        for variant in &product.variants {
            assert!(variant.price_tiyin > 0);
            assert!(
                skus.insert(variant.sku.as_str()),
                "duplicate sku {}",
                variant.sku
            );
        }
        for image in &product.images {
            let slug = image
                .url
                .trim_start_matches("/media/art/")
                .split('/')
                .next()
                .unwrap();
            let k: u32 = image
                .url
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".svg")
                .parse()
                .unwrap();
            assert!(datasets::render_art_svg(slug, k).is_some(), "{}", image.url);
        }
    }

    let all_forms = catalog
        .products
        .iter()
        .filter(|p| {
            p.title.uz.is_some()
                && p.title.uz_cyrl.is_some()
                && p.title.ru.is_some()
                && p.title.en.is_some()
        })
        .count();
    let share = all_forms as f64 / catalog.products.len() as f64;
    assert!(
        (0.45..0.65).contains(&share),
        "{share:.2} of products in all four forms"
    );
    let ascii_typed = catalog
        .products
        .iter()
        .filter_map(|product| product.title.uz.as_deref())
        .filter(|title| title.contains("o'") || title.contains("g'"))
        .count();
    let modern = catalog
        .products
        .iter()
        .filter_map(|product| product.title.uz.as_deref())
        .filter(|title| title.contains("o‘") || title.contains("g‘"))
        .count();
    assert!(
        ascii_typed > 50 && modern > 50,
        "{ascii_typed} ASCII, {modern} modern apostrophes"
    );
}
