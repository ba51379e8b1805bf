//! `Client`: signed, throttled, bounded, retried (reads only) and circuit-broken CBC calls.
//!
//! One `Client` serves every cloud account; credentials come with each call
//! ([`AccountCredentials`]). Per attempt the path is: circuit breaker of the endpoint (fail fast
//! when open) -> token bucket of (account, operation), waiting a bounded time -> concurrency cap
//! -> sign -> send -> classify. Reads and price inquiries are retried with full-jitter backoff on
//! throttling, 5xx, timeouts and broken connections; actions are sent exactly once, and their
//! errors say whether the outcome is ambiguous (see [`CbcError::outcome_is_ambiguous`]).
//!
//! Redirects are never followed and the destination must pass the egress policy
//! ([`super::egress`]): an endpoint is a place staff typed in, not a licence to reach anything
//! a redirect or a DNS answer points at.
//!
//! The limits here are per process. CBC counts per account, API and source IP, so replicas
//! behind one NAT address share CBC's budget; the default rate (80 % of CBC's limit) leaves room
//! for a second replica's stray calls only, so scale the rate down in settings when running many.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tracing::Instrument;
use uuid::Uuid;

use super::cache::{CacheSettings, ReadCache};
use super::egress::{EgressPolicy, EgressRefused, GuardedResolver};
use super::error::{self, CbcError};
use super::ops::Operation;
use super::signer;

/// Everything tunable about the client. `Default` holds production values.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending to the last byte of the answer.
    pub total_timeout: Duration,
    /// Upstream calls in flight at once, across all accounts.
    pub max_concurrent: usize,
    /// Longest a call waits for its rate-limit slot plus a concurrency slot before failing
    /// with [`CbcError::Busy`] (nothing sent).
    pub max_queue_wait: Duration,
    /// Extra attempts for reads and price inquiries after a transient failure.
    pub read_retries: u32,
    /// First backoff step; attempt n waits a random time in `[0, min(cap, base * 2^n))`.
    pub backoff_base: Duration,
    /// Largest backoff step.
    pub backoff_cap: Duration,
    /// Largest `Retry-After` honoured before retrying a throttled read.
    pub max_retry_after: Duration,
    /// Our rate as a share of CBC's per-API limit, in percent (80 gives 8/s for a 10/s API).
    pub rate_percent: u32,
    /// Consecutive upstream failures (5xx, timeouts, broken connections) that open an
    /// endpoint's circuit breaker.
    pub breaker_threshold: u32,
    /// How long an open breaker fails calls fast before letting one probe through.
    pub breaker_cool_down: Duration,
    /// `User-Agent` sent (and signed) with every call.
    pub user_agent: String,
    /// Read cache lifetimes and size.
    pub cache: CacheSettings,
    /// Which addresses the client may connect to. The default refuses internal ones.
    pub egress: EgressPolicy,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(20),
            max_concurrent: 32,
            max_queue_wait: Duration::from_secs(5),
            read_retries: 2,
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(5),
            rate_percent: 80,
            breaker_threshold: 5,
            breaker_cool_down: Duration::from_secs(30),
            user_agent: concat!("cbc-portal/", env!("CARGO_PKG_VERSION")).to_owned(),
            cache: CacheSettings::default(),
            egress: EgressPolicy::public_only(),
        }
    }
}

impl ClientSettings {
    /// Our sustained rate and burst for an API whose CBC limit is `limit` calls per second.
    /// The burst is chosen so that burst + rate stays below the limit: no 1-second window
    /// can then hold more than `limit - 1` calls.
    pub fn rate_for(&self, limit: u32) -> (f64, f64) {
        let limit = f64::from(limit.max(2));
        let rate =
            (limit * f64::from(self.rate_percent.clamp(1, 100)) / 100.0).clamp(1.0, limit - 1.0);
        let burst = (limit - rate - 1.0).floor().max(1.0);
        (rate, burst)
    }
}

/// How a call authenticates.
#[derive(Clone)]
pub enum Auth {
    /// AK/SK, signed with `SDK-HMAC-SHA256`.
    AkSk {
        /// Access key id.
        ak: String,
        /// Secret access key.
        sk: SecretString,
    },
    /// An IAM token sent as `X-Auth-Token`; no signing.
    Token(SecretString),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::AkSk { ak, .. } => f
                .debug_struct("AkSk")
                .field("ak", ak)
                .field("sk", &"[hidden]")
                .finish(),
            Auth::Token(_) => f.write_str("Token([hidden])"),
        }
    }
}

/// Who a call is made for: one cloud account's endpoint and credentials.
#[derive(Clone, Debug)]
pub struct AccountCredentials {
    /// The portal's id of the cloud account; keys caches and rate limits.
    pub account_id: Uuid,
    /// Base URL, e.g. `https://bss.myhuaweicloud.eu` or `http://127.0.0.1:8081`.
    pub endpoint: String,
    /// Huawei Cloud domain (account) id, sent as `X-Domain-Id`.
    pub domain_id: String,
    /// AK/SK or token.
    pub auth: Auth,
}

/// The CBC client. Cheap to clone; clones share limits, breakers and cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    settings: ClientSettings,
    permits: Semaphore,
    buckets: Mutex<HashMap<(Uuid, &'static str), Bucket>>,
    /// When calls were actually sent, per (account, operation), over the last second.
    windows: Mutex<HashMap<(Uuid, &'static str), SendWindow>>,
    breakers: Mutex<HashMap<String, Arc<Mutex<Breaker>>>>,
    cache: ReadCache,
    /// Connections refused by the egress policy, by name or by literal address.
    refused: Arc<std::sync::atomic::AtomicU64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding these short locks leaves consistent data; keep going.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Client {
    /// Builds a client. Fails only if the HTTP stack cannot be set up.
    pub fn new(settings: ClientSettings) -> Result<Self, CbcError> {
        let refused = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.total_timeout)
            // The signed Host header must be the one on the wire; HTTP/1.1 sends it as is.
            .http1_only()
            // A redirect could point anywhere, any scheme; CBC never sends one.
            .redirect(reqwest::redirect::Policy::none())
            // Connect directly, so the resolver below sees the real destination.
            .no_proxy()
            .dns_resolver(GuardedResolver {
                policy: Arc::new(settings.egress.clone()),
                refused: refused.clone(),
            })
            .build()
            .map_err(|e| CbcError::InvalidRequest(format!("HTTP client setup failed: {e}")))?;
        let cache = ReadCache::new(&settings.cache);
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                permits: Semaphore::new(settings.max_concurrent.max(1)),
                buckets: Mutex::new(HashMap::new()),
                windows: Mutex::new(HashMap::new()),
                breakers: Mutex::new(HashMap::new()),
                cache,
                refused,
                settings,
            }),
        })
    }

    /// The settings this client runs with.
    pub fn settings(&self) -> &ClientSettings {
        &self.inner.settings
    }

    /// Connections refused so far because the endpoint is, or resolved to, an internal address.
    pub fn refused_connections(&self) -> u64 {
        self.inner
            .refused
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn read_cache(&self) -> &ReadCache {
        &self.inner.cache
    }

    /// Whether the circuit breaker of `endpoint` currently fails calls fast.
    pub fn endpoint_unavailable(&self, endpoint: &str) -> bool {
        let origin = reqwest::Url::parse(endpoint)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| endpoint.to_owned());
        let breaker = self.breaker(&origin);
        let state = lock(&breaker);
        matches!(*state, Breaker::Open { until } if until > Instant::now())
            || matches!(*state, Breaker::HalfOpen)
    }

    /// Every endpoint's breaker as (origin, state): 0 closed, 1 open, 2 half-open or due for
    /// a probe. For metrics.
    pub fn breaker_states(&self) -> Vec<(String, u8)> {
        let now = Instant::now();
        lock(&self.inner.breakers)
            .iter()
            .map(|(origin, cell)| {
                let state = match *lock(cell) {
                    Breaker::Closed { .. } => 0,
                    Breaker::Open { until } if until > now => 1,
                    Breaker::Open { .. } | Breaker::HalfOpen => 2,
                };
                (origin.clone(), state)
            })
            .collect()
    }

    /// Sends `req` fresh, bypassing the cache. Reads and price inquiries are retried on
    /// transient failures; actions are sent at most once.
    pub async fn call<O: Operation>(
        &self,
        acct: &AccountCredentials,
        req: &O,
    ) -> Result<O::Response, CbcError> {
        let span = tracing::info_span!(
            "cbc_call",
            op = O::ID,
            account = %acct.account_id,
            kind = ?O::KIND,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            error_code = tracing::field::Empty,
        );
        let started = Instant::now();
        async move {
            let max_attempts = if O::KIND.is_retryable() {
                1 + self.inner.settings.read_retries
            } else {
                1
            };
            let mut attempt = 0;
            let result = loop {
                attempt += 1;
                match self.attempt(acct, req).await {
                    Ok(ok) => break Ok(ok),
                    Err(e) if attempt < max_attempts && e.is_transient() => {
                        let pause = self.backoff(attempt, &e);
                        tracing::debug!(
                            attempt,
                            error_code = e.error_code(),
                            ?pause,
                            "retrying read"
                        );
                        tokio::time::sleep(pause).await;
                    }
                    Err(e) => break Err(e),
                }
            };
            crate::metrics::cbc_call(O::ID, result.as_ref().err(), started.elapsed());
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok((status, _)) => {
                    span.record("status", status);
                    tracing::debug!("cbc call succeeded");
                }
                Err(e) => {
                    if let Some(s) = e.http_status() {
                        span.record("status", s);
                    }
                    span.record("error_code", e.error_code());
                    tracing::warn!(ambiguous = e.outcome_is_ambiguous(), "cbc call failed: {e}");
                }
            }
            result.map(|(_, body)| body)
        }
        .instrument(span)
        .await
    }

    /// Serves `req` from the read cache, fetching on a miss (one upstream call per key even
    /// under concurrent misses). When CBC is unavailable (breaker open, throttled, down) the
    /// last good value is served with `stale: true`. Actions are never cached: for them this
    /// is `call` wrapped as fresh.
    pub async fn cached<O: Operation>(
        &self,
        acct: &AccountCredentials,
        req: &O,
    ) -> Result<super::cache::Cached<O::Response>, CbcError> {
        super::cache::cached(self, acct, req).await
    }

    /// Drops the cached lists, balances and prices of one cloud account; call after an action
    /// so the next page shows the new state.
    pub fn invalidate_account(&self, account_id: Uuid) {
        self.inner.cache.invalidate_account(account_id);
    }

    fn backoff(&self, attempt: u32, err: &CbcError) -> Duration {
        let s = &self.inner.settings;
        if let CbcError::Throttled {
            retry_after: Some(after),
            ..
        } = err
        {
            return (*after).min(s.max_retry_after);
        }
        let exp = s
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let ceiling = exp.min(s.backoff_cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }

    fn breaker(&self, endpoint: &str) -> Arc<Mutex<Breaker>> {
        lock(&self.inner.breakers)
            .entry(endpoint.to_owned())
            .or_insert_with(|| Arc::new(Mutex::new(Breaker::Closed { failures: 0 })))
            .clone()
    }

    /// Waits for a rate-limit slot of (account, operation), at most `max_wait`.
    async fn throttle(
        &self,
        account: Uuid,
        op: &'static str,
        limit: u32,
        max_wait: Duration,
    ) -> Result<(), CbcError> {
        let wait = {
            let mut buckets = lock(&self.inner.buckets);
            let (rate, burst) = self.inner.settings.rate_for(limit);
            let bucket = buckets.entry((account, op)).or_insert_with(|| Bucket {
                tokens: burst,
                last: Instant::now(),
                rate,
                burst,
            });
            bucket.reserve(Instant::now(), max_wait)
        };
        match wait {
            Ok(d) if d.is_zero() => Ok(()),
            Ok(d) => {
                crate::metrics::cbc_throttle_wait(op, d);
                tokio::time::sleep(d).await;
                Ok(())
            }
            Err(_) => Err(CbcError::Busy { waited: max_wait }),
        }
    }

    /// One upstream attempt, with breaker, throttle and concurrency cap.
    async fn attempt<O: Operation>(
        &self,
        acct: &AccountCredentials,
        req: &O,
    ) -> Result<(u16, O::Response), CbcError> {
        let prepared = prepare(acct, req, &self.inner.settings.user_agent)?;
        if let Some(addr) = prepared.literal
            && !self.inner.settings.egress.permits_socket(addr)
        {
            // Literal addresses never reach the resolver: check them here.
            self.inner
                .refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let err = EgressRefused {
                host: addr.ip().to_string(),
                addr: None,
            };
            tracing::warn!("refused a CBC connection: {err}");
            return Err(CbcError::EndpointRefused(err));
        }
        let mut permit = BreakerPermit::admit(
            self.breaker(&prepared.origin),
            self.inner.settings.breaker_cool_down,
        )?;
        let queue_started = Instant::now();
        let max_wait = self.inner.settings.max_queue_wait;
        self.throttle(acct.account_id, O::ID, O::UPSTREAM_LIMIT_PER_SEC, max_wait)
            .await?;
        let remaining = max_wait.saturating_sub(queue_started.elapsed());
        let _slot = tokio::time::timeout(remaining, self.inner.permits.acquire())
            .await
            .map_err(|_| CbcError::Busy { waited: max_wait })?
            .map_err(|_| CbcError::Busy { waited: max_wait })?;

        // The bucket paces reservations, but wake-ups can bunch when the runtime is busy; the
        // window of real send times is what CBC counts, so it has the last word.
        loop {
            let wait = lock(&self.inner.windows)
                .entry((acct.account_id, O::ID))
                .or_default()
                .admit(
                    Instant::now(),
                    O::UPSTREAM_LIMIT_PER_SEC.saturating_sub(1).max(1),
                );
            match wait {
                None => break,
                Some(d) if queue_started.elapsed() + d > max_wait => {
                    return Err(CbcError::Busy { waited: max_wait });
                }
                Some(d) => {
                    crate::metrics::cbc_throttle_wait(O::ID, d);
                    tokio::time::sleep(d).await;
                }
            }
        }
        let result = self.send::<O>(acct, &prepared).await;
        let healthy = !matches!(&result, Err(e) if e.is_upstream_failure());
        if permit.settle(healthy, self.inner.settings.breaker_threshold) {
            crate::metrics::cbc_breaker_opened(&prepared.origin);
        }
        result
    }

    async fn send<O: Operation>(
        &self,
        acct: &AccountCredentials,
        p: &Prepared,
    ) -> Result<(u16, O::Response), CbcError> {
        let headers = match &acct.auth {
            Auth::AkSk { ak, sk } => {
                let date = signer::format_date(time::OffsetDateTime::now_utc());
                signer::sign(
                    O::METHOD.as_str(),
                    &p.host,
                    &p.path,
                    &p.query,
                    &p.headers,
                    p.body.as_deref().unwrap_or_default(),
                    ak,
                    sk.expose_secret().as_bytes(),
                    &date,
                )
                .headers
            }
            Auth::Token(token) => {
                let mut h = p.headers.clone();
                h.push(("X-Auth-Token".to_owned(), token.expose_secret().to_owned()));
                h
            }
        };
        let mut builder = self.inner.http.request(O::METHOD, &p.url);
        for (k, v) in &headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if let Some(body) = &p.body {
            builder = builder.body(body.clone());
        }
        let resp = builder.send().await.map_err(map_reqwest)?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() {
            // Not followed, and its body is not read: it is not CBC's answer.
            return Err(CbcError::Redirected {
                http_status: status,
            });
        }
        let request_id = resp
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = resp.bytes().await.map_err(|e| {
            let mut err = map_reqwest(e);
            if let CbcError::Transport { after_send, .. } | CbcError::Timeout { after_send } =
                &mut err
            {
                *after_send = true;
            }
            err
        })?;
        if !(200..300).contains(&status) {
            return Err(error::from_response(status, &body, request_id, retry_after));
        }
        decode_success::<O>(status, &body, request_id).map(|r| (status, r))
    }
}

/// A request ready to sign: everything but the date and the credentials.
struct Prepared {
    origin: String,
    /// The endpoint's address when its host is a literal IP (no DNS involved).
    literal: Option<std::net::SocketAddr>,
    host: String,
    url: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn prepare<O: Operation>(
    acct: &AccountCredentials,
    req: &O,
    user_agent: &str,
) -> Result<Prepared, CbcError> {
    let url = reqwest::Url::parse(&acct.endpoint)
        .map_err(|e| CbcError::InvalidRequest(format!("bad endpoint URL: {e}")))?;
    let host_name = url
        .host_str()
        .ok_or_else(|| CbcError::InvalidRequest("endpoint URL has no host".to_owned()))?;
    let host = match url.port() {
        Some(port) => format!("{host_name}:{port}"),
        None => host_name.to_owned(),
    };
    let origin = url.origin().ascii_serialization();
    let literal = host_name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| std::net::SocketAddr::new(ip, url.port_or_known_default().unwrap_or(443)));
    let path = req.path();
    let query = req.query();
    let canonical = signer::canonical_query(&query);
    let full_url = if canonical.is_empty() {
        format!("{origin}{path}")
    } else {
        format!("{origin}{path}?{canonical}")
    };
    let body = req
        .body()
        .map_err(|e| CbcError::InvalidRequest(format!("request body: {e}")))?;
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("User-Agent".to_owned(), user_agent.to_owned()),
        ("X-Domain-Id".to_owned(), acct.domain_id.clone()),
    ];
    if let Some(lang) = req.language() {
        headers.push(("X-Language".to_owned(), lang.to_owned()));
    }
    Ok(Prepared {
        origin,
        literal,
        host,
        url: full_url,
        path,
        query,
        headers,
        body,
    })
}

fn map_reqwest(e: reqwest::Error) -> CbcError {
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<EgressRefused>() {
            return CbcError::EndpointRefused(refused.clone());
        }
        source = s.source();
    }
    let after_send = !e.is_connect();
    if e.is_builder() {
        CbcError::InvalidRequest(e.to_string())
    } else if e.is_timeout() {
        CbcError::Timeout { after_send }
    } else {
        // The chain says what broke (reset, refused, TLS) without any secret in it.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        CbcError::Transport {
            message,
            after_send,
        }
    }
}

/// Parses a 2xx answer. Empty bodies are accepted where CBC answers 204; a top-level
/// `error_code` other than `CBC.0000` is an error even inside a 200.
fn decode_success<O: Operation>(
    status: u16,
    body: &[u8],
    request_id: Option<String>,
) -> Result<O::Response, CbcError> {
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if empty && (status == 204 || O::SUCCESS_STATUS == 204) {
        return serde_json::from_slice(b"{}").map_err(|e| CbcError::Decode {
            http_status: status,
            message: format!("{}: {e}", O::ID),
            request_id,
        });
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| CbcError::Decode {
        http_status: status,
        message: format!("{}: {e}", O::ID),
        request_id: request_id.clone(),
    })?;
    if let Some(code) = value.get("error_code").and_then(|c| c.as_str())
        && code != "CBC.0000"
    {
        let parsed = error::parse_error_body(body);
        return Err(CbcError::Upstream {
            http_status: status,
            error_code: code.to_owned(),
            error_msg: parsed.message.unwrap_or_default(),
            request_id,
            fail_check_items: parsed.fail_check_items,
        });
    }
    // From the bytes, not the `Value`: numbers then keep their exact text (and scale).
    serde_json::from_slice(body).map_err(|e| CbcError::Decode {
        http_status: status,
        message: format!("{}: {e}", O::ID),
        request_id,
    })
}

/// Token bucket that hands out future slots: callers reserve a slot and sleep until it.
struct Bucket {
    tokens: f64,
    last: Instant,
    rate: f64,
    burst: f64,
}

impl Bucket {
    /// Reserves one call; returns how long to wait for it, or `Err` (nothing reserved) if
    /// that is longer than `max_wait`.
    fn reserve(&mut self, now: Instant, max_wait: Duration) -> Result<Duration, Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
        let after = self.tokens - 1.0;
        let wait = if after >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-after / self.rate)
        };
        if wait > max_wait {
            return Err(wait);
        }
        self.tokens = after;
        Ok(wait)
    }
}

/// Send times of one (account, operation) within the last second.
#[derive(Default)]
struct SendWindow {
    sends: std::collections::VecDeque<Instant>,
}

impl SendWindow {
    /// Admits a send now if fewer than `max` happened in the last second (and records it);
    /// otherwise says how long until one leaves the window.
    fn admit(&mut self, now: Instant, max: u32) -> Option<Duration> {
        let second = Duration::from_secs(1);
        while self
            .sends
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= second)
        {
            self.sends.pop_front();
        }
        if self.sends.len() < max as usize {
            self.sends.push_back(now);
            return None;
        }
        let oldest = self.sends.front().copied().unwrap_or(now);
        Some((oldest + second).saturating_duration_since(now) + Duration::from_millis(1))
    }
}

/// Circuit breaker state of one endpoint.
#[derive(Debug, Clone, Copy)]
enum Breaker {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// Admission through a breaker; settles the breaker with the attempt's outcome. Dropped
/// unsettled (nothing reached upstream), a probe hands the probe turn to the next caller.
struct BreakerPermit {
    cell: Arc<Mutex<Breaker>>,
    probe: bool,
    settled: bool,
    cool_down: Duration,
}

impl BreakerPermit {
    fn admit(cell: Arc<Mutex<Breaker>>, cool_down: Duration) -> Result<Self, CbcError> {
        let probe = {
            let mut state = lock(&cell);
            let now = Instant::now();
            match *state {
                Breaker::Closed { .. } => false,
                Breaker::Open { until } if until > now => {
                    return Err(CbcError::CircuitOpen {
                        retry_in: until - now,
                    });
                }
                Breaker::Open { .. } => {
                    *state = Breaker::HalfOpen;
                    true
                }
                Breaker::HalfOpen => {
                    return Err(CbcError::CircuitOpen {
                        retry_in: cool_down,
                    });
                }
            }
        };
        Ok(Self {
            cell,
            probe,
            settled: false,
            cool_down,
        })
    }

    /// Records the attempt's outcome; true when this failure opened the breaker.
    fn settle(&mut self, healthy: bool, threshold: u32) -> bool {
        self.settled = true;
        let mut state = lock(&self.cell);
        let now = Instant::now();
        let was_open = matches!(*state, Breaker::Open { .. });
        *state = match (healthy, *state) {
            (true, _) => Breaker::Closed { failures: 0 },
            (false, Breaker::Closed { failures }) if failures + 1 < threshold.max(1) => {
                Breaker::Closed {
                    failures: failures + 1,
                }
            }
            (false, Breaker::Open { until }) if !self.probe => Breaker::Open { until },
            (false, _) => {
                tracing::warn!("cbc endpoint circuit breaker opened");
                Breaker::Open {
                    until: now + self.cool_down,
                }
            }
        };
        !was_open && matches!(*state, Breaker::Open { .. })
    }
}

impl Drop for BreakerPermit {
    fn drop(&mut self) {
        if self.probe && !self.settled {
            let mut state = lock(&self.cell);
            if matches!(*state, Breaker::HalfOpen) {
                *state = Breaker::Open {
                    until: Instant::now(),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_stay_below_cbc_limits_in_any_second() {
        let s = ClientSettings::default();
        for (limit, want_rate) in [(10, 8.0), (20, 16.0), (30, 24.0)] {
            let (rate, burst) = s.rate_for(limit);
            assert_eq!(rate, want_rate);
            assert!(burst >= 1.0);
            assert!(
                rate + burst < f64::from(limit),
                "limit {limit}: {rate} + {burst}"
            );
        }
    }

    #[test]
    fn bucket_spaces_reservations_and_refuses_long_waits() {
        let start = Instant::now();
        let mut b = Bucket {
            tokens: 1.0,
            last: start,
            rate: 8.0,
            burst: 1.0,
        };
        let max = Duration::from_secs(1);
        assert_eq!(b.reserve(start, max), Ok(Duration::ZERO));
        let waits: Vec<Duration> = (0..8)
            .map(|_| b.reserve(start, max).expect("fits"))
            .collect();
        assert_eq!(waits[0], Duration::from_millis(125));
        assert_eq!(waits[7], Duration::from_secs(1));
        // The ninth queued call would wait 1.125 s: refused, and nothing is reserved.
        assert!(b.reserve(start, max).is_err());
        assert!(b.reserve(start, max).is_err());
    }

    #[test]
    fn the_send_window_never_admits_more_than_its_limit_in_a_second() {
        let start = Instant::now();
        let mut w = SendWindow::default();
        for i in 0..9 {
            assert_eq!(w.admit(start + Duration::from_millis(i), 9), None);
        }
        let wait = w.admit(start + Duration::from_millis(10), 9).expect("full");
        assert_eq!(wait, Duration::from_millis(991));
        assert_eq!(
            w.admit(start + Duration::from_millis(1001), 9),
            None,
            "the first left"
        );
    }

    use crate::cbc::ops::ShowCustomerAccountBalancesRequest;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A local server answering everything with `reply`; counts requests.
    async fn serve(
        reply: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
    ) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let app = axum::Router::new().fallback(move || {
            let (reply, counted) = (reply.clone(), counted.clone());
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                reply()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (addr, hits)
    }

    fn creds(endpoint: String) -> AccountCredentials {
        AccountCredentials {
            account_id: Uuid::new_v4(),
            endpoint,
            domain_id: "d".into(),
            auth: Auth::AkSk {
                ak: "AKID".into(),
                sk: SecretString::from("sk"),
            },
        }
    }

    fn retrying(egress: EgressPolicy) -> ClientSettings {
        ClientSettings {
            read_retries: 3,
            backoff_base: Duration::from_millis(1),
            backoff_cap: Duration::from_millis(2),
            egress,
            ..ClientSettings::default()
        }
    }

    #[tokio::test]
    async fn redirects_are_never_followed() {
        use axum::response::IntoResponse;
        let (inner, inner_hits) = serve(|| {
            r#"{"account_balances":[{"account_id":"a","amount":"1.00","measure_id":1}],"debt_amount":0,"measure_id":1,"currency":"EUR"}"#.into_response()
        })
        .await;
        for status in [301u16, 302, 303, 307, 308] {
            let target = format!("http://{inner}/internal");
            let (outer, outer_hits) = serve(move || {
                (
                    axum::http::StatusCode::from_u16(status).expect("status"),
                    [(axum::http::header::LOCATION, target.clone())],
                    r#"{"error_code":"CBC.0999","error_msg":"redirect body"}"#,
                )
                    .into_response()
            })
            .await;
            let client = Client::new(retrying(EgressPolicy::allow_private())).expect("client");
            let err = client
                .call(
                    &creds(format!("http://{outer}")),
                    &ShowCustomerAccountBalancesRequest::default(),
                )
                .await
                .expect_err("a redirect is an error");
            assert!(
                matches!(err, CbcError::Redirected { http_status } if http_status == status),
                "{status}: {err:?}"
            );
            assert!(!err.to_string().contains("redirect body"), "{err}");
            assert!(!err.is_transient());
            assert_eq!(outer_hits.load(Ordering::SeqCst), 1, "{status}: sent once");
        }
        assert_eq!(inner_hits.load(Ordering::SeqCst), 0, "never followed");
    }

    #[tokio::test]
    async fn private_addresses_are_refused_by_name_and_by_literal_without_retrying() {
        use axum::response::IntoResponse;
        let (addr, hits) = serve(|| {
            r#"{"account_balances":[{"account_id":"a","amount":"1.00","measure_id":1}],"debt_amount":0,"measure_id":1,"currency":"EUR"}"#.into_response()
        })
        .await;
        let port = addr.port();
        let client = Client::new(retrying(EgressPolicy::public_only())).expect("client");
        for endpoint in [
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
            format!("http://[::ffff:127.0.0.1]:{port}"),
            format!("http://[::1]:{port}"),
            format!("http://0x7f.0.0.1:{port}"),
        ] {
            let before = client.refused_connections();
            let err = client
                .call(
                    &creds(endpoint.clone()),
                    &ShowCustomerAccountBalancesRequest::default(),
                )
                .await
                .expect_err("refused");
            assert!(
                matches!(err, CbcError::EndpointRefused(_)),
                "{endpoint}: {err:?}"
            );
            assert!(
                !err.is_transient() && !err.outcome_is_ambiguous(),
                "{endpoint}"
            );
            assert_eq!(
                client.refused_connections(),
                before + 1,
                "{endpoint}: refused once, not retried"
            );
        }
        assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the server");
        // Exactly this address, exempted (the embedded sandbox), is reachable.
        let exempt = Client::new(retrying(EgressPolicy {
            allow_private: false,
            exempt: vec![addr],
        }))
        .expect("client");
        exempt
            .call(
                &creds(format!("http://127.0.0.1:{port}")),
                &ShowCustomerAccountBalancesRequest::default(),
            )
            .await
            .expect("the exempt address");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let acct = AccountCredentials {
            account_id: Uuid::nil(),
            endpoint: "https://bss.myhuaweicloud.eu".into(),
            domain_id: "d".into(),
            auth: Auth::AkSk {
                ak: "AKID".into(),
                sk: SecretString::from("very-secret-sk"),
            },
        };
        let shown = format!("{acct:?} {:?}", Auth::Token(SecretString::from("tok-123")));
        assert!(shown.contains("AKID"));
        assert!(
            !shown.contains("very-secret-sk") && !shown.contains("tok-123"),
            "{shown}"
        );
    }
}
