//! The embedded sandbox: seeded accounts, signed calls through the real client, the badge.

use cbc_portal::cbc::ops::account::ShowCustomerAccountBalancesRequest;
use cbc_portal::domain::Role;

use crate::helpers::*;

#[tokio::test]
async fn sandbox_accounts_are_seeded_and_answer_signed_calls_with_their_own_world() {
    let app = spawn_sandboxed_app().await;
    let (a, b) = (app.account_a(), app.account_b());
    let mut balances = Vec::new();
    for id in [a, b] {
        let creds = app.state.cbc_credentials(id).await.expect("credentials");
        let res = app
            .state
            .cbc
            .call(&creds, &ShowCustomerAccountBalancesRequest::default())
            .await
            .expect("balance call signed with the account's AK/SK succeeds");
        balances.push(format!("{:?}", res.account_balances));
    }
    assert_ne!(balances[0], balances[1], "each AK has its own world");
    let calls = app.sandbox_calls().await;
    assert_eq!(calls["by_operation"]["ShowCustomerAccountBalances"], 2);
    assert_eq!(
        calls["by_ak"][app.ak_of(a).await]["ShowCustomerAccountBalances"],
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn pages_of_a_sandbox_account_carry_the_sandbox_badge() {
    let app = spawn_sandboxed_app().await;
    app.login_as(Role::Viewer, app.account_a()).await;
    let html = app.client.get_html("/").await;
    assert_eq!(select_text(&html, ".badge-sandbox"), vec!["Sandbox"]);
    assert_eq!(select_text(&html, ".topbar .account"), vec!["Acme"]);
    app.stop().await;
}

#[tokio::test]
async fn a_real_account_shows_no_sandbox_badge() {
    let app = spawn_app().await;
    app.login_customer(Role::Viewer).await;
    let html = app.client.get_html("/pricing").await;
    assert_eq!(select_text(&html, ".topbar .account"), vec!["Acme"]);
    assert!(!has(&html, ".badge-sandbox"));
    app.stop().await;
}
