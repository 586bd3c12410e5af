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
            &new_product(1, 2, "Bimbirlak sehrli qo'g'irchoq", "BIMBIRLAK-1"),
            ModerationStatus::Pending,
            "[]",
        )
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    let found = search_ids(&state, "bimbirlak").await;
    assert!(
        !found.contains(&(id as u64)),
        "pending product {id} found: {found:?}"
    );

    test.db
        .set_product_status(id, ModerationStatus::Approved, "[]")
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert_eq!(
        search_ids(&state, "bimbirlak").await.first(),
        Some(&(id as u64)),
        "approved → searchable"
    );
    // Cyrillic query finds the Latin title through the same outbox path.
    assert_eq!(
        search_ids(
            &state,
            "%D0%B1%D0%B8%D0%BC%D0%B1%D0%B8%D1%80%D0%BB%D0%B0%D0%BA"
        )
        .await
        .first(),
        Some(&(id as u64))
    );

    test.db
        .update_product_title(
            id,
            &ProductTexts {
                uz: Some("Xortumiz sehrli qo'g'irchoq".to_owned()),
                ..ProductTexts::default()
            },
        )
        .await
        .unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    // The old title's word is still in the description; the hit now shows the new title.
    let (_, body) = get_json(&state, "/api/v1/search?q=bimbirlak&age_months=60").await;
    assert_eq!(body["hits"][0]["id"], id, "{body}");
    assert_eq!(
        body["hits"][0]["title"], "Xortumiz sehrli qo'g'irchoq",
        "edit → re-indexed"
    );
    assert_eq!(
        search_ids(&state, "xortumiz+sehrli").await.first(),
        Some(&(id as u64))
    );

    test.db.delete_product(id).await.unwrap();
    storefront::indexing::sync_once(&state.0).await.unwrap();
    assert!(
        search_ids(&state, "xortumiz+sehrli")
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
            &new_product(1, 2, "Dovrenkos konstruktor", "DOVRENKOS-1"),
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
    assert_eq!(
        search_ids(&state, "dovrenkos").await.first(),
        Some(&(second as u64))
    );
    assert!(
        search_ids(&state, "xortumiz+sehrli")
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
                &new_product(1, 2, "Pelmutras pazl", "PELMUTRAS-1"),
                ModerationStatus::Approved,
                "[]",
            )
            .await
            .unwrap();
        state.0.index_wakeup.notify_one();
        // Wait for the loop (bounded so a broken loop fails instead of hanging).
        let mut found = false;
        for _ in 0..200 {
            if search_ids(&state, "pelmutras").await.contains(&(id as u64)) {
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
