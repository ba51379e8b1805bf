//! Extractors that prove who is asking. A handler that takes `Manager` cannot run for a viewer.
//!
//! `CurrentUser` loads the session, checks the epoch (ended sessions), the idle and absolute
//! timeouts and whether the user is disabled, and refreshes `last_seen` at most every tenth of
//! the idle timeout, so ordinary reads do not write the session.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use uuid::Uuid;

use crate::audit::{self, Actor, Event, Outcome};
use crate::auth::session::{Session, get_auth, set_auth, unix_now};
use crate::db;
use crate::db::users::User;
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;

/// A logged-in user.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: Arc<User>,
    pub session: Session,
    /// The client's IP as far as the portal can trust it.
    pub ip: Option<String>,
    /// Whether this session passed the second factor.
    pub mfa: bool,
}

impl CurrentUser {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn role(&self) -> Role {
        self.user.role()
    }

    /// Staff who have given only their password in this session (when the second factor is on).
    pub fn lacks_second_factor(&self, state: &AppState) -> bool {
        self.role() == Role::Staff && state.settings.staff_mfa && !self.mfa
    }

    /// The audit actor for this user.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            email: Some(self.user.email.clone()),
            cloud_account_id: self.user.cloud_account_id,
            source_ip: self.ip.clone(),
        }
    }
}

/// The client IP as far as the portal can trust it: the socket peer, or, behind proxies the
/// settings name, the address those proxies saw (see [`forwarded_client`]).
pub fn client_ip(parts: &Parts, settings: &crate::config::Settings) -> Option<String> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())?;
    if settings.trust_proxy_hops == 0 && settings.trusted_proxies.is_empty() {
        return Some(canonical(peer).to_string());
    }
    let hops: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    Some(
        forwarded_client(
            peer,
            &hops,
            settings.trust_proxy_hops,
            &settings.trusted_proxies,
        )
        .to_string(),
    )
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they carry, so one client has one key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<std::net::SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(canonical)
}

/// The client address behind trusted proxies. Each proxy appends the address it received
/// the request from, so only the right end of `X-Forwarded-For` is written by proxies; the
/// left end is whatever the client sent.
///
/// - With `trusted` ranges: unless the peer is one of them, the peer is the client. Otherwise
///   the chain (header entries, then the peer) is walked from the right past trusted addresses;
///   the first other address is the client.
/// - With a hop count `n`: the `n`-th entry from the right (the one the outermost proxy
///   appended). With fewer entries than that, the leftmost, which a proxy still wrote.
///
/// An entry that is not an address where the client should be means the chain is not what
/// the settings describe; the last trusted address is used rather than anything the client
/// could have chosen.
pub fn forwarded_client(peer: IpAddr, hops: &[&str], n: usize, trusted: &[ipnet::IpNet]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.is_empty() {
        let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
        let mut last = peer;
        if !is_trusted(&last) {
            return last;
        }
        for hop in hops.iter().rev() {
            match parse_hop(hop) {
                Some(ip) if is_trusted(&ip) => last = ip,
                Some(ip) => return ip,
                None => return last,
            }
        }
        return last;
    }
    if n == 0 || hops.is_empty() {
        return peer;
    }
    let at = hops.len().saturating_sub(n);
    match parse_hop(hops[at]) {
        Some(ip) => ip,
        // The entry right of it (or the peer) was written by a trusted proxy.
        None => hops.get(at + 1).and_then(|h| parse_hop(h)).unwrap_or(peer),
    }
}

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::Internal(anyhow::anyhow!("session layer missing")))
}

/// The path and query as the client sent them (nested routers see a shortened URI).
fn original_path(parts: &Parts) -> Option<String> {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    uri.path_and_query().map(|p| p.as_str().to_owned())
}

fn login_required(parts: &Parts) -> AppError {
    let next = if parts.method == axum::http::Method::GET {
        original_path(parts)
    } else {
        None
    };
    AppError::LoginRequired { next }
}

async fn load_user(state: &AppState, id: Uuid) -> Result<Option<Arc<User>>, AppError> {
    if let Some(u) = state.users.get(&id).await {
        return Ok(Some(u));
    }
    let Some(u) = db::users::by_id(&state.db, id).await? else {
        return Ok(None);
    };
    let u = Arc::new(u);
    state.users.insert(id, u.clone()).await;
    Ok(Some(u))
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(Some(u.clone()));
        }
        let session = session_of(parts, state).await?;
        let Some(mut auth) = get_auth(&session).await? else {
            return Ok(None);
        };
        let now = unix_now();
        let s = &state.settings;
        let idle = s.session_idle.as_secs() as i64;
        let expired =
            now - auth.last_seen > idle || now - auth.auth_at > s.session_absolute.as_secs() as i64;
        let user = load_user(state, auth.user_id).await?;
        let valid_user = user.filter(|u| u.disabled_at.is_none() && u.session_epoch == auth.epoch);
        let (Some(user), false) = (valid_user, expired) else {
            // Ended, timed out or disabled: remove the session row everywhere.
            session.flush().await?;
            return Ok(None);
        };
        if now - auth.last_seen >= (idle / 10).max(1) {
            auth.last_seen = now;
            set_auth(&session, &auth).await?;
        }
        let current = CurrentUser {
            user,
            session,
            ip: client_ip(parts, &state.settings),
            mfa: auth.mfa,
        };
        parts.extensions.insert(current.clone());
        Ok(Some(current))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        <Self as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?
            .ok_or_else(|| login_required(parts))
    }
}

/// Records a refused request by a logged-in user and returns 403.
async fn deny(state: &AppState, user: &CurrentUser, parts: &Parts) -> AppError {
    let path = original_path(parts).unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    tracing::warn!(user_id = %user.id(), %path, "authz_denied");
    let event = Event::new(audit::event::AUTHZ_DENIED, Outcome::Denied)
        .summary(serde_json::json!({ "method": parts.method.as_str(), "path": path }));
    if let Err(e) = audit::record(&state.db, &user.actor(), event).await {
        tracing::error!(error = %e, "could not audit a denied request");
    }
    AppError::Forbidden
}

/// A customer user (viewer or manager) and the cloud account they may see.
#[derive(Clone)]
pub struct Customer {
    pub user: CurrentUser,
    pub cloud_account_id: Uuid,
}

impl Customer {
    pub fn is_manager(&self) -> bool {
        self.user.role() == Role::Manager
    }
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user =
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        match (user.role(), user.user.cloud_account_id) {
            (Role::Viewer | Role::Manager, Some(cloud_account_id)) => Ok(Customer {
                user,
                cloud_account_id,
            }),
            _ => Err(deny(state, &user, parts).await),
        }
    }
}

/// A customer manager: may run actions on their cloud account.
#[derive(Clone)]
pub struct Manager(pub Customer);

impl FromRequestParts<AppState> for Manager {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let c = Customer::from_request_parts(parts, state).await?;
        if c.is_manager() {
            Ok(Manager(c))
        } else {
            Err(deny(state, &c.user, parts).await)
        }
    }
}

/// A staff user.
#[derive(Clone)]
pub struct Staff(pub CurrentUser);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user =
            <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if user.role() != Role::Staff {
            return Err(deny(state, &user, parts).await);
        }
        if user.lacks_second_factor(state) {
            // A password alone never opens the staff area: pages send to the second factor,
            // anything else is refused.
            return Err(if parts.method == axum::http::Method::GET {
                AppError::SecondFactorRequired {
                    next: original_path(parts),
                }
            } else {
                AppError::Forbidden
            });
        }
        Ok(Staff(user))
    }
}

/// The client's IP address, as far as the portal can trust it.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.settings)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter().map(|n| n.parse().expect("net")).collect()
    }

    #[test]
    fn a_hop_count_takes_the_address_the_outermost_proxy_appended() {
        let peer = ip("10.0.0.2");
        // The client wrote 203.0.113.66 itself; the one proxy appended 198.51.100.7.
        let chain = ["203.0.113.66", "198.51.100.7"];
        assert_eq!(forwarded_client(peer, &chain, 1, &[]), ip("198.51.100.7"));
        // Two proxies: the outer one appended the client, the inner one the outer proxy.
        let chain = ["6.6.6.6", "198.51.100.7", "10.0.0.9"];
        assert_eq!(forwarded_client(peer, &chain, 2, &[]), ip("198.51.100.7"));
        assert_eq!(forwarded_client(peer, &[], 1, &[]), peer);
        assert_eq!(forwarded_client(peer, &chain, 0, &[]), peer);
        assert_eq!(
            forwarded_client(peer, &["198.51.100.7"], 3, &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            forwarded_client(peer, &["junk", "198.51.100.7:4711"], 1, &[]),
            ip("198.51.100.7")
        );
        assert_eq!(forwarded_client(peer, &["1.1.1.1", "junk"], 1, &[]), peer);
    }

    #[test]
    fn trusted_ranges_skip_only_the_proxies_and_ignore_untrusted_peers() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        let chain = ["6.6.6.6", "198.51.100.7", "10.1.2.3"];
        assert_eq!(
            forwarded_client(ip("127.0.0.1"), &chain, 0, &trusted),
            ip("198.51.100.7")
        );
        // A peer that is not a proxy of ours: its header is the client's own words.
        assert_eq!(
            forwarded_client(ip("192.0.2.1"), &chain, 0, &trusted),
            ip("192.0.2.1")
        );
        assert_eq!(
            forwarded_client(ip("10.0.0.2"), &["10.0.0.3"], 0, &trusted),
            ip("10.0.0.3")
        );
        assert_eq!(
            forwarded_client(
                ip("10.0.0.2"),
                &["1.1.1.1", "junk", "10.0.0.3"],
                0,
                &trusted
            ),
            ip("10.0.0.3")
        );
        assert_eq!(
            forwarded_client(ip("::ffff:10.0.0.2"), &["[2001:db8::1]:80"], 0, &trusted),
            ip("2001:db8::1")
        );
    }
}
