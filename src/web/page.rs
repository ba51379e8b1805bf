//! `PageContext`: what every page's layout needs (who, which account, CSRF token, flash, request
//! id), and flash messages carried across a POST -> redirect -> GET.

use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::auth::csrf;
use crate::auth::session::{FLASH_KEY, Session};
use crate::error::AppError;
use crate::state::AppState;

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info`, `warning` or `error`.
    pub kind: String,
    pub message: String,
}

/// Queues a flash message for the next page this session renders.
pub async fn flash(
    session: &Session,
    kind: &str,
    message: impl Into<String>,
) -> Result<(), AppError> {
    let mut all: Vec<Flash> = session.get(FLASH_KEY).await?.unwrap_or_default();
    all.push(Flash {
        kind: kind.to_owned(),
        message: message.into(),
    });
    session.insert(FLASH_KEY, all).await?;
    Ok(())
}

/// The signed-in person as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserInfo {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub is_staff: bool,
    pub is_manager: bool,
}

/// Shared data of every page.
#[derive(Debug, Clone)]
pub struct PageContext {
    pub user: Option<UserInfo>,
    /// The customer's cloud account name (customer pages).
    pub account_name: Option<String>,
    /// Whether the account in view is served by the sandbox.
    pub sandbox: bool,
    pub csrf_token: String,
    pub flash: Vec<Flash>,
    pub request_id: String,
    /// Which navigation entry is current.
    pub nav: &'static str,
}

impl PageContext {
    /// Builds the context for a page; takes (and clears) pending flash messages.
    pub async fn new(
        state: &AppState,
        session: &Session,
        user: Option<&CurrentUser>,
        nav: &'static str,
    ) -> Result<Self, AppError> {
        let csrf_token = csrf::token(state, session).await?;
        let flash: Vec<Flash> = match session.get::<Vec<Flash>>(FLASH_KEY).await? {
            Some(f) if !f.is_empty() => {
                session.remove_value(FLASH_KEY).await?;
                f
            }
            _ => Vec::new(),
        };
        let mut account_name = None;
        let mut sandbox = false;
        if let Some(id) = user.and_then(|u| u.user.cloud_account_id)
            && let Some(a) = state.account(id).await?
        {
            account_name = Some(a.name.clone());
            sandbox = a.is_sandbox;
        }
        Ok(Self {
            user: user.map(|u| UserInfo {
                email: u.user.email.clone(),
                display_name: u.user.display_name.clone(),
                role: u.user.role.clone(),
                is_staff: u.user.role == "staff",
                is_manager: u.user.role == "manager",
            }),
            account_name,
            sandbox,
            csrf_token,
            flash,
            request_id: crate::telemetry::request_id(),
            nav,
        })
    }
}
