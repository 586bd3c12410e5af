//! The planted unsafe listings: about 2.5% of products, every kind in every language form.

use datasets::{Localized, UnsafeKind, sample};

#[test]
fn plants_about_two_and_a_half_percent() {
    let catalog = sample().unwrap();
    let planted = catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_some())
        .count();
    let share = planted as f64 / catalog.products.len() as f64;
    assert!(
        (0.015..0.035).contains(&share),
        "{planted} planted ({share:.3})"
    );
}

/// Whether a text has one language form.
type HasForm = fn(&Localized) -> bool;

#[test]
fn every_kind_appears_in_every_language_form() {
    let catalog = sample().unwrap();
    let forms: [(&str, HasForm); 4] = [
        ("uz", |text| text.uz.is_some()),
        ("uz_cyrl", |text| text.uz_cyrl.is_some()),
        ("ru", |text| text.ru.is_some()),
        ("en", |text| text.en.is_some()),
    ];
    for kind in UnsafeKind::ALL {
        for (form, has) in forms {
            let found = catalog.products.iter().any(|product| {
                product.unsafe_label == Some(kind)
                    && has(&product.title)
                    && has(&product.description)
            });
            assert!(found, "no {kind:?} listing in {form}");
        }
    }
}

#[test]
fn small_parts_are_tagged_for_toddlers_and_listings_look_ordinary() {
    let catalog = sample().unwrap();
    for product in catalog
        .products
        .iter()
        .filter(|product| product.unsafe_label.is_some())
    {
        if product.unsafe_label == Some(UnsafeKind::SmallPartsMislabelled) {
            assert!(product.age_min_months < 36, "product {}", product.id);
        }
        assert!(!product.variants.is_empty() && !product.images.is_empty());
        assert!(
            product
                .variants
                .iter()
                .all(|variant| variant.price_tiyin >= 800_000)
        );
    }
}
