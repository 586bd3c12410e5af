//! The vector index's lifecycle: upserts, deletes, persistence and repair on open.

use crate::support::{child, hit_ids, product, random_vector, ranked_request, search_ids};
use engine::{Change, Engine, ProductId, SearchMode, VectorParams};
use std::path::Path;

const DIM: usize = 16;

fn upsert(id: u64, seed: u64) -> Change {
    Change::Upsert(Box::new(
        product(id)
            .title_uz("Ayiq")
            .embedding(random_vector(seed, DIM))
            .build(),
    ))
}

fn nearest(engine: &Engine, seed: u64) -> Vec<u64> {
    let request = ranked_request(SearchMode::Semantic, "", random_vector(seed, DIM));
    hit_ids(&engine.search(child(), &request).unwrap())
}

fn every_change_saved() -> VectorParams {
    VectorParams {
        snapshot_every: 1,
        ..VectorParams::default()
    }
}

fn open(path: &Path, params: VectorParams) -> Engine {
    Engine::open_or_create_with(path, params).unwrap()
}

#[test]
fn upserts_and_deletes_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let engine = open(&path, every_change_saved());
        engine
            .apply((1..=5).map(|id| upsert(id, id)).collect(), 1)
            .unwrap();
        assert_eq!(nearest(&engine, 3)[0], 3);
        engine
            .apply(vec![upsert(3, 33), Change::Delete(ProductId(4))], 2)
            .unwrap();
        assert_eq!(nearest(&engine, 33)[0], 3);
        let status = engine.vector_status();
        assert_eq!(
            (status.vectors, status.seq, status.saved_seq),
            (4, 2, Some(2))
        );
        assert_eq!(status.dimension, Some(DIM));
    }
    let engine = open(&path, VectorParams::default());
    let status = engine.vector_status();
    assert_eq!(status.last_repair, None);
    assert_eq!((status.vectors, status.seq), (4, 2));
    assert_eq!(nearest(&engine, 33)[0], 3);
    let mut all = nearest(&engine, 1);
    all.sort_unstable();
    assert_eq!(all, vec![1, 2, 3, 5]);
}

#[test]
fn a_lagging_snapshot_is_repaired_from_the_stored_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let engine = open(&path, every_change_saved());
        engine
            .apply((1..=3).map(|id| upsert(id, id)).collect(), 1)
            .unwrap();
    }
    {
        // Snapshots every 1,000 changes: this one stays in memory, as if the process died
        // after the lexical commit.
        let engine = open(&path, VectorParams::default());
        engine
            .apply(
                vec![upsert(1, 11), Change::Delete(ProductId(2)), upsert(4, 4)],
                2,
            )
            .unwrap();
        assert_eq!(engine.vector_status().saved_seq, Some(1));
    }
    let engine = open(&path, VectorParams::default());
    let status = engine.vector_status();
    let repair = status.last_repair.unwrap();
    assert!(repair.reason.contains("seq 1"), "{}", repair.reason);
    assert_eq!((repair.inserted, repair.removed), (2, 2));
    assert_eq!(
        (status.vectors, status.seq, status.saved_seq),
        (3, 2, Some(2))
    );
    assert_eq!(nearest(&engine, 11)[0], 1);
    assert_eq!(nearest(&engine, 4)[0], 4);
    assert!(!nearest(&engine, 2).contains(&2));
    // Repaired and saved: the next open has nothing to do.
    drop(engine);
    assert_eq!(
        open(&path, VectorParams::default())
            .vector_status()
            .last_repair,
        None
    );
}

#[test]
fn a_missing_or_corrupt_snapshot_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let engine = open(&path, VectorParams::default());
        let docs = (1..=300).map(|id| {
            product(id)
                .title_uz("Kitob")
                .embedding(random_vector(id, DIM))
                .build()
        });
        engine.rebuild(docs, 7, &|_| {}).unwrap();
        // A rebuild writes a snapshot.
        assert_eq!(engine.vector_status().saved_seq, Some(7));
    }
    let data = path.join("vectors").join("current").join("graph.hnsw.data");
    let mut bytes = std::fs::read(&data).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&data, bytes).unwrap();
    {
        let engine = open(&path, VectorParams::default());
        let repair = engine.vector_status().last_repair.unwrap();
        assert!(repair.reason.contains("unusable"), "{}", repair.reason);
        assert_eq!(repair.inserted, 300);
        assert_eq!(nearest(&engine, 123)[0], 123);
    }
    std::fs::remove_dir_all(path.join("vectors")).unwrap();
    let engine = open(&path, VectorParams::default());
    assert_eq!(engine.vector_status().last_repair.unwrap().inserted, 300);
    assert_eq!(nearest(&engine, 45)[0], 45);
}

#[test]
fn save_vectors_makes_the_next_open_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let engine = open(&path, VectorParams::default());
        engine
            .apply((1..=4).map(|id| upsert(id, id)).collect(), 3)
            .unwrap();
        engine.save_vectors().unwrap();
    }
    let engine = open(&path, VectorParams::default());
    assert_eq!(engine.vector_status().last_repair, None);
    assert_eq!(engine.vector_status().vectors, 4);
}

#[test]
fn bad_embeddings_are_dropped_and_the_product_stays_searchable() {
    let engine = Engine::in_memory().unwrap();
    let wrong_dimension = product(2)
        .title_uz("Ayiq")
        .embedding(vec![1.0; DIM + 3])
        .build();
    let nan = product(3)
        .title_uz("Ayiq")
        .embedding(vec![f32::NAN; DIM])
        .build();
    engine
        .apply(
            vec![
                upsert(1, 1),
                Change::Upsert(Box::new(wrong_dimension)),
                Change::Upsert(Box::new(nan)),
            ],
            1,
        )
        .unwrap();
    assert_eq!(engine.vector_status().vectors, 1);
    let mut lexical = search_ids(&engine, "ayiq");
    lexical.sort_unstable();
    assert_eq!(lexical, vec![1, 2, 3]);
    assert_eq!(nearest(&engine, 9), vec![1]);
}

#[test]
fn a_rebuild_may_change_the_dimension() {
    let engine = Engine::in_memory().unwrap();
    engine.apply(vec![upsert(1, 1)], 1).unwrap();
    let docs = (1..=3).map(|id| product(id).embedding(random_vector(id, 8)).build());
    engine.rebuild(docs, 2, &|_| {}).unwrap();
    assert_eq!(engine.vector_status().dimension, Some(8));
    let request = ranked_request(SearchMode::Semantic, "", random_vector(2, 8));
    assert_eq!(hit_ids(&engine.search(child(), &request).unwrap())[0], 2);
}

#[test]
fn repeated_updates_compact_the_graph() {
    let engine = Engine::in_memory().unwrap();
    engine
        .apply((1..=100).map(|id| upsert(id, id)).collect(), 1)
        .unwrap();
    for round in 0..5u64 {
        let changes = (1..=50)
            .map(|id| upsert(id, 1_000 * (round + 1) + id))
            .collect();
        engine.apply(changes, 2 + round).unwrap();
    }
    let status = engine.vector_status();
    assert_eq!(status.vectors, 100);
    assert!(status.tombstones <= 25, "{status:?}");
    assert_eq!(nearest(&engine, 5_007)[0], 7);
    assert_eq!(nearest(&engine, 77)[0], 77);
}

#[test]
fn semantic_searches_run_concurrently_with_vector_changes() {
    let engine = std::sync::Arc::new(Engine::in_memory().unwrap());
    engine.apply(vec![upsert(1, 1)], 1).unwrap();
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for seq in 2..=40u64 {
                // New products, replaced vectors and deletions (which trigger compactions).
                let changes = vec![
                    upsert(seq, seq),
                    upsert(seq / 2, seq * 100),
                    Change::Delete(ProductId(seq / 3)),
                ];
                engine.apply(changes, seq).unwrap();
            }
        });
        for reader in 0..2u64 {
            let engine = &engine;
            scope.spawn(move || {
                for round in 0..60 {
                    let request = ranked_request(
                        SearchMode::Hybrid,
                        "ayiq",
                        random_vector(reader * 1_000 + round, DIM),
                    );
                    let results = engine.search(child(), &request).unwrap();
                    assert!(results.hits.len() as u64 <= results.total);
                }
            });
        }
        writer.join().unwrap();
    });
    let status = engine.vector_status();
    assert_eq!(status.seq, 40);
    assert_eq!(status.vectors, engine.num_docs());
}
