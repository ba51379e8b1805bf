//! The client for Huawei Cloud's Customer Operations Capability API (CBC, also called BSS).
//!
//! - [`ops`]: typed requests/responses for all 32 operations, and the [`ops::Operation`] trait.
//! - [`client`]: [`Client`], built once from [`ClientSettings`]; each call takes the cloud
//!   account's [`AccountCredentials`]. `client.cached(&acct, &req)` for pages,
//!   `client.call(&acct, &req)` for actions and the reconciler; one typed method per operation
//!   (e.g. `client.list_customer_orders(&acct, &req)`).
//! - [`error`]: [`CbcError`], with `user_message()` and `outcome_is_ambiguous()`.
//! - [`egress`]: [`EgressPolicy`], which addresses the client may connect to.
//! - [`cache`]: the single-flight read cache and [`Cached`].
//! - [`money`]: `measure_id` to major currency units.
//! - [`signer`]: `SDK-HMAC-SHA256`, shared with the sandbox.

pub mod cache;
pub mod client;
pub mod egress;
pub mod error;
pub mod money;
pub mod ops;
pub mod signer;
mod typed;

pub use cache::{CacheSettings, Cached};
pub use client::{AccountCredentials, Auth, Client, ClientSettings};
pub use egress::EgressPolicy;
pub use error::CbcError;
pub use money::{Measured, to_major_units};
