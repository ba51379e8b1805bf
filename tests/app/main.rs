//! The one integration test binary, laid out like the URL tree.

mod helpers;

mod admin_accounts;
mod admin_users;
mod audit_trail;
mod auth;
mod browser;
mod cbc_client;
mod cbc_sandbox;
mod cli;
mod dates;
mod endpoints;
mod enterprise;
mod exports;
mod forwarded;
mod memory;
mod ops;
mod orders;
mod pages_account;
mod pages_bills;
mod pages_catalog;
mod pages_dashboard;
mod pages_packages;
mod pages_pricing;
mod pages_support;
mod reconcile;
mod renewals;
mod resilience;
mod router_source;
mod routes;
mod sandbox_mode;
mod security;
mod sessions;
mod test_script;
