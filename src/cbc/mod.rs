//! The client for Huawei Cloud's Customer Operations Capability API (CBC, also called BSS).

pub mod signer;
