//! Enabling enterprise projects for a cloud account (`CreateEnterpriseProjectAuth`).
//!
//! CBC has no query for this switch, so the portal keeps what it learnt in
//! `enterprise_project_auth` (written when a call succeeds), and an unknown outcome cannot be
//! read back: the reconciler settles it as unconfirmed and tells the person to check.

use std::sync::Arc;

use serde_json::{Value, json};

use super::reconciler::Verdict;
use super::{ActionKind, CallOutput, Job};
use crate::cbc::AccountCredentials;
use crate::cbc::ops::CreateEnterpriseProjectAuthRequest;

/// The job that enables enterprise projects.
///
/// API reference: not published for the EU site (operations.json `doc_url_eu` is null); see
/// the CBC API reference, "Enabling the Enterprise Project Management Service".
pub fn enable_job(summary: Value) -> Job {
    Job::new(
        ActionKind::EnterpriseAuth,
        "account".to_owned(),
        summary,
        move |cbc, creds: Arc<AccountCredentials>| async move {
            cbc.create_enterprise_project_auth(&creds, &CreateEnterpriseProjectAuthRequest {})
                .await?;
            Ok(CallOutput {
                result: json!({ "enabled": true }),
                failures: Vec::new(),
                targets: 1,
            })
        },
    )
}

/// What the reconciler can say about an unknown enable: nothing, CBC has no read-back.
pub fn check() -> Verdict {
    Verdict::Unconfirmable(
        "Huawei Cloud offers no way to read this switch back, so the portal could not confirm \
         it. Check the Enterprise Project Management console; enabling it again is harmless."
            .to_owned(),
    )
}
