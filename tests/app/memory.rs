//! The real binary under a login flood: its resident memory must stay bounded afterwards.
//!
//! Every password check works through argon2's 19 MiB; a flood that many clients abandon
//! half-way (timeouts, closed connections) is what a hostile tester, or a load balancer's
//! retries, produce. `LOGIN_FLOOD` sets the number of logins (default 200) and
//! `LOGIN_FLOOD_CLIENTS` how many run at once (default 48); the figures are printed.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cbc_portal::domain::Role;
use futures_util::StreamExt;
use secrecy::SecretString;

use crate::helpers::*;

/// What `/proc/<pid>/status` says `field` is, in MiB.
fn status_mib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kib: u64 = status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"));
    kib / 1024
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Kills the portal even when an assertion fails.
struct Portal(Child);

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn resident_memory_stays_bounded_after_a_login_flood() {
    let flood = env_or("LOGIN_FLOOD", 200);
    let clients = env_or("LOGIN_FLOOD_CLIENTS", 48).max(1);
    let db_name = create_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let data_dir = std::env::temp_dir().join(format!("cbc-portal-memory-{db_name}"));
    let key = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode([7u8; 32])
    };
    let portal = Portal(
        Command::new(env!("CARGO_BIN_EXE_cbc-portal"))
            .env("DATABASE_URL", database_url(&db_name))
            .env("PORTAL_LISTEN", format!("127.0.0.1:{port}"))
            .env("PORTAL_SANDBOX", "off")
            .env("PORTAL_SECRET_KEY", key)
            .env("PORTAL_DATA_DIR", &data_dir)
            .env("PORTAL_STAFF_MFA", "false")
            .env("PORTAL_LOGIN_IP_MAX", "100000000")
            .env("PORTAL_LOGIN_MAX_FAILURES", "100000000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the portal"),
    );
    let pid = portal.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let started = std::time::Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the portal did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let pool = sqlx::PgPool::connect(&database_url(&db_name))
        .await
        .expect("db");
    let hash = cbc_portal::auth::password::Hasher::new(1)
        .expect("hasher")
        .hash(&SecretString::from(STAFF_PW))
        .await
        .expect("hash");
    cbc_portal::db::users::insert(
        &pool,
        &cbc_portal::db::users::NewUser {
            email: "flood@acme.example",
            display_name: "flood",
            password_hash: &hash,
            role: Role::Staff,
            cloud_account_id: None,
        },
    )
    .await
    .expect("user");

    // Warm up (pools, caches, first argon2 areas), then take the baseline.
    for _ in 0..8 {
        let res = TestClient::new(&base)
            .login("flood@acme.example", STAFF_PW)
            .await;
        assert_eq!(res.status(), 303);
    }
    let baseline = status_mib(pid, "VmRSS:");

    let attempts = futures_util::stream::iter(0..flood)
        .map(|i| {
            let base = base.clone();
            async move {
                let c = TestClient::new(&base);
                let token = c.csrf_token("/login").await;
                let (email, password) = match i % 3 {
                    0 => ("flood@acme.example", STAFF_PW),
                    1 => ("flood@acme.example", "wrong password!"),
                    _ => ("nobody@acme.example", "wrong password!"),
                };
                let body = serde_urlencoded::to_string([
                    ("csrf_token", token.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .expect("form");
                let mut req = c
                    .http
                    .post(format!("{base}/login"))
                    .headers(same_origin())
                    .header("cookie", c.cookie_header())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body);
                if i % 2 == 0 {
                    // Half the clients give up long before a queued hash is done.
                    req = req.timeout(Duration::from_millis(50));
                }
                let _ = req.send().await;
            }
        })
        .buffer_unordered(clients);
    attempts.collect::<Vec<()>>().await;
    // Abandoned requests may still be hashing: let them finish.
    let settle = std::time::Instant::now();
    let mut last = 0;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = status_mib(pid, "VmRSS:");
        if (now == last && settle.elapsed() > Duration::from_secs(3))
            || settle.elapsed() > Duration::from_secs(60)
        {
            break;
        }
        last = now;
    }
    assert_eq!(
        TestClient::new(&base)
            .login("flood@acme.example", STAFF_PW)
            .await
            .status(),
        303,
        "still serving after the flood"
    );
    let rss = status_mib(pid, "VmRSS:");
    let peak = status_mib(pid, "VmHWM:");
    eprintln!(
        "login flood of {flood} with {clients} clients: baseline {baseline} MiB, \
         after {rss} MiB, peak {peak} MiB"
    );
    drop(portal);
    pool.close().await;
    drop_database(&db_name).await;
    let _ = std::fs::remove_dir_all(&data_dir);
    // argon2 holds at most PORTAL_MAX_CONCURRENT_HASHES (4) areas of 19 MiB, one of them
    // already in the baseline; the rest is room for the flood's connections.
    assert!(
        peak < baseline + 100 && rss < baseline + 100,
        "baseline {baseline} MiB, after {rss} MiB, peak {peak} MiB"
    );
}
