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
mod crash;
mod family;
mod featured;
mod listings;
mod moderation_queue;
mod money;
mod notify;
mod notify_api;
mod notify_email;
mod notify_push;
mod notify_sms;
mod orders;
mod outbox;
mod parental;
mod payme;
mod reviews;
mod safety;
mod seller_profile;
mod seller_sales;
mod shopper;
mod store;
mod suggest;
mod support;
mod web;
