//! The one integration test binary, laid out like the URL tree.

mod helpers;

mod auth;
mod browser;
mod cbc_client;
mod sandbox_mode;
mod security;
mod sessions;
