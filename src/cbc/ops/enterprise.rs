//! Enterprise project management.
//!
//! Field names and types follow `tests/fixtures/cbc-api/operations.json` exactly.
use super::{CacheClass, Kind, Method, Operation};
use serde::{Deserialize, Serialize};

/// Request of `CreateEnterpriseProjectAuth`: POST `/v2/enterprises/enterprise-projects/authority`.
///
/// Enables enterprise-project management for the calling customer. No request body/params. On a
/// failed business check the error body carries fail_check_items (e.g. NOT_OPEN_PROJECT_GROUP,
/// NOT_OPEN_MULTI_PROJECT). Doc page id not confirmed in the stored corpus.
///
/// API reference: not published for the EU site; see the CBC API reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateEnterpriseProjectAuthRequest {}

/// Response of `CreateEnterpriseProjectAuth`: HTTP 204 with no body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateEnterpriseProjectAuthResponse {}

impl Operation for CreateEnterpriseProjectAuthRequest {
    const ID: &'static str = "CreateEnterpriseProjectAuth";
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/v2/enterprises/enterprise-projects/authority";
    const KIND: Kind = Kind::Action;
    const CACHE: CacheClass = CacheClass::None;
    const UPSTREAM_LIMIT_PER_SEC: u32 = 10;
    const SUCCESS_STATUS: u16 = 204;
    const CTS_EVENT: Option<&'static str> = Some("openEnterpriseProjectAuth");
    type Response = CreateEnterpriseProjectAuthResponse;

    fn path(&self) -> String {
        "/v2/enterprises/enterprise-projects/authority".to_owned()
    }

    fn query(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn body(&self) -> Result<Option<Vec<u8>>, serde_json::Error> {
        Ok(None)
    }

    fn language(&self) -> Option<&str> {
        None
    }
}
