//! Scripted administration: `cbc-portal user create`, `cbc-portal account create`,
//! `cbc-portal rotate-key`. Secrets are read from standard input, never from arguments.

use std::io::Read;

use anyhow::{Context, bail};
use secrecy::SecretString;

use crate::audit::{self, Actor, Event, Outcome};
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::db;
use crate::domain::{self, Email, NewPassword, Role};

/// Reads one secret from stdin (the first line, without its line ending).
pub fn read_secret_from_stdin(what: &str) -> anyhow::Result<SecretString> {
    let mut buf = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut buf)
        .with_context(|| format!("reading the {what} from standard input"))?;
    let line = buf.lines().next().unwrap_or_default().to_owned();
    if line.is_empty() {
        bail!("no {what} on standard input");
    }
    Ok(SecretString::from(line))
}

/// `cbc-portal user create`.
pub async fn create_user(
    mut settings: Settings,
    email: &str,
    role: &str,
    cloud_account: Option<&str>,
    name: Option<&str>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let role = Role::parse(role).context("--role must be staff, manager or viewer")?;
    let password = NewPassword::parse(read_secret_from_stdin("password")?)
        .map_err(|m| anyhow::anyhow!("password: {m}"))?;
    let (pool, cluster) = crate::startup::prepare_database(&mut settings).await?;
    let account_id = match (role.needs_cloud_account(), cloud_account) {
        (true, Some(n)) => Some(
            db::accounts::by_name(&pool, n)
                .await?
                .with_context(|| format!("no cloud account named {n:?}"))?
                .id,
        ),
        (true, None) => bail!("--cloud-account is required for {role} users"),
        (false, Some(_)) => bail!("staff users do not belong to a cloud account"),
        (false, None) => None,
    };
    let hasher = crate::auth::password::Hasher::new(1)?;
    let hash = hasher.hash(password.secret()).await?;
    let display = name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("user"));
    let mut tx = pool.begin().await?;
    let id = db::users::insert(
        &mut *tx,
        &db::users::NewUser {
            email: email.as_str(),
            display_name: display,
            password_hash: &hash,
            role,
            cloud_account_id: account_id,
        },
    )
    .await
    .map_err(|e| {
        if db::is_unique_violation(&e) {
            anyhow::anyhow!("a user with that e-mail already exists")
        } else {
            anyhow::Error::new(e)
        }
    })?;
    if role == Role::Staff {
        db::setup::consume_all(&mut *tx).await?;
    }
    audit::record(
        &mut *tx,
        &Actor {
            email: Some("cli".into()),
            ..Actor::default()
        },
        Event::new(audit::event::USER_CREATED, Outcome::Success)
            .resource("user", id.to_string())
            .summary(
                serde_json::json!({ "email": email.as_str(), "role": role.as_str(), "via": "cli" }),
            ),
    )
    .await?;
    tx.commit().await?;
    println!("created {role} user {email} ({id})");
    if let Some(c) = cluster {
        c.stop();
    }
    Ok(())
}

/// `cbc-portal account create`.
pub async fn create_account(
    mut settings: Settings,
    name: &str,
    endpoint: &str,
    domain_id: &str,
    ak: &str,
) -> anyhow::Result<()> {
    let name = domain::parse_account_name(name).map_err(|m| anyhow::anyhow!("--name: {m}"))?;
    let endpoint =
        domain::parse_endpoint(endpoint).map_err(|m| anyhow::anyhow!("--endpoint: {m}"))?;
    crate::cbc::EgressPolicy {
        allow_private: settings.allow_private_endpoints,
        exempt: Vec::new(),
    }
    .check_endpoint(&endpoint)
    .await
    .map_err(|e| {
        anyhow::anyhow!(
            "--endpoint: {e}; the portal connects only to public endpoints \
             (set PORTAL_ALLOW_PRIVATE_ENDPOINTS=true to allow others)"
        )
    })?;
    let domain_id =
        domain::parse_domain_id(domain_id).map_err(|m| anyhow::anyhow!("--domain-id: {m}"))?;
    let ak = domain::parse_ak(ak).map_err(|m| anyhow::anyhow!("--ak: {m}"))?;
    let sk =
        domain::parse_sk(read_secret_from_stdin("SK")?).map_err(|m| anyhow::anyhow!("SK: {m}"))?;
    let keys = crate::startup::secret_box(&settings)?;
    let (pool, cluster) = crate::startup::prepare_database(&mut settings).await?;
    let mut tx = pool.begin().await?;
    let id = db::accounts::insert(
        &mut *tx,
        &keys,
        &db::accounts::AccountInput {
            name: &name,
            endpoint: &endpoint,
            domain_id: &domain_id,
            ak: &ak,
            sk: Some(&sk),
            is_sandbox: false,
        },
    )
    .await?
    .map_err(|e| {
        if db::is_unique_violation(&e) {
            anyhow::anyhow!("a cloud account with that name already exists")
        } else {
            anyhow::Error::new(e)
        }
    })?;
    audit::record(
        &mut *tx,
        &Actor {
            email: Some("cli".into()),
            ..Actor::default()
        },
        Event::new(audit::event::ACCOUNT_CREATED, Outcome::Success)
            .resource("cloudAccount", id.to_string())
            .summary(
                serde_json::json!({ "name": name, "endpoint": endpoint, "ak": ak, "via": "cli" }),
            ),
    )
    .await?;
    tx.commit().await?;
    println!("created cloud account {name} ({id})");
    if let Some(c) = cluster {
        c.stop();
    }
    Ok(())
}

/// `cbc-portal rotate-key`: re-encrypts every SK under the key read from stdin.
pub async fn rotate_key(mut settings: Settings) -> anyhow::Result<()> {
    let old = crate::startup::secret_box(&settings)?;
    let new = SecretBox::from_base64(&read_secret_from_stdin("new key")?)?;
    let (pool, cluster) = crate::startup::prepare_database(&mut settings).await?;
    let n = db::accounts::rotate_key(&pool, &old, &new).await?;
    println!(
        "re-encrypted {n} secret keys under key {}; now set PORTAL_SECRET_KEY to the new key",
        new.key_id()
    );
    if let Some(c) = cluster {
        c.stop();
    }
    Ok(())
}
