//! The outbox-driven index: approve → searchable, edit → re-indexed, delete → gone, restart →
//! resumes from the last applied sequence. Runs on SQLite and PostgreSQL.

use crate::backend_tests;
use crate::store::new_product;
use crate::support::{TestDb, app_with, get_json, hit_ids, open_app_on, small_catalog};
use moderation::ModerationStatus;
use std::time::Duration;
use storefront::db::catalog::ProductTexts;

async fn search_ids(state: &storefront::AppState, q: &str) -> Vec<u64> {
    let (status, body) = get_json(state, &format!("/api/v1/search?q={q}&age_months=60")).await;
    assert_eq!(status, 200, "{body}");
    hit_ids(&body)
}

backend_tests!(approve_edit_delete_and_restart, |test: TestDb| async move {
    let state = app_with(&test, &small_catalog()).await;
    let id = test
        .db
        .insert_product(
            &new_product(1, 2, "Zumrad sehrli qo'g'irchoq", "ZUMRAD-1"),
            ModerationStatus::Pending,
            "[]",
        )
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert!(
        search_ids(&state, "zumrad").await.is_empty(),
        "pending products are not searchable"
    );

    test.db
        .set_product_status(id, ModerationStatus::Approved, "[]")
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert_eq!(
        search_ids(&state, "zumrad").await,
        vec![id as u64],
        "approved → searchable"
    );
    // Cyrillic query finds the Latin title through the same outbox path.
    assert_eq!(
        search_ids(&state, "%D0%B7%D1%83%D0%BC%D1%80%D0%B0%D0%B4").await,
        vec![id as u64]
    );

    test.db
        .update_product_title(
            id,
            &ProductTexts {
                uz: Some("Lola sehrli qo'g'irchoq".to_owned()),
                ..ProductTexts::default()
            },
        )
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert!(
        search_ids(&state, "zumrad").await.is_empty(),
        "edit → old title gone"
    );
    assert_eq!(
        search_ids(&state, "lola+sehrli").await.first(),
        Some(&(id as u64))
    );

    test.db.delete_product(id).await.unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert!(
        search_ids(&state, "lola+sehrli")
            .await
            .iter()
            .all(|hit| *hit != id as u64),
        "delete → gone"
    );
    let applied = state.0.engine.applied_seq().unwrap();
    assert_eq!(applied, test.db.head_seq().await.unwrap());

    // Restart: close the index, write while "down", reopen and resume from the stored sequence.
    drop(state);
    let second = test
        .db
        .insert_product(
            &new_product(1, 2, "Yulduzcha konstruktor", "YULDUZ-1"),
            ModerationStatus::Approved,
            "[]",
        )
        .await
        .unwrap();
    let state = open_app_on(&test).await;
    assert!(
        state.0.engine.applied_seq().unwrap() > applied,
        "resumed past the stored sequence"
    );
    assert_eq!(search_ids(&state, "yulduzcha").await, vec![second as u64]);
    assert!(
        search_ids(&state, "lola+sehrli")
            .await
            .iter()
            .all(|hit| *hit != id as u64)
    );
});

backend_tests!(
    the_sync_loop_applies_writes_without_a_rebuild,
    |test: TestDb| async move {
        let state = app_with(&test, &small_catalog()).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let sync = tokio::spawn(storefront::indexing::run_sync_loop(
            state.0.clone(),
            stopped,
        ));
        let docs_before = state.0.engine.num_docs();
        let id = test
            .db
            .insert_product(
                &new_product(1, 2, "Kamalak pazl", "KAMALAK-1"),
                ModerationStatus::Approved,
                "[]",
            )
            .await
            .unwrap();
        state.0.index_wakeup.notify_one();
        // Wait for the loop (bounded so a broken loop fails instead of hanging).
        let mut found = false;
        for _ in 0..200 {
            if search_ids(&state, "kamalak").await == vec![id as u64] {
                found = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        stop.send(true).unwrap();
        sync.await.unwrap();
        assert!(found, "the loop indexed the new product");
        assert_eq!(state.0.engine.num_docs(), docs_before + 1);
    }
);
