//! Scripted administration: `cbc-portal user create`, `cbc-portal user reset-second-factor`,
//! `cbc-portal account create`, `cbc-portal rotate-key`. Secrets are never taken from
//! arguments: at a terminal they are prompted for without echo, otherwise the first line of
//! standard input is used.

use std::io::{BufRead, IsTerminal, Read};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};

use crate::audit::{self, Actor, Event, Outcome};
use crate::config::Settings;
use crate::crypto::SecretBox;
use crate::db;
use crate::domain::{self, Email, NewPassword, Role};

/// Longest secret line accepted from a pipe.
const MAX_SECRET_LINE: u64 = 4096;

/// How a secret is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// Once (a pasted key: a typo shows at the first use and is entered again).
    Once,
    /// Twice, both must match (a typo would lock somebody out).
    Twice,
}

/// Reads one secret and parses it with `parse`: at a terminal by prompting without echo
/// (for [`Ask::Twice`], asking again only once the first entry is acceptable), otherwise the
/// first line of standard input, without waiting for the input to end.
pub fn read_secret<T>(
    what: &str,
    ask: Ask,
    parse: impl Fn(&SecretString) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let parse = |s: &SecretString| parse(s).with_context(|| format!("the {what} is not usable"));
    if !std::io::stdin().is_terminal() {
        return parse(&read_secret_line(&mut std::io::stdin().lock(), what)?);
    }
    let first = prompt_secret(&format!("{}: ", capitalized(what)), what)?;
    let value = parse(&first)?;
    if ask == Ask::Twice {
        let again = prompt_secret(&format!("Repeat the {what}: "), what)?;
        if again.expose_secret() != first.expose_secret() {
            bail!("the two {what}s do not match; nothing was changed");
        }
    }
    Ok(value)
}

/// The first line of `input` (without its line ending), reading no further than that line.
pub fn read_secret_line(input: &mut impl BufRead, what: &str) -> anyhow::Result<SecretString> {
    let mut line = String::new();
    input
        .take(MAX_SECRET_LINE)
        .read_line(&mut line)
        .with_context(|| format!("reading the {what} from standard input"))?;
    let secret = SecretString::from(line);
    let trimmed = secret.expose_secret().trim_end_matches(['\r', '\n']);
    if trimmed.is_empty() {
        bail!("no {what} on standard input");
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

fn prompt_secret(prompt: &str, what: &str) -> anyhow::Result<SecretString> {
    let secret = rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .with_context(|| format!("reading the {what} at the terminal"))?;
    if secret.expose_secret().is_empty() {
        bail!("no {what} given");
    }
    Ok(secret)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
    let password = read_secret("password", Ask::Twice, |s| {
        NewPassword::parse(s.clone()).map_err(anyhow::Error::msg)
    })?;
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
    let sk = read_secret("SK", Ask::Once, |s| {
        domain::parse_sk(s.clone()).map_err(anyhow::Error::msg)
    })?;
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
    let new = read_secret("new key", Ask::Twice, SecretBox::from_base64)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piped_secret_is_the_first_line_and_nothing_after_it_is_read() {
        let mut input = std::io::Cursor::new(b"s3cret line\r\nsecond line\n".to_vec());
        let secret = read_secret_line(&mut input, "password").expect("secret");
        assert_eq!(secret.expose_secret(), "s3cret line");
        let mut rest = String::new();
        input.read_to_string(&mut rest).expect("rest");
        assert_eq!(rest, "second line\n");
    }

    #[test]
    fn an_empty_pipe_gives_no_secret() {
        let err =
            read_secret_line(&mut std::io::Cursor::new(b"\n".to_vec()), "SK").expect_err("empty");
        assert_eq!(err.to_string(), "no SK on standard input");
    }
}
