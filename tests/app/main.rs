//! The one integration test binary, laid out like the URL tree.

mod helpers;

mod auth;
mod browser;
mod cbc_client;
mod pages_account;
mod pages_bills;
mod pages_catalog;
mod pages_dashboard;
mod pages_packages;
mod pages_pricing;
mod pages_support;
mod sandbox_mode;
mod security;
mod sessions;
