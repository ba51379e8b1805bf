//! Scripted administration: `cbc-portal user create`, `cbc-portal user reset-second-factor`,
//! `cbc-portal account create`, `cbc-portal rotate-key`. Secrets are read from standard input, never from arguments.

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

/// `cbc-portal rotate-key`: re-encrypts every SK and staff TOTP secret under the key read from
/// stdin, in one transaction. Secrets the current key cannot open stop it, unless
/// `skip_unreadable` (then they are left for staff to enter again or reset).
pub async fn rotate_key(mut settings: Settings, skip_unreadable: bool) -> anyhow::Result<()> {
    let old = crate::startup::secret_box(&settings)?;
    let new = SecretBox::from_base64(&read_secret_from_stdin("new key")?)?;
    let (pool, cluster) = crate::startup::prepare_database(&mut settings).await?;
    let r = db::keys::rotate(&pool, &old, &new, skip_unreadable).await?;
    if let Some(c) = cluster {
        c.stop();
    }
    let unreadable = || {
        let mut lines = Vec::new();
        if !r.unreadable_sks.is_empty() {
            lines.push(format!(
                "  SK of cloud account(s): {} (enter the SK again on the account page)",
                r.unreadable_sks.join(", ")
            ));
        }
        if !r.unreadable_second_factors.is_empty() {
            lines.push(format!(
                "  second factor of: {} (cbc-portal user reset-second-factor --email E)",
                r.unreadable_second_factors.join(", ")
            ));
        }
        lines.join("\n")
    };
    if !r.is_complete() && !skip_unreadable {
        bail!(
            "nothing was changed: the current key (id {}) cannot open these secrets:\n{}\n\
             Check PORTAL_SECRET_KEY / PORTAL_SECRET_KEY_FILE is the key they were sealed under, \
             or pass --skip-unreadable to re-encrypt the others and leave these as they are",
            old.key_id(),
            unreadable()
        );
    }
    println!(
        "re-encrypted {} secret keys and {} staff second factors under key {}; \
         now set PORTAL_SECRET_KEY to the new key",
        r.sks,
        r.second_factors,
        new.key_id()
    );
    if !r.is_complete() {
        println!(
            "left as they were (the old key could not open them):\n{}",
            unreadable()
        );
    }
    Ok(())
}

/// `cbc-portal user reset-second-factor`: clears a user's TOTP secret (one the current key can
/// no longer open, or a lost authenticator). The next login enrols a new one; the second
/// factor itself stays required.
pub async fn reset_second_factor(mut settings: Settings, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let (pool, cluster) = crate::startup::prepare_database(&mut settings).await?;
    let user = db::users::by_email(&pool, email.as_str())
        .await?
        .with_context(|| format!("no user with e-mail {email}"))?;
    let mut tx = pool.begin().await?;
    let cleared = db::users::reset_totp(&mut *tx, user.id).await?;
    if cleared {
        // Sessions that passed the old second factor end with it.
        db::users::bump_session_epoch(&mut *tx, user.id).await?;
        audit::record(
            &mut *tx,
            &Actor {
                email: Some("cli".into()),
                ..Actor::default()
            },
            Event::new(audit::event::SECOND_FACTOR_RESET, Outcome::Success)
                .resource("user", user.id.to_string())
                .summary(serde_json::json!({ "email": user.email, "via": "cli" })),
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(c) = cluster {
        c.stop();
    }
    if cleared {
        println!(
            "cleared the second factor of {}; the next login sets up a new authenticator",
            user.email
        );
    } else {
        println!("{} has no second factor set up; nothing to do", user.email);
    }
    Ok(())
}
