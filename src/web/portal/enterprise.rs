//! Enterprise projects: what the portal knows of the switch, and enabling it (managers).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::actions::{Fields, after_submit, repeat_of, tz_of};
use crate::actions::{self, ActionKind, parse_key};
use crate::auth::extract::{Customer, Manager};
use crate::db::attempts;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;
use crate::web::public::FieldErrors;

/// `templates/portal/enterprise.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/enterprise.html")]
pub struct EnterprisePage {
    pub ctx: PageContext,
    /// When and by whom, if known.
    pub enabled_at: Option<String>,
    pub enabled_by: String,
    pub answer: String,
    /// A live attempt to enable, if one is being confirmed.
    pub live: Option<String>,
    pub key: String,
    pub errors: FieldErrors,
}

async fn render(
    state: &AppState,
    who: &Customer,
    errors: FieldErrors,
) -> AppResult<EnterprisePage> {
    let tz = tz_of(who);
    let known = attempts::enterprise_auth(&state.db, who.cloud_account_id).await?;
    let live = attempts::live_for_target(
        &state.db,
        who.cloud_account_id,
        ActionKind::EnterpriseAuth.as_str(),
        "account",
    )
    .await?
    .map(|a| a.id.to_string());
    Ok(EnterprisePage {
        ctx: PageContext::new(state, &who.user.session, Some(&who.user), "enterprise").await?,
        enabled_at: known.as_ref().map(|k| format::datetime(k.enabled_at, tz)),
        enabled_by: known
            .as_ref()
            .and_then(|k| k.enabled_by_email.clone())
            .unwrap_or_default(),
        answer: known.map(|k| k.upstream_answer).unwrap_or_default(),
        live,
        key: actions::new_key(),
        errors,
    })
}

/// `GET /enterprise`.
pub async fn page(State(state): State<AppState>, who: Customer) -> AppResult<Response> {
    Ok(render(&state, &who, FieldErrors::default())
        .await?
        .into_response())
}

/// `POST /enterprise/enable`.
pub async fn enable(
    State(state): State<AppState>,
    Manager(who): Manager,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Fields(form);
    let key = match parse_key(form.get("idempotency_key")) {
        Ok(k) => k,
        Err(m) => {
            let mut errors = FieldErrors::default();
            errors.add("enable", m);
            let page = render(&state, &who, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if let Some(r) = repeat_of(&state, &who, key).await? {
        return Ok(r);
    }
    let job = crate::actions::enterprise::enable_job(json!({}));
    let out = actions::submit(&state, &who, key, vec![job]).await?;
    after_submit(
        &state,
        &who,
        out,
        Some((ActionKind::EnterpriseAuth, "account".to_owned())),
        "/enterprise",
    )
    .await
}
