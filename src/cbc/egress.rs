//! Where the CBC client may connect.
//!
//! A cloud account's endpoint is typed in by staff, and Huawei's endpoints are public. An
//! endpoint that is, or resolves to, a loopback, private, link-local, shared or unspecified
//! address would turn "Test connection" and every page into a probe of the portal's own
//! network, so such addresses are refused twice: when staff save the endpoint, and when the
//! client connects. The second check lives in the DNS resolver the client uses, so a public name
//! that later resolves inward is still refused; literal addresses never reach a resolver and are
//! checked before sending. Redirects are never followed (see the client), so nothing else picks
//! the destination.
//!
//! `PORTAL_ALLOW_PRIVATE_ENDPOINTS` lifts the rule (tests with local stubs, an on-premises
//! gateway); the embedded sandbox's own address is always allowed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Which destinations the client may connect to.
#[derive(Debug, Clone, Default)]
pub struct EgressPolicy {
    /// Allow loopback, private, link-local and the other internal ranges.
    pub allow_private: bool,
    /// Exact addresses allowed even when private ones are not: the embedded sandbox.
    pub exempt: Vec<SocketAddr>,
}

/// A destination the policy refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host} is a private or local address{}", .addr.map(|a| format!(" ({a})")).unwrap_or_default())]
pub struct EgressRefused {
    /// The host as written in the endpoint.
    pub host: String,
    /// The refused address, when the host is a name that resolved to it.
    pub addr: Option<IpAddr>,
}

impl EgressPolicy {
    /// Public addresses only (production).
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Any address (tests against local stubs).
    pub fn allow_private() -> Self {
        Self {
            allow_private: true,
            exempt: Vec::new(),
        }
    }

    /// Whether the client may connect to `ip` (any port).
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_internal(ip)
    }

    /// Whether the client may connect to `addr`, counting exemptions.
    pub fn permits_socket(&self, addr: SocketAddr) -> bool {
        self.permits(addr.ip()) || self.exempt.contains(&normalise_socket(addr))
    }

    /// Checks an endpoint URL as staff save it: a literal address, a `localhost` name, and what
    /// the name resolves to now. A name that does not resolve (yet) is accepted: the resolver
    /// checks again at every connection.
    pub async fn check_endpoint(&self, endpoint: &str) -> Result<(), EgressRefused> {
        if self.allow_private {
            return Ok(());
        }
        let Ok(url) = reqwest::Url::parse(endpoint) else {
            return Ok(()); // not a URL: the endpoint parser says so
        };
        let Some(host) = url.host_str() else {
            return Ok(());
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let refused = |addr: Option<IpAddr>| EgressRefused {
            host: host.to_owned(),
            addr,
        };
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return self.check_socket(SocketAddr::new(ip, port), refused);
        }
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return Err(refused(None));
        }
        let lookup = tokio::net::lookup_host((name.as_str(), port));
        let Ok(Ok(addrs)) = tokio::time::timeout(Duration::from_secs(3), lookup).await else {
            return Ok(());
        };
        for addr in addrs {
            if !self.permits(addr.ip()) {
                return Err(refused(Some(canonical(addr.ip()))));
            }
        }
        Ok(())
    }

    fn check_socket(
        &self,
        addr: SocketAddr,
        refused: impl FnOnce(Option<IpAddr>) -> EgressRefused,
    ) -> Result<(), EgressRefused> {
        if self.permits_socket(addr) {
            Ok(())
        } else {
            Err(refused(None))
        }
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn normalise_socket(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(canonical(addr.ip()), addr.port())
}

/// Loopback, private, link-local, shared, unspecified, broadcast and multicast addresses, and
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64) whose IPv4 address is
/// one of those.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    a == 0 // 0.0.0.0/8 "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // 100.64.0.0/10 shared (carrier-grade NAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || ip.is_broadcast()
        || ip.is_multicast()
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
        return true;
    }
    if s[0] & 0xfe00 == 0xfc00 || s[0] & 0xffc0 == 0xfe80 {
        return true; // fc00::/7 unique local, fe80::/10 link-local
    }
    // ::ffff:0:0/96 mapped: a real endpoint never resolves to one; refuse them all.
    if ip.to_ipv4_mapped().is_some() {
        return true;
    }
    let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    // ::a.b.c.d (IPv4-compatible, deprecated) and 64:ff9b::a.b.c.d (NAT64).
    let compatible = s[..6].iter().all(|&x| x == 0);
    let nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0);
    (compatible || nat64) && is_internal_v4(embedded)
}

/// The client's DNS resolver: the system's, minus the addresses the policy refuses. A name with
/// nothing left fails to connect with [`EgressRefused`] in the error chain.
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<EgressPolicy>,
    pub(crate) refused: Arc<AtomicU64>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let refused = self.refused.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (allowed, dropped): (Vec<SocketAddr>, Vec<SocketAddr>) =
                found.into_iter().partition(|a| policy.permits(a.ip()));
            if let (true, Some(first)) = (allowed.is_empty(), dropped.first()) {
                refused.fetch_add(1, Ordering::Relaxed);
                let err = EgressRefused {
                    host,
                    addr: Some(canonical(first.ip())),
                };
                tracing::warn!("refused a CBC connection: {err}");
                return Err(Box::new(err) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn every_internal_range_is_refused_and_public_addresses_are_not() {
        for internal in [
            "127.0.0.1",
            "127.255.255.254",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(is_internal(ip(internal)), "{internal} must be refused");
        }
        for public in [
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.167.1.1",
            "169.253.1.1",
            "159.138.1.1",
            "2001:4860:4860::8888",
            "64:ff9b::808:808",
        ] {
            assert!(!is_internal(ip(public)), "{public} is public");
        }
    }

    #[test]
    fn the_sandbox_address_is_exempt_and_nothing_else_is() {
        let sandbox: SocketAddr = "127.0.0.1:41234".parse().expect("addr");
        let p = EgressPolicy {
            allow_private: false,
            exempt: vec![sandbox],
        };
        assert!(p.permits_socket(sandbox));
        assert!(p.permits_socket("[::ffff:127.0.0.1]:41234".parse().expect("addr")));
        assert!(!p.permits_socket("127.0.0.1:41235".parse().expect("addr")));
        assert!(!p.permits(ip("127.0.0.1")));
        assert!(EgressPolicy::allow_private().permits(ip("10.0.0.1")));
    }

    #[tokio::test]
    async fn saving_checks_literals_localhost_names_and_resolved_addresses() {
        let p = EgressPolicy::public_only();
        for refused in [
            "https://127.0.0.1",
            "http://10.0.0.7:8080",
            "https://[::1]:8443",
            "https://[::ffff:a9fe:a9fe]",
            "https://localhost:8443",
            "https://api.localhost",
            "https://LOCALHOST.",
        ] {
            assert!(p.check_endpoint(refused).await.is_err(), "{refused}");
        }
        assert!(p.check_endpoint("https://159.138.1.1").await.is_ok());
        assert!(
            EgressPolicy::allow_private()
                .check_endpoint("http://127.0.0.1:1")
                .await
                .is_ok()
        );
    }
}
