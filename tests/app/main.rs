//! The one integration test binary, laid out like the URL tree.

mod helpers;

mod auth;
mod security;
mod sessions;
