//! Headless Chromium walkthroughs (WebDriver via ChromeDriver). Screenshots land in
//! `tests/browser/screenshots/`.
//!
//! Needs `chromium` and `chromedriver` (Debian packages; `scripts/test.sh` installs them). The
//! test starts its own ChromeDriver on a free port and fails, loudly, if it cannot.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cbc_portal::domain::Role;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::*;

/// A ChromeDriver process and a headless browser session; both end on drop/close.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin} ({e}); install chromium-driver (scripts/test.sh does)"));
        let profile = std::env::temp_dir().join(format!("cbc-portal-chromium-{port}"));
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("literal object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::rustls()
                .expect("tls")
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Browser { client, driver },
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("ChromeDriver did not accept a session: {last:?}");
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    pub async fn login(&self, base: &str, email: &str, password: &str) {
        self.client
            .goto(&format!("{base}/login"))
            .await
            .expect("goto login");
        self.client
            .find(Locator::Css("#email"))
            .await
            .expect("email")
            .send_keys(email)
            .await
            .expect("type");
        self.client
            .find(Locator::Css("#password"))
            .await
            .expect("pw")
            .send_keys(password)
            .await
            .expect("type");
        self.client
            .find(Locator::Css("button[type=submit]"))
            .await
            .expect("submit")
            .click()
            .await
            .expect("click");
    }

    /// Waits (up to 10 s) until the page's `h1` reads `expected`; returns what it read last.
    pub async fn wait_h1(&self, expected: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            if let Ok(e) = self.client.find(Locator::Css("h1")).await
                && let Ok(t) = e.text().await
            {
                if t == expected {
                    return t;
                }
                last = t;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        last
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test]
async fn staff_logs_in_and_sees_the_admin_shell_in_a_real_browser() {
    let app = spawn_app().await;
    app.create_user("staff@example.com", STAFF_PW, Role::Staff, None)
        .await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("{}/login", app.address))
        .await
        .expect("goto");
    b.screenshot("01-login").await;
    b.login(&app.address, "staff@example.com", STAFF_PW).await;
    assert_eq!(b.wait_h1("Administration").await, "Administration");
    let url = b.client.current_url().await.expect("url");
    assert_eq!(url.path(), "/admin");
    b.screenshot("02-admin").await;
    // Logging out returns to the login page.
    b.client
        .find(Locator::Css(".usermenu button"))
        .await
        .expect("logout")
        .click()
        .await
        .expect("click");
    assert_eq!(b.wait_h1("Log in").await, "Log in");
    b.close().await;
    app.stop().await;
}
