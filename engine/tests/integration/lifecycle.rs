//! Index management: apply, delete, rebuild, reopen.

use crate::support::{child, product, search_ids};
use engine::{Change, Engine, ModerationStatus, SearchRequest};
use std::cell::Cell;

#[test]
fn apply_commits_changes_and_the_sequence_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("index");
    {
        let engine = Engine::open_or_create(&path).unwrap();
        assert_eq!(engine.applied_seq().unwrap(), 0);
        let upserts = (1..=3)
            .map(|id| Change::Upsert(Box::new(product(id).title_uz("Ayiq").build())))
            .collect();
        engine.apply(upserts, 5).unwrap();
        assert_eq!(engine.applied_seq().unwrap(), 5);
        assert_eq!(search_ids(&engine, "ayiq").len(), 3);
        engine
            .apply(vec![Change::Delete(engine::ProductId(2))], 6)
            .unwrap();
        assert_eq!(search_ids(&engine, "ayiq").len(), 2);
    }
    let reopened = Engine::open_or_create(&path).unwrap();
    assert_eq!(reopened.applied_seq().unwrap(), 6);
    assert_eq!(reopened.num_docs(), 2);
    let mut ids = search_ids(&reopened, "ayiq");
    ids.sort();
    assert_eq!(ids, vec![1, 3]);
}

#[test]
fn an_upsert_replaces_and_a_non_approved_upsert_removes() {
    let engine = Engine::in_memory().unwrap();
    let bear = product(1).title_uz("Ayiq").build();
    engine
        .apply(vec![Change::Upsert(Box::new(bear.clone()))], 1)
        .unwrap();
    let renamed = product(1).title_uz("Quyon").build();
    engine
        .apply(vec![Change::Upsert(Box::new(renamed))], 2)
        .unwrap();
    assert_eq!(engine.num_docs(), 1);
    assert!(search_ids(&engine, "ayiq").is_empty());
    assert_eq!(search_ids(&engine, "quyon"), vec![1]);
    let held = product(1)
        .title_uz("Quyon")
        .status(ModerationStatus::Pending)
        .build();
    engine
        .apply(vec![Change::Upsert(Box::new(held))], 3)
        .unwrap();
    assert_eq!(engine.num_docs(), 0);
    assert!(search_ids(&engine, "quyon").is_empty());
    // Upserting the same product twice in one batch keeps the last version only.
    engine
        .apply(
            vec![
                Change::Upsert(Box::new(bear)),
                Change::Upsert(Box::new(product(1).title_uz("Tulki").build())),
            ],
            4,
        )
        .unwrap();
    assert_eq!(engine.num_docs(), 1);
    assert_eq!(search_ids(&engine, "tulki"), vec![1]);
    assert_eq!(engine.applied_seq().unwrap(), 4);
}

#[test]
fn rebuild_replaces_everything_and_reports_progress() {
    let engine = Engine::in_memory().unwrap();
    engine
        .apply(
            vec![Change::Upsert(Box::new(
                product(999).title_uz("Eski").build(),
            ))],
            3,
        )
        .unwrap();
    let docs = (1..=2_500).map(|id| {
        let status = if id % 10 == 0 {
            ModerationStatus::Rejected
        } else {
            ModerationStatus::Approved
        };
        product(id).title_uz("Yangi kitob").status(status).build()
    });
    let calls = Cell::new(Vec::new());
    let progress = |read: u64| {
        let mut seen = calls.take();
        seen.push(read);
        calls.set(seen);
    };
    let indexed = engine.rebuild(docs, 9, &progress).unwrap();
    assert_eq!(indexed, 2_250);
    assert_eq!(engine.num_docs(), 2_250);
    assert_eq!(engine.applied_seq().unwrap(), 9);
    assert!(search_ids(&engine, "eski").is_empty());
    let mut request = SearchRequest::new("kitob");
    request.per_page = 1;
    assert_eq!(engine.search(child(), &request).unwrap().total, 2_250);
    assert_eq!(calls.take(), vec![1_000, 2_000, 2_500]);
}

#[test]
fn searches_run_concurrently_with_changes() {
    let engine = std::sync::Arc::new(Engine::in_memory().unwrap());
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for seq in 1..=20u64 {
                let change = Change::Upsert(Box::new(product(seq).title_uz("Ayiq").build()));
                engine.apply(vec![change], seq).unwrap();
            }
        });
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..50 {
                    let results = engine.search(child(), &SearchRequest::new("ayiq")).unwrap();
                    assert!(results.total <= 20);
                }
            });
        }
        writer.join().unwrap();
    });
    assert_eq!(engine.num_docs(), 20);
    assert_eq!(engine.applied_seq().unwrap(), 20);
}

#[test]
fn an_index_of_another_schema_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("title", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
    match Engine::open_or_create(dir.path()) {
        Err(engine::Error::Corrupt(message)) => assert!(message.contains("rebuild")),
        other => panic!("expected a corrupt-index error, got {other:?}"),
    }
}
