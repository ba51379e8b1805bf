//! cbc-portal: a self-hosted sales portal for Huawei Cloud customers.

pub mod cbc;
pub mod sandbox;
