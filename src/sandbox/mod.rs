//! The sandbox: a faithful, stateful emulator of the CBC API.
//!
//! It answers all 32 customer operations of `tests/fixtures/cbc-api/operations.json` at their
//! real methods and paths, verifies `SDK-HMAC-SHA256` signatures with the same signer the client
//! uses, validates parameters like CBC does (`CBC.0100`), throttles per AK and operation
//! (`CBC.0250`), and keeps a seeded, deterministic world per AK whose state really changes when
//! orders are paid, resources renewed or unsubscribed. A control API under `/__sandbox/`
//! (never part of the real API) exposes call counts, a call log, fault injection and the clock
//! the world is dated by (real, or pinned so that fixtures do not drift).

mod auth;
mod catalog;
mod clock;
mod control;
mod error;
mod handlers;
mod money;
mod records;
mod rng;
mod spec;
mod throttle;
mod world;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};

pub use auth::token_for;
pub use clock::Clock;
pub use control::{FaultConfig, OpFault};

/// One customer credential the sandbox accepts: AK, SK and the account (domain) id.
#[derive(Clone)]
pub struct Credential {
    /// Access key id.
    pub ak: String,
    /// Secret access key; never printed.
    pub sk: SecretString,
    /// The account (domain) id, which the world reports as `customer_id`.
    pub domain_id: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("ak", &self.ak)
            .field("sk", &"[redacted]")
            .field("domain_id", &self.domain_id)
            .finish()
    }
}

impl std::str::FromStr for Credential {
    type Err = anyhow::Error;

    /// Parses `AK:SK:DOMAIN_ID`; none of the three may be empty.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let ak = parts.next().unwrap_or_default();
        let sk = parts.next().unwrap_or_default();
        let domain_id = parts.next().unwrap_or_default();
        if ak.is_empty() || sk.is_empty() || domain_id.is_empty() {
            anyhow::bail!("credential must look like AK:SK:DOMAIN_ID");
        }
        Ok(Credential {
            ak: ak.to_owned(),
            sk: SecretString::from(sk.to_owned()),
            domain_id: domain_id.to_owned(),
        })
    }
}

/// How the seeded world is built.
#[derive(Clone, Debug)]
pub struct SeedConfig {
    /// Seed of every generated value; the world is a function of (seed, AK, start time).
    pub seed: u64,
    /// Resource expenditure and usage detail records per account, spread over 13 cycles.
    pub bill_records: usize,
    /// ISO currency code of every amount.
    pub currency: String,
    /// Pins the sandbox clock: the start time the world is dated from, after which the clock
    /// runs on. `None` follows the real time.
    pub now: Option<time::OffsetDateTime>,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            seed: 42,
            bill_records: 3000,
            currency: "USD".to_owned(),
            now: None,
        }
    }
}

/// Everything the request handlers share.
pub struct SandboxState {
    pub(crate) creds: HashMap<String, Credential>,
    pub(crate) worlds: HashMap<String, tokio::sync::Mutex<world::World>>,
    /// Each AK's IAM projects, `(region, project id)`; fixed for the life of the world.
    pub(crate) projects: HashMap<String, Vec<(String, String)>>,
    pub(crate) control: control::Control,
    pub(crate) throttle: throttle::Throttle,
    pub(crate) cfg: SeedConfig,
    pub(crate) clock: Clock,
}

impl SandboxState {
    /// Builds the state and every account's world, dated from `cfg.now` when it pins the
    /// clock, else from the current time.
    pub fn new(creds: Vec<Credential>, cfg: SeedConfig) -> Arc<SandboxState> {
        let clock = cfg.now.map_or_else(Clock::real, Clock::pinned);
        Self::with_clock(creds, cfg, clock)
    }

    /// Builds the state with its clock pinned at `now` (tests use it for determinism).
    pub fn new_at(
        creds: Vec<Credential>,
        cfg: SeedConfig,
        now: time::OffsetDateTime,
    ) -> Arc<SandboxState> {
        Self::with_clock(creds, cfg, Clock::pinned(now))
    }

    fn with_clock(creds: Vec<Credential>, cfg: SeedConfig, clock: Clock) -> Arc<SandboxState> {
        let now = clock.now();
        let mut worlds = HashMap::new();
        let mut by_ak = HashMap::new();
        let mut projects = HashMap::new();
        for c in creds {
            let w = world::World::generate(&cfg, &c.ak, &c.domain_id, now);
            projects.insert(c.ak.clone(), w.region_projects.clone());
            worlds.insert(c.ak.clone(), tokio::sync::Mutex::new(w));
            by_ak.insert(c.ak.clone(), c);
        }
        Arc::new(SandboxState {
            creds: by_ak,
            worlds,
            projects,
            control: control::Control::default(),
            throttle: throttle::Throttle::default(),
            cfg,
            clock,
        })
    }

    /// Sets the clock (a pin, or `None` for the real time) and seeds every world afresh from
    /// its new time; what actions changed in the old worlds is gone.
    pub(crate) async fn reseed_at(&self, at: Option<time::OffsetDateTime>) {
        self.clock.set(at);
        let now = self.clock.now();
        for (ak, world) in &self.worlds {
            let domain = self.creds.get(ak).map_or("", |c| c.domain_id.as_str());
            *world.lock().await = world::World::generate(&self.cfg, ak, domain, now);
        }
    }

    /// Replaces the fault configuration (tests; the HTTP control API does the same).
    #[cfg(test)]
    pub(crate) fn control_set(&self, v: serde_json::Value) {
        self.control
            .set_faults(serde_json::from_value(v).unwrap_or_default());
    }

    /// The IAM projects of an account, `(region, project id)`, one per region of the catalog.
    pub fn projects_of(&self, ak: &str) -> &[(String, String)] {
        self.projects.get(ak).map(Vec::as_slice).unwrap_or_default()
    }

    fn sk_of(&self, ak: &str) -> Option<&[u8]> {
        self.creds.get(ak).map(|c| c.sk.expose_secret().as_bytes())
    }
}

/// The sandbox's router: the 32 operations (fallback) plus the `/__sandbox/` control API.
pub fn router(state: Arc<SandboxState>) -> axum::Router {
    control::routes()
        .fallback(handlers::dispatch)
        .with_state(state)
}

/// A running sandbox server.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<SandboxState>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Serves the sandbox on `listener` in a background task.
    pub async fn start(
        listener: tokio::net::TcpListener,
        creds: Vec<Credential>,
        cfg: SeedConfig,
    ) -> anyhow::Result<Sandbox> {
        let addr = listener.local_addr().context("sandbox listener address")?;
        let state = SandboxState::new(creds, cfg);
        let app = router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            addr,
            state,
            shutdown: tx,
            task,
        })
    }

    /// The IAM projects of the account with access key `ak`, `(region, project id)`: what the
    /// portal stores for its sandbox accounts so that pricing works out of the box.
    pub fn projects(&self, ak: &str) -> Vec<(String, String)> {
        self.state.projects_of(ak).to_vec()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the loopback address when bound to any interface).
    pub fn base_url(&self) -> String {
        base_url(self.addr)
    }

    /// Stops accepting connections; in-flight requests get a short grace period (a stalled
    /// request from the fault injector would otherwise hold the shutdown forever).
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let mut task = self.task;
        if tokio::time::timeout(std::time::Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

fn base_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Runs the sandbox in the foreground until Ctrl-C or SIGTERM. Prints exactly one line,
/// `sandbox listening on http://ADDR`, once the port is bound (port 0 prints the real port).
pub async fn run_standalone(
    listen: SocketAddr,
    creds: Vec<Credential>,
    cfg: SeedConfig,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding the sandbox to {listen}"))?;
    let addr = listener.local_addr().context("sandbox listener address")?;
    let app = router(SandboxState::new(creds, cfg));
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        writeln!(out, "sandbox listening on {}", base_url(addr)).context("stdout")?;
        out.flush().context("stdout")?;
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    tokio::select! {
        res = &mut server => {
            res.context("sandbox server task")?.context("sandbox server")?;
            return Ok(());
        }
        _ = shutdown_signal() => {}
    }
    let _ = tx.send(());
    // A stalled request (fault injection) must not hold the process forever.
    if tokio::time::timeout(std::time::Duration::from_secs(2), &mut server)
        .await
        .is_err()
    {
        server.abort();
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
