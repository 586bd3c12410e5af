//! Storefront integration tests: the store on SQLite and PostgreSQL, the outbox-driven index,
//! and the HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod auth;
mod card_payments;
mod cart;
mod checkout;
mod click;
mod concurrency;
mod family;
mod listings;
mod moderation_queue;
mod money;
mod orders;
mod outbox;
mod payme;
mod reviews;
mod safety;
mod store;
mod support;
