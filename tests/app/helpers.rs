//! Test harness: one fresh database and one app (on port 0) per test, and a client that keeps
//! the session cookie the way a browser would, without following redirects.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};

use cbc_portal::config::Settings;
use cbc_portal::domain::Role;
use cbc_portal::startup::Application;
use cbc_portal::state::AppState;
use reqwest::header::{HeaderMap, HeaderValue};
use scraper::{Html, Selector};
use secrecy::SecretString;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Every log line the app writes during the test run (JSON lines).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().expect("log buffer").clone()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for BufWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = std::io::stderr().write_all(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let buf = log_buffer().clone();
        let _ = tracing_subscriber_init(buf);
    });
}

fn tracing_subscriber_init(buf: Arc<Mutex<Vec<u8>>>) -> Result<(), ()> {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_env_filter(EnvFilter::new("info,sqlx=warn"))
        .with_writer(move || BufWriter(buf.clone()))
        .try_init()
        .map_err(|_| ())
}

/// The admin database URL tests create their databases through.
pub fn admin_database_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Settings for a test app: port 0, its own database and data dir, fast timeouts.
pub fn test_settings(db_name: &str) -> Settings {
    let mut s = Settings::from_env().expect("settings");
    s.database_url = SecretString::from(database_url(db_name));
    s.database_url_explicit = true;
    s.listen = "127.0.0.1:0".parse().expect("addr");
    s.data_dir = std::env::temp_dir().join(format!("cbc-portal-test-{db_name}"));
    s.secret_key = Some(SecretString::from(key_for(db_name)));
    s.secret_key_file = None;
    s.sandbox = false;
    s.db_max_connections = 5;
    s.max_concurrent_hashes = 2;
    // Stubs and the sandbox listen on loopback; tests of the rule turn it back off.
    s.allow_private_endpoints = true;
    s
}

/// The test database's encryption key: replicas of one app must share it.
pub fn key_for(db_name: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(db_name.as_bytes()))
}

/// A running app for one test.
pub struct TestApp {
    pub address: String,
    pub db: PgPool,
    pub db_name: String,
    pub state: AppState,
    pub setup_link: Option<String>,
    pub client: TestClient,
    /// Two sandbox cloud accounts, A ("Acme") and B ("Globex"), in sandboxed apps.
    pub accounts: Option<(Uuid, Uuid)>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    owns_db: bool,
}

/// Starts an app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts an app after `configure` adjusts its settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let db_name = create_database().await;
    start(db_name, configure).await
}

/// A fresh, empty test database; its name carries this run's prefix (`TEST_DB_PREFIX`, set by
/// `scripts/test.sh`) so that clean-up never touches databases another run created.
pub async fn create_database() -> String {
    let prefix = std::env::var("TEST_DB_PREFIX").unwrap_or_else(|_| "t_".to_owned());
    let db_name = format!("{prefix}{}", Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin_database_url())
        .await
        .expect("Postgres must run for the tests (set TEST_DATABASE_URL)");
    conn.execute(format!("CREATE DATABASE \"{db_name}\"").as_str())
        .await
        .expect("create test database");
    db_name
}

/// The URL of test database `db_name` on the test server.
pub fn database_url(db_name: &str) -> String {
    let base = admin_database_url();
    let (server, _) = base.rsplit_once('/').expect("database url has a path");
    format!("{server}/{db_name}")
}

/// Drops a test database made by [`create_database`].
pub async fn drop_database(db_name: &str) {
    if let Ok(mut conn) = PgConnection::connect(&admin_database_url()).await {
        let _ = conn
            .execute(format!("DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)").as_str())
            .await;
    }
}

/// Starts an app with the embedded sandbox serving two cloud accounts, "Acme" and "Globex".
pub async fn spawn_sandboxed_app() -> TestApp {
    spawn_sandboxed_app_with(|_| {}).await
}

/// Like [`spawn_sandboxed_app`], after `configure` adjusts the settings.
pub async fn spawn_sandboxed_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        s.sandbox = true;
        s.sandbox_accounts = vec!["Acme".to_owned(), "Globex".to_owned()];
        s.sandbox_records = 2000;
        s.cbc_timeout = std::time::Duration::from_secs(3);
        s.reconcile_interval = std::time::Duration::from_millis(300);
        configure(s);
    })
    .await
}

/// A second replica of `app`: same database, its own process state (caches).
pub async fn spawn_replica(app: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let mut replica = start(app.db_name.clone(), configure).await;
    replica.owns_db = false;
    replica
}

async fn start(db_name: String, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = test_settings(&db_name);
    configure(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let setup_link = app.setup_link().map(str::to_owned);
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    let accounts = if state.settings.sandbox {
        let a = cbc_portal::db::accounts::by_name(&state.db, "Acme")
            .await
            .expect("db");
        let b = cbc_portal::db::accounts::by_name(&state.db, "Globex")
            .await
            .expect("db");
        a.zip(b).map(|(a, b)| (a.id, b.id))
    } else {
        None
    };
    TestApp {
        accounts,
        client: TestClient::new(&address),
        address,
        db: state.db.clone(),
        db_name,
        state,
        setup_link,
        shutdown: Some(tx),
        handle: Some(handle),
        owns_db: true,
    }
}

impl TestApp {
    /// A second browser (its own cookies).
    pub fn new_client(&self) -> TestClient {
        TestClient::new(&self.address)
    }

    /// Creates a user directly; returns its id. Customer roles need `account`.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        role: Role,
        account: Option<Uuid>,
    ) -> Uuid {
        let hash = self
            .state
            .hasher
            .hash(&SecretString::from(password.to_owned()))
            .await
            .expect("hash");
        cbc_portal::db::users::insert(
            &self.db,
            &cbc_portal::db::users::NewUser {
                email,
                display_name: email.split('@').next().unwrap_or("user"),
                password_hash: &hash,
                role,
                cloud_account_id: account,
            },
        )
        .await
        .expect("insert user")
    }

    /// Creates a cloud account directly; returns its id.
    pub async fn create_account(&self, name: &str, endpoint: &str, ak: &str, sk: &str) -> Uuid {
        cbc_portal::db::accounts::insert(
            &self.db,
            &self.state.keys,
            &cbc_portal::db::accounts::AccountInput {
                name,
                endpoint,
                domain_id: "0a1b2c3d4e5f67890a1b2c3d4e5f6789",
                ak,
                sk: Some(&SecretString::from(sk.to_owned())),
                is_sandbox: false,
            },
        )
        .await
        .expect("seal")
        .expect("insert account")
    }

    /// A staff user, logged in on `self.client`.
    pub async fn login_staff(&self) -> Uuid {
        let id = self
            .create_user("staff@example.com", STAFF_PW, Role::Staff, None)
            .await;
        self.login_staff_as(&self.client, id, "staff@example.com", STAFF_PW)
            .await;
        id
    }

    /// Logs `client` in as an existing staff user, through the TOTP step when it is on.
    pub async fn login_staff_as(&self, client: &TestClient, id: Uuid, email: &str, password: &str) {
        let res = client.login(email, password).await;
        assert_eq!(res.status(), 303, "staff login");
        if self.state.settings.staff_mfa {
            let location = res.headers()["location"]
                .to_str()
                .unwrap_or_default()
                .to_owned();
            assert!(location.starts_with("/mfa"), "{location}");
            client.get("/mfa").await; // enrols on first use
            let code = self.totp_code(id).await;
            let res = client.post_form("/mfa", &[("code", &code)]).await;
            assert_eq!(res.status(), 303, "second factor accepted");
        }
    }

    /// A valid, unused TOTP code for a staff user (waits for the next step if needed).
    pub async fn totp_code(&self, id: Uuid) -> String {
        use cbc_portal::auth::totp;
        loop {
            let row = cbc_portal::db::users::totp(&self.db, id)
                .await
                .expect("db")
                .expect("user");
            let sealed = cbc_portal::crypto::Sealed {
                nonce: row.totp_nonce.expect("enrolled"),
                ciphertext: row.totp_ciphertext.expect("enrolled"),
                key_id: String::new(),
            };
            let secret = self
                .state
                .keys
                .open(&sealed, id.as_bytes())
                .expect("secret");
            let now = totp::step_of(time::OffsetDateTime::now_utc().unix_timestamp());
            let step = now.max(row.totp_last_step + 1);
            if step <= now + 1 {
                return totp::code_at_step(&secret, step).expect("code");
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    }

    /// A customer user of a new account, logged in on `self.client`. Returns (user, account).
    pub async fn login_customer(&self, role: Role) -> (Uuid, Uuid) {
        let account = self
            .create_account(
                "Acme",
                "https://bss.myhuaweicloud.eu",
                "HPUAEXAMPLEAK0000001",
                "ExampleSecretKey0000000000000000000000SK",
            )
            .await;
        let email = format!("{}@acme.example", role.as_str());
        let id = self
            .create_user(&email, CUSTOMER_PW, role, Some(account))
            .await;
        let res = self.client.login(&email, CUSTOMER_PW).await;
        assert_eq!(res.status(), 303, "customer login");
        (id, account)
    }

    pub async fn audit_events(&self, event: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE event = $1")
            .bind(event)
            .fetch_one(&self.db)
            .await
            .expect("count audit")
    }

    /// Account A ("Acme") of a sandboxed app.
    pub fn account_a(&self) -> Uuid {
        self.accounts.expect("a sandboxed app").0
    }

    /// Account B ("Globex") of a sandboxed app.
    pub fn account_b(&self) -> Uuid {
        self.accounts.expect("a sandboxed app").1
    }

    /// The AK of a cloud account (to read the sandbox's per-AK counts).
    pub async fn ak_of(&self, account: Uuid) -> String {
        cbc_portal::db::accounts::by_id(&self.db, account)
            .await
            .expect("db")
            .expect("account")
            .ak
    }

    /// Logs `self.client` in as a new user with `role` on `account`; returns the user id.
    pub async fn login_as(&self, role: Role, account: Uuid) -> Uuid {
        let email = format!("{}-{}@example.com", role.as_str(), Uuid::new_v4().simple());
        let id = self
            .create_user(&email, CUSTOMER_PW, role, Some(account))
            .await;
        let res = self.client.login(&email, CUSTOMER_PW).await;
        assert_eq!(res.status(), 303, "login as {role}");
        id
    }

    fn sandbox_url(&self) -> String {
        self.state.sandbox_url.clone().expect("a sandboxed app")
    }

    /// `GET /__sandbox/calls`: `{"total", "by_operation": {op: n}, "by_ak": {ak: {op: n}}}`.
    pub async fn sandbox_calls(&self) -> serde_json::Value {
        reqwest::get(format!("{}/__sandbox/calls", self.sandbox_url()))
            .await
            .expect("sandbox calls")
            .json()
            .await
            .expect("json")
    }

    /// `GET /__sandbox/projects`: `{ak: {region: project_id}}`, the IAM projects of each account.
    pub async fn sandbox_projects(&self) -> serde_json::Value {
        let res = reqwest::get(format!("{}/__sandbox/projects", self.sandbox_url()))
            .await
            .expect("sandbox projects");
        assert!(
            res.status().is_success(),
            "GET /__sandbox/projects: {}",
            res.status()
        );
        res.json().await.expect("json")
    }

    /// The sandbox's project of `region` for cloud account `account`.
    pub async fn sandbox_project(&self, account: Uuid, region: &str) -> String {
        let ak = self.ak_of(account).await;
        self.sandbox_projects().await[&ak][region]
            .as_str()
            .unwrap_or_else(|| panic!("the sandbox has no {region} project for {ak}"))
            .to_owned()
    }

    /// Calls of one operation so far.
    pub async fn sandbox_count(&self, op: &str) -> u64 {
        self.sandbox_calls().await["by_operation"][op]
            .as_u64()
            .unwrap_or(0)
    }

    /// `GET /__sandbox/log`: `[{op, ak, at_ms, status}]`.
    pub async fn sandbox_log(&self) -> Vec<serde_json::Value> {
        let v: serde_json::Value = reqwest::get(format!("{}/__sandbox/log", self.sandbox_url()))
            .await
            .expect("sandbox log")
            .json()
            .await
            .expect("json");
        match v {
            serde_json::Value::Array(a) => a,
            other => other["calls"].as_array().cloned().unwrap_or_default(),
        }
    }

    /// `POST /__sandbox/faults`.
    pub async fn sandbox_faults(&self, faults: serde_json::Value) {
        let res = reqwest::Client::new()
            .post(format!("{}/__sandbox/faults", self.sandbox_url()))
            .json(&faults)
            .send()
            .await
            .expect("sandbox faults");
        assert!(
            res.status().is_success(),
            "faults rejected: {}",
            res.text().await.unwrap_or_default()
        );
    }

    /// `POST /__sandbox/reset` (counts and log; the world keeps its state).
    pub async fn sandbox_reset(&self) {
        reqwest::Client::new()
            .post(format!("{}/__sandbox/reset", self.sandbox_url()))
            .send()
            .await
            .expect("sandbox reset");
    }

    /// Stops the app and drops its database.
    pub async fn stop(mut self) {
        self.teardown().await;
    }

    async fn teardown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), h).await;
        }
        self.db.close().await;
        if !self.owns_db {
            return;
        }
        drop_database(&self.db_name).await;
    }
}

pub const STAFF_PW: &str = "staff pass phrase 42";
pub const CUSTOMER_PW: &str = "customer pass phrase 42";

/// A browser-like client: keeps cookies by name, never follows redirects.
#[derive(Clone)]
pub struct TestClient {
    pub base: String,
    pub http: reqwest::Client,
    cookies: Arc<Mutex<Vec<(String, String)>>>,
}

impl TestClient {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The cookie header value this client sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("cookies")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .lock()
            .expect("cookies")
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// Replaces all cookies with `name=value` (to replay an old session).
    pub fn set_cookie(&self, name: &str, value: &str) {
        let mut c = self.cookies.lock().expect("cookies");
        c.retain(|(k, _)| k != name);
        c.push((name.to_owned(), value.to_owned()));
    }

    fn absorb(&self, res: &reqwest::Response) {
        let mut jar = self.cookies.lock().expect("cookies");
        for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(s) = v.to_str() else { continue };
            let first = s.split(';').next().unwrap_or_default();
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let removed = s.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            jar.retain(|(k, _)| k != name);
            if !removed {
                jar.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(path, HeaderMap::new()).await
    }

    pub async fn get_with(&self, path: &str, headers: HeaderMap) -> reqwest::Response {
        let res = self
            .http
            .get(self.url(path))
            .headers(headers)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.absorb(&res);
        res
    }

    /// GET and return the body as text.
    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// POSTs a form as-is (no token added).
    pub async fn post_raw(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: HeaderMap,
    ) -> reqwest::Response {
        let body = serde_urlencoded::to_string(form).expect("form");
        let res = self
            .http
            .post(self.url(path))
            .headers(headers)
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        self.absorb(&res);
        res
    }

    /// The CSRF token from any page that carries one (the login page always does).
    pub async fn csrf_token(&self, from: &str) -> String {
        let html = self.get_html(from).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf token on {from}"))
    }

    /// POSTs a form with the session's CSRF token (taken from `token_page`, default `/login`
    /// for anonymous clients or the dashboard otherwise).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let token = self.token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(form);
        self.post_raw(path, &all, same_origin()).await
    }

    async fn token(&self) -> String {
        for page in ["/login", "/admin", "/", "/mfa"] {
            let html = self.get_html(page).await;
            if let Some(t) = csrf_in(&html) {
                return t;
            }
        }
        panic!("no page with a csrf token");
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let token = self.csrf_token("/login").await;
        self.post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ],
            same_origin(),
        )
        .await
    }
}

/// Headers a browser sends on a same-origin form post.
pub fn same_origin() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    h
}

/// The hidden CSRF token in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(r#"input[name="csrf_token"]"#).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// Texts of every element matching `selector`.
pub fn select_text(html: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// Whether any element matches `selector`.
pub fn has(html: &str, selector: &str) -> bool {
    !select_text(html, selector).is_empty()
}
