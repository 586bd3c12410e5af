//! Storefront integration tests: the store on SQLite and PostgreSQL, the outbox-driven index,
//! and the HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod auth;
mod family;
mod listings;
mod moderation_queue;
mod outbox;
mod safety;
mod store;
mod support;
