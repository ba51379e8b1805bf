//! cbc-portal: a self-hosted sales portal for Huawei Cloud customers.
//!
//! Customers' finance and operations people log in to browse the catalog and prices, watch
//! balance and quota, pay or cancel orders, renew or unsubscribe resources and read their bills.
//! Every call to Huawei goes through the Customer Operations Capability API (CBC/BSS), signed
//! with the customer's AK/SK. See `DESIGN.md` for the map.
//!
//! Modules, outside in: [`web`] (HTTP, pages) → [`auth`] (who is asking) → [`db`], [`audit`],
//! [`cbc`] (the client) — and [`sandbox`], the built-in emulator of the CBC API.

pub mod actions;
pub mod audit;
pub mod auth;
pub mod cbc;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod metrics;
pub mod ownership;
pub mod pgserver;
pub mod sandbox;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
