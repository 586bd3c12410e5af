//! Every planted unsafe listing of the committed sample is kept out of the index, and few
//! ordinary products are held back.

use std::collections::HashMap;

#[test]
fn the_planted_unsafe_set_is_caught_with_few_false_alarms() {
    let catalog = datasets::sample().unwrap();
    let taxonomy = indexer::taxonomy_of(&catalog.categories).unwrap();
    let brands: HashMap<u64, String> = catalog
        .brands
        .iter()
        .map(|b| (b.id, b.name.clone()))
        .collect();
    let mut missed = Vec::new();
    let (mut held, mut ordinary) = (0usize, 0usize);
    for product in &catalog.products {
        let doc = indexer::doc_from_product(product, &brands, &taxonomy);
        let approved = doc.status == moderation::ModerationStatus::Approved;
        match product.unsafe_label {
            Some(kind) if approved => missed.push(format!(
                "{} {:?}: {:?}",
                product.id,
                kind,
                product
                    .title
                    .en
                    .as_ref()
                    .or(product.title.ru.as_ref())
                    .or(product.title.uz.as_ref())
            )),
            Some(_) => {}
            None => {
                ordinary += 1;
                if !approved {
                    held += 1;
                }
            }
        }
    }
    let planted = catalog
        .products
        .iter()
        .filter(|p| p.unsafe_label.is_some())
        .count();
    println!(
        "planted {planted}, missed {}; ordinary {ordinary}, held {held} ({:.2}%)",
        missed.len(),
        100.0 * held as f64 / ordinary as f64
    );
    assert!(missed.is_empty(), "unsafe listings approved: {missed:#?}");
    assert!(
        held * 100 <= ordinary * 2,
        "more than 2% of ordinary products held: {held}/{ordinary}"
    );
}
