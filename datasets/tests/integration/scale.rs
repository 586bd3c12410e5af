//! The generator streams large catalogues in linear time.

use datasets::ProductGenerator;
use std::collections::HashSet;
use std::time::Instant;

#[test]
fn streams_a_hundred_thousand_products() {
    let started = Instant::now();
    let mut skus = HashSet::new();
    let mut count = 0;
    for product in ProductGenerator::new(5).take(100_000) {
        count += 1;
        for variant in product.variants {
            assert!(skus.insert(variant.sku));
        }
    }
    assert_eq!(count, 100_000);
    let elapsed = started.elapsed();
    // Release builds take about a second; unoptimised test builds are far slower, and the
    // machine is shared, so only a runaway (say, quadratic) generator trips this.
    let limit = if cfg!(debug_assertions) { 240 } else { 30 };
    assert!(
        elapsed.as_secs() < limit,
        "100,000 products took {elapsed:?}"
    );
}
