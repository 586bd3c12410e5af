//! A child's parental restrictions in search: a blocked or allowed category stands for its whole
//! subtree, in every mode, in totals and facets.

use crate::support::{child, engine_with, hit_ids, product, random_vector, ranked_request};
use engine::{Allowlist, ProductId, Restrictions, SearchMode, SearchRequest};
use std::sync::Arc;

/// Categories: 1 toys > 2 dolls > 3 fashion dolls; 1 toys > 4 cars; 5 books.
fn catalogue() -> engine::Engine {
    let dimension = 8;
    let products = [
        (10, vec![1]),
        (11, vec![1, 2]),
        (12, vec![1, 2, 3]),
        (13, vec![1, 4]),
        (14, vec![5]),
        (15, vec![1, 2, 3]),
    ]
    .into_iter()
    .map(|(id, path): (u64, Vec<u64>)| {
        product(id)
            .title_uz("o‘yinchoq")
            .category(&path)
            .embedding(random_vector(id, dimension))
            .build()
    })
    .collect();
    engine_with(products)
}

fn request(mode: SearchMode, restrictions: Restrictions) -> SearchRequest {
    let mut request = ranked_request(mode, "o‘yinchoq", random_vector(12, 8));
    if mode == SearchMode::Lexical {
        request.query_vector = None;
    }
    request.restrictions = Some(Arc::new(restrictions));
    request
}

fn sorted(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort_unstable();
    ids
}

#[test]
fn a_blocked_parent_category_hides_its_whole_subtree_in_every_mode() {
    let engine = catalogue();
    let blocked = Restrictions {
        blocked_categories: vec![2],
        only: None,
    };
    for mode in SearchMode::ALL {
        let results = engine
            .search(child(), &request(mode, blocked.clone()))
            .unwrap();
        // 11 is in 2, 12 and 15 in 2's child 3: all hidden.
        assert_eq!(sorted(hit_ids(&results)), vec![10, 13, 14], "{mode:?}");
        if mode == SearchMode::Lexical {
            assert_eq!(results.total, 3);
            assert!(
                results
                    .facets
                    .categories
                    .iter()
                    .all(|facet| facet.id != 2 && facet.id != 3),
                "{:?}",
                results.facets.categories
            );
        }
    }
    // Unrestricted, everything is found.
    let all = engine
        .search(
            child(),
            &SearchRequest {
                per_page: 100,
                ..SearchRequest::new("o‘yinchoq")
            },
        )
        .unwrap();
    assert_eq!(all.total, 6);
}

#[test]
fn an_allowed_parent_category_admits_its_subtree_and_approved_products() {
    let engine = catalogue();
    let only = Restrictions {
        blocked_categories: vec![3],
        only: Some(Allowlist {
            products: vec![ProductId(14), ProductId(15)],
            categories: vec![1],
        }),
    };
    for mode in SearchMode::ALL {
        let results = engine
            .search(child(), &request(mode, only.clone()))
            .unwrap();
        // Toys (1) and every descendant, except the blocked 3 (whose product 15 stays hidden
        // although approved one by one), plus the approved book 14.
        assert_eq!(sorted(hit_ids(&results)), vec![10, 11, 13, 14], "{mode:?}");
    }
    let nothing = Restrictions {
        blocked_categories: Vec::new(),
        only: Some(Allowlist::default()),
    };
    let results = engine
        .search(child(), &request(SearchMode::Lexical, nothing))
        .unwrap();
    assert_eq!(results.total, 0);
}
