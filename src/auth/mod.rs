//! Who is asking: passwords, sessions, CSRF, login throttling and the extractors that prove a
//! role before a handler runs.

pub mod csrf;
pub mod extract;
pub mod login;
pub mod password;
pub mod session;
pub mod totp;

pub use extract::{CurrentUser, Customer, Manager, Staff};
