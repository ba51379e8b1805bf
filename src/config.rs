//! Settings, read once from the environment at start-up.
//!
//! Every variable the portal reads is listed here, with its default, and in `.env.sample`.
//! Nothing else in the crate reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use secrecy::SecretString;

/// Everything configurable, with defaults that make `cargo run` work with nothing set.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `PORTAL_LISTEN` — address to bind, e.g. `127.0.0.1:9090` to use another port or
    /// `0.0.0.0:8080` to be reached from other machines. Default `127.0.0.1:8080`; tests use
    /// port 0.
    pub listen: SocketAddr,
    /// `PORTAL_PUBLIC_URL` — the origin users reach the portal at, used in printed links and
    /// the `Origin` check. Default `http://<PORTAL_LISTEN>`.
    pub public_url: String,
    /// `DATABASE_URL` — Postgres. Default `postgres://postgres@localhost:5432/cbc_portal`.
    /// With `DATABASE_PASSWORD_FILE` set, the password read from that file is merged in.
    pub database_url: SecretString,
    /// Whether `DATABASE_URL` was set explicitly. If not, and the default server does not
    /// answer, a private cluster is started under the data dir (when Postgres binaries exist).
    pub database_url_explicit: bool,
    /// `PORTAL_DB_MAX_CONNECTIONS` — pool size. Default 10.
    pub db_max_connections: u32,
    /// `PORTAL_DATA_DIR` — local state: the generated sandbox key, the private Postgres
    /// cluster. Default `./.portal`.
    pub data_dir: PathBuf,
    /// `PORTAL_SECRET_KEY` — base64 of 32 random bytes; encrypts cloud-account SKs and staff
    /// TOTP secrets (AES-256-GCM). Required unless the sandbox is on, in which case a key is
    /// generated into `<data dir>/secret.key` (mode 0600). `PORTAL_SECRET_KEY_FILE` names a file
    /// holding it instead; the file is refused if group or others can read it. Change it with
    /// `cbc-portal rotate-key`: secrets sealed under another key do not open (the portal starts,
    /// logs which accounts and staff are affected, and shows it on their pages).
    pub secret_key: Option<SecretString>,
    /// `PORTAL_SECRET_KEY_FILE` — see `secret_key`.
    pub secret_key_file: Option<PathBuf>,
    /// `PORTAL_SANDBOX` — `on` (default) runs the embedded CBC sandbox and seeds a `demo`
    /// cloud account pointing at it; `off` talks only to the endpoints of configured accounts.
    pub sandbox: bool,
    /// `PORTAL_SANDBOX_RECORDS` — bill records per sandbox account. Default 3000.
    pub sandbox_records: usize,
    /// `PORTAL_SANDBOX_SEED` — seed of the sandbox world. Default 42.
    pub sandbox_seed: u64,
    /// `PORTAL_SANDBOX_ACCOUNTS` — comma-separated names of the sandbox cloud accounts to seed
    /// (each gets its own world and generated AK/SK). Default `demo`.
    pub sandbox_accounts: Vec<String>,
    /// `PORTAL_SANDBOX_LISTEN` — where the embedded sandbox listens. Default `127.0.0.1:0`.
    pub sandbox_listen: SocketAddr,
    /// `PORTAL_SANDBOX_CURRENCY` — currency of the sandbox worlds. Default `USD`.
    pub sandbox_currency: String,
    /// `PORTAL_SANDBOX_NOW` — pins the sandbox clock to an RFC 3339 time
    /// (`2026-03-10T12:00:00Z`, years 2001 to 2097): the seeded history (orders, payments,
    /// bills, usage) is dated before it, only expiries lie after it, and the clock runs on from
    /// there. Unset: the real time. The portal's own pages keep the real time, so a pin far
    /// from today shows bills and expiries in other months than the pages expect.
    pub sandbox_now: Option<time::OffsetDateTime>,
    /// `PORTAL_COOKIE_SECURE` — whether the session cookie is `__Host-cbc_session; Secure`
    /// (browsers then send it only over https). Default: on when `PORTAL_PUBLIC_URL` is https,
    /// off for plain http (local runs). Set it to override either way; see
    /// [`Settings::cookie_secure`].
    pub cookie_secure: Option<bool>,
    /// `PORTAL_SESSION_IDLE_SECS` — idle timeout. Default 1800 (30 min).
    pub session_idle: Duration,
    /// `PORTAL_SESSION_ABSOLUTE_SECS` — absolute session lifetime. Default 43200 (12 h).
    pub session_absolute: Duration,
    /// `PORTAL_SESSION_CACHE_MS` — how long a replica may serve a session from memory before
    /// re-reading it from Postgres; bounds how late a logout elsewhere is seen. Default 2000.
    pub session_cache_ttl: Duration,
    /// `PORTAL_STAFF_MFA` — staff must give a TOTP code after the password. Default true;
    /// turning it off is for throwaway demos only.
    pub staff_mfa: bool,
    /// `PORTAL_TRUST_PROXY` — how many reverse proxies of yours stand in front of the portal,
    /// each appending the address it saw to `X-Forwarded-For`. The client is then the N-th
    /// address from the right; anything further left was written by the client and is ignored.
    /// `0` or `false` (default): the socket peer is the client. `true` means 1.
    pub trust_proxy_hops: usize,
    /// `PORTAL_TRUSTED_PROXIES` — comma-separated addresses or CIDR ranges of your proxies, e.g.
    /// `10.0.0.0/8, 192.0.2.7`. When set, `X-Forwarded-For` is read only from a peer in the
    /// list, and the client is the rightmost address that is not one of them. Takes
    /// precedence over the hop count. Default empty.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `PORTAL_ALLOW_PRIVATE_ENDPOINTS` — let cloud-account endpoints be (or resolve to)
    /// loopback, private, link-local, shared or unspecified addresses. Default false: such
    /// endpoints are refused when saved and when connecting, so an endpoint cannot be used to
    /// reach the portal's own network. The embedded sandbox is allowed either way; set this
    /// for an on-premises gateway or a sandbox run as a separate process.
    pub allow_private_endpoints: bool,
    /// `PORTAL_MAX_CONCURRENT_HASHES` — cap on concurrent argon2 computations; each holds a
    /// 19 MiB working area, kept for reuse, so argon2 never holds more than this many. Default 4.
    pub max_concurrent_hashes: usize,
    /// `PORTAL_LOGIN_MAX_FAILURES` — failures per e-mail address inside the window before it is
    /// locked for the window; addresses without a user lock alike, so the answers do not tell
    /// them apart. Default 10.
    pub login_max_failures: i32,
    /// `PORTAL_LOGIN_IP_MAX` — failed login attempts per client IP per window (successful
    /// logins give their attempt back). Default 50.
    pub login_ip_max: i32,
    /// `PORTAL_LOGIN_WINDOW_SECS` — the throttling window. Default 900.
    pub login_window: Duration,
    /// `PORTAL_REQUEST_TIMEOUT_SECS` — whole-request timeout. Default 30.
    pub request_timeout: Duration,
    /// `PORTAL_CBC_TIMEOUT_MS` — total timeout of one upstream call. Default 10000.
    pub cbc_timeout: Duration,
    /// `PORTAL_CBC_CATALOG_CACHE_SECS` — how long catalog answers are reused. Default 21600 (6 h).
    pub cbc_catalog_ttl: Duration,
    /// `PORTAL_CBC_PRICE_CACHE_SECS` — how long price inquiries are reused. Default 600.
    pub cbc_price_ttl: Duration,
    /// `PORTAL_CBC_ACCOUNT_CACHE_SECS` — how long balances, lists and bills are reused.
    /// Default 30.
    pub cbc_account_ttl: Duration,
    /// `PORTAL_CBC_RATE_PERCENT` — share of CBC's per-API limit (10 calls/s for most) this
    /// replica uses. CBC counts per source IP and account: with N replicas behind one egress
    /// IP, set it to about 80 / N. Default 80.
    pub cbc_rate_percent: u32,
    /// `PORTAL_RECONCILE_INTERVAL_MS` — how often unsettled actions are read back. Default 5000.
    pub reconcile_interval: Duration,
    /// `PORTAL_LOG_FORMAT` — `pretty` (lines for people) or `json` (one object per line, for
    /// log collectors). Unset or `auto`: pretty when standard output is a terminal, JSON
    /// otherwise. Filter with `RUST_LOG`.
    pub log_format: Option<LogFormat>,
    /// `DATABASE_PASSWORD_FILE` — a file holding the database password (as the Postgres image
    /// reads `POSTGRES_PASSWORD_FILE`): one line, trailing newline ignored. It is merged into
    /// `DATABASE_URL`, which must then name the user and carry no password of its own. Like the
    /// key file, it is refused if group or others can read it. Unset by default.
    pub database_password_file: Option<PathBuf>,
    /// `PORTAL_METRICS_LISTEN` — address of a separate listener serving Prometheus metrics at
    /// `/metrics`, e.g. `0.0.0.0:9090`. Unset (default): no metrics listener. Never the public
    /// port: metrics are for the operator's network only.
    pub metrics_listen: Option<SocketAddr>,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl LogFormat {
    /// The format to write in: the one asked for, else readable lines for a person at a
    /// terminal and JSON for everything else (files, pipes, containers).
    pub fn choose(asked: Option<LogFormat>, stdout_is_terminal: bool) -> LogFormat {
        match asked {
            Some(f) => f,
            None if stdout_is_terminal => LogFormat::Pretty,
            None => LogFormat::Json,
        }
    }
}

const DEFAULT_DATABASE_URL: &str = "postgres://postgres@localhost:5432/cbc_portal";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

fn flag(name: &str, default: bool) -> anyhow::Result<bool> {
    parse_flag(name, var(name).as_deref(), default)
}

/// A yes/no setting: `on`/`off`, `true`/`false`, `yes`/`no` or `1`/`0`, in any case.
fn parse_flag(name: &str, value: Option<&str>, default: bool) -> anyhow::Result<bool> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "on" | "yes") => Ok(true),
        Some("0" | "false" | "off" | "no") => Ok(false),
        Some(other) => bail!("{name}={other:?} is not valid: use on or off (or true, false)"),
    }
}

fn parse_log_format(value: Option<&str>) -> anyhow::Result<Option<LogFormat>> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("auto") => Ok(None),
        Some("json") => Ok(Some(LogFormat::Json)),
        Some("pretty") => Ok(Some(LogFormat::Pretty)),
        Some(other) => {
            bail!("PORTAL_LOG_FORMAT={other:?} is not valid: use auto, pretty or json")
        }
    }
}

/// `PORTAL_TRUST_PROXY`: a hop count; `true`/`false` are read as 1/0 for older settings.
fn proxy_hops(v: Option<&str>) -> anyhow::Result<usize> {
    let Some(v) = v.map(|v| v.trim().to_ascii_lowercase()) else {
        return Ok(0);
    };
    match v.as_str() {
        "true" | "on" | "yes" => Ok(1),
        "false" | "off" | "no" => Ok(0),
        n => n.parse().map_err(|_| {
            anyhow::anyhow!(
                "PORTAL_TRUST_PROXY={v:?} is not valid: give the number of proxies in front \
                 of the portal (0 for none)"
            )
        }),
    }
}

/// `PORTAL_TRUSTED_PROXIES`: addresses or CIDR ranges, comma-separated.
fn proxy_list(v: Option<&str>) -> anyhow::Result<Vec<ipnet::IpNet>> {
    v.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "PORTAL_TRUSTED_PROXIES: {s:?} is not an address or a CIDR range \
                         (like 10.0.0.0/8)"
                    )
                })
        })
        .collect()
}

fn secs(name: &str, default: u64) -> anyhow::Result<Duration> {
    parse(name, default).map(Duration::from_secs)
}

fn millis(name: &str, default: u64) -> anyhow::Result<Duration> {
    parse(name, default).map(Duration::from_millis)
}

impl Settings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let listen: SocketAddr = parse("PORTAL_LISTEN", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let database_password_file = var("DATABASE_PASSWORD_FILE").map(PathBuf::from);
        let mut database_url = var("DATABASE_URL");
        if let Some(file) = &database_password_file {
            let password = read_secret_file(file).context("DATABASE_PASSWORD_FILE")?;
            let url = database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
            database_url = Some(with_password(url, &password).context("DATABASE_PASSWORD_FILE")?);
        }
        let log_format = parse_log_format(var("PORTAL_LOG_FORMAT").as_deref())?;
        Ok(Self {
            listen,
            public_url: var("PORTAL_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{listen}"))
                .trim_end_matches('/')
                .to_owned(),
            database_url_explicit: database_url.is_some(),
            database_url: SecretString::from(
                database_url.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            ),
            db_max_connections: parse("PORTAL_DB_MAX_CONNECTIONS", 10)?,
            data_dir: var("PORTAL_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".portal")),
            secret_key: var("PORTAL_SECRET_KEY").map(SecretString::from),
            secret_key_file: var("PORTAL_SECRET_KEY_FILE").map(PathBuf::from),
            sandbox: flag("PORTAL_SANDBOX", true)?,
            sandbox_records: parse("PORTAL_SANDBOX_RECORDS", 3000)?,
            sandbox_seed: parse("PORTAL_SANDBOX_SEED", 42)?,
            sandbox_accounts: var("PORTAL_SANDBOX_ACCOUNTS")
                .unwrap_or_else(|| "demo".to_owned())
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            sandbox_listen: parse(
                "PORTAL_SANDBOX_LISTEN",
                SocketAddr::from(([127, 0, 0, 1], 0)),
            )?,
            sandbox_currency: var("PORTAL_SANDBOX_CURRENCY").unwrap_or_else(|| "USD".to_owned()),
            sandbox_now: var("PORTAL_SANDBOX_NOW")
                .map(|v| {
                    crate::sandbox::Clock::parse_pin(&v).map_err(|hint| {
                        anyhow::anyhow!("PORTAL_SANDBOX_NOW={v:?} is not valid: {hint}")
                    })
                })
                .transpose()?,
            cookie_secure: match var("PORTAL_COOKIE_SECURE") {
                None => None,
                Some(_) => Some(flag("PORTAL_COOKIE_SECURE", false)?),
            },
            session_idle: secs("PORTAL_SESSION_IDLE_SECS", 1800)?,
            session_absolute: secs("PORTAL_SESSION_ABSOLUTE_SECS", 43_200)?,
            session_cache_ttl: millis("PORTAL_SESSION_CACHE_MS", 2000)?,
            trust_proxy_hops: proxy_hops(var("PORTAL_TRUST_PROXY").as_deref())?,
            trusted_proxies: proxy_list(var("PORTAL_TRUSTED_PROXIES").as_deref())?,
            allow_private_endpoints: flag("PORTAL_ALLOW_PRIVATE_ENDPOINTS", false)?,
            staff_mfa: flag("PORTAL_STAFF_MFA", true)?,
            max_concurrent_hashes: parse("PORTAL_MAX_CONCURRENT_HASHES", 4)?,
            login_max_failures: parse("PORTAL_LOGIN_MAX_FAILURES", 10)?,
            login_ip_max: parse("PORTAL_LOGIN_IP_MAX", 50)?,
            login_window: secs("PORTAL_LOGIN_WINDOW_SECS", 900)?,
            request_timeout: secs("PORTAL_REQUEST_TIMEOUT_SECS", 30)?,
            cbc_timeout: millis("PORTAL_CBC_TIMEOUT_MS", 10_000)?,
            reconcile_interval: millis("PORTAL_RECONCILE_INTERVAL_MS", 5000)?,
            cbc_rate_percent: parse("PORTAL_CBC_RATE_PERCENT", 80)?,
            cbc_catalog_ttl: secs("PORTAL_CBC_CATALOG_CACHE_SECS", 6 * 3600)?,
            cbc_price_ttl: secs("PORTAL_CBC_PRICE_CACHE_SECS", 600)?,
            cbc_account_ttl: secs("PORTAL_CBC_ACCOUNT_CACHE_SECS", 30)?,
            log_format,
            database_password_file,
            metrics_listen: var("PORTAL_METRICS_LISTEN")
                .map(|v| {
                    v.trim().parse().map_err(|e| {
                        anyhow::anyhow!("PORTAL_METRICS_LISTEN={v:?} is not valid: {e}")
                    })
                })
                .transpose()?,
        })
    }

    /// Whether the session cookie is `Secure`: as set, else whenever users reach the portal
    /// over https.
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure
            .unwrap_or_else(|| self.public_url.starts_with("https://"))
    }

    /// The session cookie's name: `__Host-` prefixed when it is `Secure`.
    pub fn cookie_name(&self) -> &'static str {
        if self.cookie_secure() {
            "__Host-cbc_session"
        } else {
            "cbc_session"
        }
    }

    /// Checks combinations that cannot work, before anything starts.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.session_idle.is_zero() || self.session_absolute < self.session_idle {
            bail!("PORTAL_SESSION_ABSOLUTE_SECS must be at least PORTAL_SESSION_IDLE_SECS (> 0)");
        }
        if self.secret_key.is_some() && self.secret_key_file.is_some() {
            bail!("set PORTAL_SECRET_KEY or PORTAL_SECRET_KEY_FILE, not both");
        }
        if !self.sandbox && self.secret_key.is_none() && self.secret_key_file.is_none() {
            bail!(
                "PORTAL_SECRET_KEY (or PORTAL_SECRET_KEY_FILE) must be set when PORTAL_SANDBOX=off: \
                 generate one with `openssl rand -base64 32`"
            );
        }
        if let Some(m) = self.metrics_listen
            && m.port() != 0
            && m.port() == self.listen.port()
        {
            bail!("PORTAL_METRICS_LISTEN must use another port than PORTAL_LISTEN");
        }
        url_host(&self.public_url).context("PORTAL_PUBLIC_URL must be an http(s) URL")?;
        Ok(())
    }
}

/// Reads a one-line secret from a file only its owner can read; the trailing newline that
/// `echo` and editors add is not part of it.
fn read_secret_file(path: &std::path::Path) -> anyhow::Result<SecretString> {
    crate::crypto::check_private_file(path)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let line = text.trim_end_matches(['\n', '\r']);
    if line.is_empty() {
        bail!("{} is empty", path.display());
    }
    Ok(SecretString::from(line.to_owned()))
}

/// `url` with `password` (percent-encoded) added to its user part. The URL must name the user
/// and must not carry a password already: two sources for one secret is a mistake to report.
fn with_password(url: &str, password: &SecretString) -> anyhow::Result<String> {
    use secrecy::ExposeSecret;
    use std::fmt::Write;
    let (scheme, rest) = url
        .split_once("://")
        .context("DATABASE_URL must be a postgres:// URL")?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((user, host)) = authority.rsplit_once('@') else {
        bail!("DATABASE_URL must name the user (postgres://USER@host/db) to take a password file");
    };
    if user.is_empty() || user.contains(':') {
        bail!("DATABASE_URL must name the user and carry no password when a password file is set");
    }
    let mut encoded = String::new();
    for b in password.expose_secret().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(b));
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    Ok(format!("{scheme}://{user}:{encoded}@{host}{tail}"))
}

/// The `host[:port]` part of an http(s) URL.
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::str::FromStr;

    #[test]
    fn sandbox_setting_accepts_on_off_and_true_false() {
        for (v, want) in [
            ("on", true),
            ("off", false),
            ("true", true),
            ("false", false),
            ("ON", true),
            (" Off ", false),
            ("1", true),
            ("no", false),
        ] {
            assert_eq!(
                parse_flag("PORTAL_SANDBOX", Some(v), !want).expect(v),
                want,
                "{v}"
            );
        }
        assert!(parse_flag("PORTAL_SANDBOX", None, true).expect("default"));
        let err = parse_flag("PORTAL_SANDBOX", Some("maybe"), true).expect_err("maybe");
        assert!(err.to_string().contains("use on or off"), "{err}");
    }

    #[test]
    fn logs_are_readable_at_a_terminal_and_json_elsewhere_unless_asked() {
        let auto = parse_log_format(None).expect("unset");
        assert_eq!(auto, parse_log_format(Some("auto")).expect("auto"));
        assert_eq!(LogFormat::choose(auto, true), LogFormat::Pretty);
        assert_eq!(LogFormat::choose(auto, false), LogFormat::Json);
        let json = parse_log_format(Some("json")).expect("json");
        assert_eq!(LogFormat::choose(json, true), LogFormat::Json);
        let pretty = parse_log_format(Some("pretty")).expect("pretty");
        assert_eq!(LogFormat::choose(pretty, false), LogFormat::Pretty);
        assert!(parse_log_format(Some("xml")).is_err());
    }

    #[test]
    fn proxy_trust_takes_a_count_or_the_old_boolean() {
        assert_eq!(proxy_hops(None).expect("unset"), 0);
        assert_eq!(proxy_hops(Some("true")).expect("true"), 1);
        assert_eq!(proxy_hops(Some("false")).expect("false"), 0);
        assert_eq!(proxy_hops(Some(" 2 ")).expect("2"), 2);
        assert!(proxy_hops(Some("-1")).is_err());
        assert!(proxy_hops(Some("maybe")).is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let list = proxy_list(Some("10.0.0.0/8, 192.0.2.7,,fd00::/8")).expect("list");
        assert_eq!(list.len(), 3);
        assert!(list[1].contains(&"192.0.2.7".parse::<std::net::IpAddr>().expect("ip")));
        assert!(proxy_list(Some("10.0.0.0/33")).is_err());
        assert!(proxy_list(Some("proxy.local")).is_err());
        assert!(proxy_list(None).expect("empty").is_empty());
    }

    fn merged(url: &str, pw: &str) -> anyhow::Result<String> {
        with_password(url, &SecretString::from(pw.to_owned()))
    }

    #[test]
    fn a_password_file_is_merged_into_the_database_url() {
        let url = merged(
            "postgres://portal@db:5432/cbc_portal?sslmode=prefer",
            "s3cret",
        )
        .expect("merge");
        assert_eq!(
            url,
            "postgres://portal:s3cret@db:5432/cbc_portal?sslmode=prefer"
        );
    }

    #[test]
    fn any_password_survives_the_merge_byte_for_byte() {
        let pw = "p@ss:w/rd?#%+ é&=";
        let url = merged("postgres://portal@db/cbc_portal", pw).expect("merge");
        let opts = sqlx::postgres::PgConnectOptions::from_str(&url).expect("parses");
        assert_eq!(opts.get_host(), "db");
        assert_eq!(opts.get_username(), "portal");
        assert_eq!(opts.get_database(), Some("cbc_portal"));
        // The options keep the password private; the round trip through the URL must be exact.
        let enc = url
            .strip_prefix("postgres://portal:")
            .and_then(|r| r.strip_suffix("@db/cbc_portal"))
            .expect("password part");
        assert!(!enc.contains(['@', ':', '/', '?', '#', ' ']), "{enc}");
        let mut decoded = Vec::new();
        let mut bytes = enc.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                decoded.push(u8::from_str_radix(&hex, 16).expect("hex"));
            } else {
                decoded.push(b);
            }
        }
        assert_eq!(String::from_utf8(decoded).expect("utf8"), pw);
    }

    #[test]
    fn a_url_with_its_own_password_or_no_user_refuses_a_password_file() {
        let e = merged("postgres://portal:old@db/cbc_portal", "new").expect_err("two passwords");
        assert!(e.to_string().contains("no password"), "{e}");
        let e = merged("postgres://db/cbc_portal", "new").expect_err("no user");
        assert!(e.to_string().contains("name the user"), "{e}");
    }

    #[test]
    fn a_password_file_loses_its_trailing_newline_and_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cbc-portal-pwfile-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("db_password");
        std::fs::write(&file, "hunter2 two\n").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(
            read_secret_file(&file).expect("read").expose_secret(),
            "hunter2 two"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let e = read_secret_file(&file).expect_err("group-readable");
        assert!(format!("{e:#}").contains("chmod 600"), "{e:#}");
        std::fs::write(&file, "\n").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(
            read_secret_file(&file).is_err(),
            "an empty password file is refused"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_secret_key_and_a_secret_key_file_together_are_refused() {
        let mut s = Settings::from_env().expect("settings");
        s.secret_key = Some(SecretString::from("k".to_owned()));
        s.secret_key_file = Some(PathBuf::from("/run/secrets/portal_key"));
        let e = s.validate().expect_err("both set");
        assert!(e.to_string().contains("not both"), "{e}");
    }
}
