//! `/account`: balances by account type, debt, and the expenditure quota of monthly-settlement
//! customers. The balance and quota views are shared with the dashboard.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_decimal::Decimal;

use super::view::{self, Staleness, Viewer};
use crate::auth::Customer;
use crate::cbc::ops::{
    ShowCustomerAccountBalancesRequest, ShowCustomerAccountBalancesResponse,
    ShowCustomerExpenditureQuotaRequest, ShowCustomerExpenditureQuotaResponse,
};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::format;
use crate::web::page::PageContext;

pub const ACCOUNT: &str = "/account";

/// Routes of the account page.
pub fn router() -> Router<AppState> {
    Router::new().route(ACCOUNT, get(account))
}

/// One balance line.
#[derive(Debug, Clone)]
pub struct BalanceLine {
    pub name: String,
    pub account_id: String,
    pub amount: String,
    pub credit_limit: Option<String>,
    pub designated: Option<String>,
}

/// Balances as pages show them.
#[derive(Debug, Clone)]
pub struct BalanceView {
    pub lines: Vec<BalanceLine>,
    /// The cash balance (account type 1).
    pub cash: String,
    /// Sum of all balances.
    pub total: String,
    pub debt: String,
    pub has_debt: bool,
}

impl BalanceView {
    /// Builds the view from CBC's answer; amounts are converted with their `measure_id`.
    pub fn from(res: &ShowCustomerAccountBalancesResponse) -> Self {
        let currency = res.currency.clone().unwrap_or_default();
        let mut total = Decimal::ZERO;
        let mut cash = Decimal::ZERO;
        let mut lines = Vec::new();
        for b in &res.account_balances {
            let cur = b.currency.clone().unwrap_or_else(|| currency.clone());
            let amount = view::major(b.amount, b.measure_id);
            total += amount;
            if b.account_type == Some(1) {
                cash += amount;
            }
            let nonzero = |d: Option<Decimal>| {
                let m = view::major(d, b.measure_id);
                (!m.is_zero()).then(|| format::money(m, &cur))
            };
            lines.push(BalanceLine {
                name: view::names::account_type(b.account_type),
                account_id: view::text(b.account_id.as_deref()),
                amount: format::money(amount, &cur),
                credit_limit: nonzero(b.credit_amount),
                designated: nonzero(b.designated_amount),
            });
        }
        let debt = view::major(res.debt_amount, res.measure_id);
        BalanceView {
            lines,
            cash: format::money(cash, &currency),
            total: format::money(total, &currency),
            debt: format::money(debt, &currency),
            has_debt: debt > Decimal::ZERO,
        }
    }
}

/// The expenditure quota, when the account has one.
#[derive(Debug, Clone)]
pub struct QuotaView {
    pub granted: String,
    pub used: String,
    pub left: String,
    /// 0..=100, for the meter.
    pub percent: u32,
    /// `42.5 %`.
    pub percent_label: String,
    pub high: bool,
}

impl QuotaView {
    /// `None` when no quota is granted (not a monthly-settlement account).
    pub fn from(res: &ShowCustomerExpenditureQuotaResponse) -> Option<Self> {
        let currency = res.currency.clone().unwrap_or_default();
        let granted = view::major(res.granting_amount, res.measure_id);
        if granted <= Decimal::ZERO {
            return None;
        }
        let used = view::major(res.granting_amount_used, res.measure_id);
        let pct = (used * Decimal::ONE_HUNDRED / granted).round_dp(1);
        let clamped = pct.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
        Some(QuotaView {
            granted: format::money(granted, &currency),
            used: format::money(used, &currency),
            left: format::money(granted - used, &currency),
            percent: clamped.round().try_into().unwrap_or(0),
            percent_label: format!("{pct} %"),
            high: pct >= Decimal::from(80),
        })
    }
}

/// `templates/portal/account.html`.
#[derive(Template, WebTemplate)]
#[template(path = "portal/account.html")]
pub struct AccountPage {
    pub ctx: PageContext,
    pub balances: BalanceView,
    pub quota: Option<QuotaView>,
    pub stale: Option<String>,
}

async fn account(State(state): State<AppState>, customer: Customer) -> AppResult<Response> {
    let v = Viewer::load(&state, customer).await?;
    let (bal, quota) = tokio::join!(
        v.read(
            &state,
            "Loading your balances",
            &ShowCustomerAccountBalancesRequest {}
        ),
        v.read(
            &state,
            "Loading your expenditure quota",
            &ShowCustomerExpenditureQuotaRequest {}
        ),
    );
    let (bal, quota) = (bal?, quota?);
    let mut st = Staleness::default();
    st.see(&bal);
    st.see(&quota);
    Ok(AccountPage {
        ctx: v.ctx(&state, "account").await?,
        balances: BalanceView::from(&bal),
        quota: QuotaView::from(&quota),
        stale: st.notice(),
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbc::ops::account::AccountBalance;
    use std::str::FromStr;

    #[test]
    fn balances_convert_units_and_sum() {
        let d = |s: &str| Decimal::from_str(s).expect("dec");
        let res = ShowCustomerAccountBalancesResponse {
            account_balances: vec![
                AccountBalance {
                    account_type: Some(1),
                    amount: Some(d("123456")),
                    measure_id: Some(3),
                    currency: Some("USD".into()),
                    ..Default::default()
                },
                AccountBalance {
                    account_type: Some(5),
                    amount: Some(d("10.5")),
                    measure_id: Some(1),
                    ..Default::default()
                },
            ],
            debt_amount: Some(d("0")),
            measure_id: Some(1),
            currency: Some("USD".into()),
        };
        let v = BalanceView::from(&res);
        assert_eq!(v.cash, "USD 1,234.56");
        assert_eq!(v.total, "USD 1,245.06");
        assert_eq!(v.lines[1].name, "Bonus");
        assert!(!v.has_debt);
    }

    #[test]
    fn no_quota_is_an_empty_state() {
        let none = ShowCustomerExpenditureQuotaResponse {
            granting_amount: Some(Decimal::ZERO),
            ..Default::default()
        };
        assert!(QuotaView::from(&none).is_none());
        let q = QuotaView::from(&ShowCustomerExpenditureQuotaResponse {
            granting_amount: Some(Decimal::from(200)),
            granting_amount_used: Some(Decimal::from(170)),
            measure_id: Some(1),
            currency: Some("EUR".into()),
            ..Default::default()
        })
        .expect("quota");
        assert_eq!(q.percent, 85);
        assert!(q.high);
        assert_eq!(q.left, "EUR 30.00");
    }
}
