//! The catalogue repository, on SQLite and PostgreSQL.

use crate::backend_tests;
use crate::support::{TestDb, small_catalog};
use moderation::ModerationStatus;
use storefront::db::catalog::{NewImage, NewProduct, NewVariant, ProductTexts, time_from_unix};

/// A product builder for tests.
pub fn new_product(seller_id: i64, category_id: i64, title_uz: &str, sku: &str) -> NewProduct {
    NewProduct {
        id: None,
        seller_id,
        brand_id: None,
        category_id,
        title: ProductTexts {
            uz: Some(title_uz.to_owned()),
            ..ProductTexts::default()
        },
        description: ProductTexts {
            uz: Some(format!("{title_uz}: bolalar uchun")),
            ..ProductTexts::default()
        },
        age_min_months: 36,
        age_max_months: 120,
        variants: vec![NewVariant {
            sku: sku.to_owned(),
            options: Default::default(),
            price_tiyin: 15_000_000,
            stock: 5,
        }],
        images: vec![NewImage {
            url: "/media/art/toys/0.svg".to_owned(),
            alt: title_uz.to_owned(),
        }],
        featured: false,
        rating_avg: 0.0,
        rating_count: 0,
        sales_count: 0,
        created_at: time_from_unix(1_760_000_000),
    }
}

backend_tests!(
    seeding_writes_the_catalogue_and_its_outbox,
    |test: TestDb| async move {
        let catalog = small_catalog();
        let report = storefront::seed::seed_catalog(&test.db, &catalog)
            .await
            .unwrap();
        assert_eq!(report.products, catalog.products.len());
        assert_eq!(
            report.approved + report.pending + report.rejected,
            report.products
        );
        let counts = test.db.product_counts_by_status().await.unwrap();
        assert_eq!(
            counts.values().sum::<i64>() as usize,
            catalog.products.len()
        );
        assert_eq!(
            test.db.categories().await.unwrap().len(),
            catalog.categories.len()
        );
        assert_eq!(test.db.brands().await.unwrap().len(), catalog.brands.len());

        let changes = test.db.changes_after(0, 10_000).await.unwrap();
        assert_eq!(changes.len(), catalog.products.len());
        assert!(
            changes.windows(2).all(|pair| pair[0].seq < pair[1].seq),
            "outbox sequence is monotonic"
        );
        assert!(changes.iter().all(|change| !change.deleted));
        assert_eq!(
            test.db.head_seq().await.unwrap(),
            changes.last().unwrap().seq
        );

        let first = &catalog.products[0];
        let record = test
            .db
            .product_record(first.id as i64)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.variants.len(), first.variants.len());
        assert_eq!(record.images.len(), first.images.len());
        assert_eq!(record.variants[0].sku, first.variants[0].sku);
        assert_eq!(
            record.variants[0].price_tiyin,
            first.variants[0].price_tiyin
        );
        assert_eq!(record.product.title_uz, first.title.uz);
        assert_eq!(record.product.created_at.timestamp(), first.created_at);

        // A second seed is refused: it would duplicate the catalogue.
        assert!(
            storefront::seed::seed_catalog(&test.db, &catalog)
                .await
                .is_err()
        );
    }
);

backend_tests!(every_write_records_one_change, |test: TestDb| async move {
    storefront::seed::seed_catalog(&test.db, &small_catalog())
        .await
        .unwrap();
    let head = test.db.head_seq().await.unwrap();
    let id = test
        .db
        .insert_product(
            &new_product(1, 2, "Test mahsulot", "T-1"),
            ModerationStatus::Pending,
            "[]",
        )
        .await
        .unwrap();
    assert!(
        test.db
            .set_product_status(id, ModerationStatus::Approved, "[]")
            .await
            .unwrap()
    );
    assert!(test.db.delete_product(id).await.unwrap());
    // Writes to a missing product change nothing and record nothing.
    assert!(
        !test
            .db
            .set_product_status(id, ModerationStatus::Approved, "[]")
            .await
            .unwrap()
    );
    assert!(!test.db.delete_product(id).await.unwrap());

    let changes = test.db.changes_after(head, 100).await.unwrap();
    let ops: Vec<(i64, bool)> = changes
        .iter()
        .map(|change| (change.product_id, change.deleted))
        .collect();
    assert_eq!(ops, vec![(id, false), (id, false), (id, true)]);
    assert!(
        test.db.product_record(id).await.unwrap().is_none(),
        "variants and images cascade"
    );
    // New ids do not collide with seeded ones (identity sequences follow explicit ids).
    assert!(id > 300);
});

backend_tests!(
    a_failed_write_leaves_nothing_behind,
    |test: TestDb| async move {
        storefront::seed::seed_catalog(&test.db, &small_catalog())
            .await
            .unwrap();
        let head = test.db.head_seq().await.unwrap();
        let before = test.db.product_counts_by_status().await.unwrap();
        let existing_sku = test.db.product_record(1).await.unwrap().unwrap().variants[0]
            .sku
            .clone();
        // Duplicate SKU: the unique constraint fails after the product row was written.
        let duplicate = new_product(1, 2, "Nusxa", &existing_sku);
        assert!(
            test.db
                .insert_product(&duplicate, ModerationStatus::Approved, "[]")
                .await
                .is_err()
        );
        // Non-positive price and an inverted age range violate CHECK constraints.
        let mut free = new_product(1, 2, "Bepul", "FREE-1");
        free.variants[0].price_tiyin = 0;
        assert!(
            test.db
                .insert_product(&free, ModerationStatus::Approved, "[]")
                .await
                .is_err()
        );
        let mut inverted = new_product(1, 2, "Teskari", "INV-1");
        inverted.age_min_months = 100;
        inverted.age_max_months = 10;
        assert!(
            test.db
                .insert_product(&inverted, ModerationStatus::Approved, "[]")
                .await
                .is_err()
        );
        // Unknown category: foreign key.
        assert!(
            test.db
                .insert_product(
                    &new_product(1, 999_999, "Yo'q", "FK-1"),
                    ModerationStatus::Approved,
                    "[]"
                )
                .await
                .is_err()
        );

        assert_eq!(
            test.db.head_seq().await.unwrap(),
            head,
            "no outbox row from a failed write"
        );
        assert_eq!(test.db.product_counts_by_status().await.unwrap(), before);
    }
);
