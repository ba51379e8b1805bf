//! The `cbc-portal` command as a newcomer meets it: the real binary, at a terminal (a
//! pseudo-terminal made by `script`) and with piped input, against a fresh database.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use crate::helpers;

const BIN: &str = env!("CARGO_BIN_EXE_cbc-portal");
const PASSWORD: &str = "violet-harbour-lantern-42";

/// The binary with a clean environment: only what a shell would have, plus `vars`.
fn portal(vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    base_env(&mut cmd, vars);
    cmd
}

fn base_env(cmd: &mut Command, vars: &[(&str, &str)]) {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("SHELL", "/bin/sh")
        .env("TERM", "dumb")
        .env("RUST_LOG", "info,sqlx=warn");
    for (k, v) in vars {
        cmd.env(k, v);
    }
}

/// Everything a child wrote on one stream, collected as it arrives.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl Output {
    fn collect(mut from: impl Read + Send + 'static) -> Self {
        let out = Self::default();
        let buf = out.0.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = from.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.lock().expect("output").extend_from_slice(&chunk[..n]);
            }
        });
        out
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("output")).into_owned()
    }

    /// Waits until the text contains `needle` `times` times, or `limit` passes.
    fn wait_for(&self, needle: &str, times: usize, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.text().to_lowercase().matches(needle).count() >= times {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

/// Waits for the child to exit, up to `limit`; kills it (and says so) if it does not.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `cbc-portal args...` at a pseudo-terminal: what we write is typed, what comes back is
/// exactly what the terminal shows (echo included).
fn at_a_terminal(args: &[&str], vars: &[(&str, &str)]) -> (Child, Output) {
    let line = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qfec", &line, "/dev/null"]);
    base_env(&mut cmd, vars);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) must be installed");
    let out = Output::collect(child.stdout.take().expect("stdout"));
    let _ = Output::collect(child.stderr.take().expect("stderr"));
    (child, out)
}

/// Types `answer` once a prompt containing `prompt` has been shown `nth` times (or after a few
/// seconds if none ever is), leaving the program time to turn echo off first.
fn answer(child: &mut Child, out: &Output, prompt: &str, nth: usize, answer: &str) {
    out.wait_for(prompt, nth, Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(800));
    let stdin = child.stdin.as_mut().expect("stdin");
    stdin
        .write_all(format!("{answer}\r").as_bytes())
        .expect("type");
    stdin.flush().expect("flush");
}

async fn users_named(db_name: &str, email: &str) -> i64 {
    let mut conn = PgConnection::connect(&helpers::database_url(db_name))
        .await
        .expect("connect");
    sqlx::query_scalar("SELECT count(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0)
}

#[tokio::test]
async fn user_create_takes_one_piped_line_without_waiting_for_the_input_to_end() {
    let db = helpers::create_database().await;
    let url = helpers::database_url(&db);
    let mut child = portal(&[("DATABASE_URL", &url)])
        .args([
            "user",
            "create",
            "--email",
            "ops@example.com",
            "--role",
            "staff",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cbc-portal");
    let out = Output::collect(child.stdout.take().expect("stdout"));
    let err = Output::collect(child.stderr.take().expect("stderr"));
    // One line, and the pipe stays open, as when a script feeds it from a longer-lived process.
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("write");
    stdin.flush().expect("flush");
    let status = wait_or_kill(&mut child, Duration::from_secs(30));
    drop(stdin);
    let status = status.unwrap_or_else(|| {
        panic!(
            "still waiting for the end of its input 30 s after the password line; it printed: {}{}",
            out.text(),
            err.text()
        )
    });
    assert!(status.success(), "{status}: {}{}", out.text(), err.text());
    assert!(out.text().contains("created staff user ops@example.com"));
    assert_eq!(users_named(&db, "ops@example.com").await, 1);
    helpers::drop_database(&db).await;
}

#[tokio::test]
async fn user_create_at_a_terminal_prompts_twice_and_never_echoes_the_password() {
    let db = helpers::create_database().await;
    let url = helpers::database_url(&db);
    let (mut child, screen) = at_a_terminal(
        &[
            "user",
            "create",
            "--email",
            "tty@example.com",
            "--role",
            "staff",
        ],
        &[("DATABASE_URL", &url)],
    );
    answer(&mut child, &screen, "password", 1, PASSWORD);
    answer(&mut child, &screen, "password", 2, PASSWORD);
    // Ctrl-D, for a program that would still read to the end of its input.
    std::thread::sleep(Duration::from_millis(800));
    let _ = child.stdin.as_mut().expect("stdin").write_all(b"\x04");
    let status = wait_or_kill(&mut child, Duration::from_secs(30));
    let shown = screen.text();
    assert!(
        !shown.contains(PASSWORD),
        "the terminal showed the password: {shown:?}"
    );
    let prompts = shown.to_lowercase().matches("password").count();
    assert!(
        prompts >= 2,
        "expected a prompt for the password and one to repeat it; the terminal showed: {shown:?}"
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}; the terminal showed: {shown:?}"
    );
    assert_eq!(users_named(&db, "tty@example.com").await, 1);
    helpers::drop_database(&db).await;
}

#[tokio::test]
async fn two_different_passwords_at_the_prompt_create_nobody() {
    let db = helpers::create_database().await;
    let url = helpers::database_url(&db);
    let (mut child, screen) = at_a_terminal(
        &[
            "user",
            "create",
            "--email",
            "typo@example.com",
            "--role",
            "staff",
        ],
        &[("DATABASE_URL", &url)],
    );
    answer(&mut child, &screen, "password", 1, PASSWORD);
    answer(
        &mut child,
        &screen,
        "password",
        2,
        "violet-harbour-lantern-43",
    );
    std::thread::sleep(Duration::from_millis(800));
    let _ = child.stdin.as_mut().expect("stdin").write_all(b"\x04");
    let status = wait_or_kill(&mut child, Duration::from_secs(30));
    let shown = screen.text();
    assert_eq!(
        users_named(&db, "typo@example.com").await,
        0,
        "a user was created from two different passwords; the terminal showed: {shown:?}"
    );
    assert!(
        status.is_some_and(|s| !s.success()),
        "{status:?}; the terminal showed: {shown:?}"
    );
    assert!(
        shown.contains("do not match"),
        "the terminal showed: {shown:?}"
    );
    helpers::drop_database(&db).await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn temp_dir(db_name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cbc-portal-cwd-{db_name}"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test]
async fn a_dotenv_file_in_the_working_directory_is_read_and_the_environment_wins() {
    let db = helpers::create_database().await;
    let url = helpers::database_url(&db);
    let dir = temp_dir(&db);
    let port = free_port();
    std::fs::write(
        dir.join(".env"),
        format!(
            "# written by hand, as after `cp .env.sample .env`\n\
             PORTAL_LISTEN=127.0.0.1:{port}\n\
             PORTAL_PUBLIC_URL=http://portal.from-dotenv.test\n\
             PORTAL_SANDBOX_RECORDS=50\n"
        ),
    )
    .expect("write .env");
    let mut child = portal(&[
        ("DATABASE_URL", &url),
        ("PORTAL_PUBLIC_URL", "http://portal.from-environment.test"),
    ])
    .current_dir(&dir)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn cbc-portal");
    let out = Output::collect(child.stdout.take().expect("stdout"));
    let err = Output::collect(child.stderr.take().expect("stderr"));
    let started = out.wait_for("listening on http://portal.", 1, Duration::from_secs(60));
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
    let _ = child.kill();
    let _ = child.wait();
    let (stdout, stderr) = (out.text(), err.text());
    assert!(started, "it never said where it listens: {stdout}{stderr}");
    assert!(
        health.is_ok_and(|r| r.status().is_success()),
        "nothing answered on 127.0.0.1:{port} (PORTAL_LISTEN from .env); it printed: {stdout}"
    );
    assert!(
        stdout.contains("cbc-portal listening on http://portal.from-environment.test"),
        "the environment must win over .env: {stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    helpers::drop_database(&db).await;
}

/// Runs the server on an address somebody else holds; returns (exit, everything it printed).
fn serve_on_a_busy_port(dir: &Path, url: &str, extra: &[(&str, &str)]) -> (bool, String) {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let busy = holder.local_addr().expect("addr").to_string();
    let mut vars = vec![
        ("DATABASE_URL", url),
        ("PORTAL_LISTEN", busy.as_str()),
        ("PORTAL_SANDBOX_RECORDS", "50"),
    ];
    vars.extend_from_slice(extra);
    let out = portal(&vars)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run cbc-portal");
    drop(holder);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn a_busy_port_is_reported_with_the_setting_that_moves_it() {
    let db = helpers::create_database().await;
    let dir = temp_dir(&db);
    let (ok, printed) = serve_on_a_busy_port(&dir, &helpers::database_url(&db), &[]);
    assert!(!ok, "it started on a port somebody else holds: {printed}");
    assert!(
        printed.contains("PORTAL_LISTEN"),
        "the error does not say which setting moves the port: {printed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    helpers::drop_database(&db).await;
}

#[tokio::test]
async fn logs_at_a_terminal_are_lines_for_people_not_json() {
    let db = helpers::create_database().await;
    let url = helpers::database_url(&db);
    let dir = temp_dir(&db);
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let busy = holder.local_addr().expect("addr").to_string();
    let dir_s = dir.to_string_lossy().into_owned();
    let (mut child, screen) = at_a_terminal(
        &[],
        &[
            ("DATABASE_URL", &url),
            ("PORTAL_LISTEN", &busy),
            ("PORTAL_SANDBOX_RECORDS", "50"),
            ("PORTAL_DATA_DIR", &dir_s),
        ],
    );
    let status = wait_or_kill(&mut child, Duration::from_secs(60));
    drop(holder);
    let shown = screen.text();
    assert!(status.is_some(), "it did not stop: {shown}");
    let line = shown
        .lines()
        .find(|l| l.contains("embedded sandbox started"))
        .unwrap_or_else(|| panic!("no log line about the sandbox: {shown}"));
    assert!(
        !line.trim_start().starts_with('{'),
        "a person at a terminal got JSON: {line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    helpers::drop_database(&db).await;
}
