//! Headless Chromium walkthroughs (WebDriver via ChromeDriver). Screenshots land in
//! `tests/browser/screenshots/`.
//!
//! Needs `chromium` and `chromedriver` (Debian packages; `scripts/test.sh` installs them). The
//! test starts its own ChromeDriver on a free port and fails, loudly, if it cannot.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cbc_portal::domain::Role;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::*;

/// A ChromeDriver process and a headless browser session; both end on drop/close.
pub struct Browser {
    pub client: Client,
    driver: Child,
    port: u16,
    session: Option<String>,
    profile: std::path::PathBuf,
    /// Where Chromium saves downloads, without asking.
    pub downloads: std::path::PathBuf,
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
        let downloads = profile.join("downloads");
        std::fs::create_dir_all(&downloads).expect("download dir");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "safebrowsing.enabled": false
                }
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
                Ok(client) => {
                    let session = client.session_id().await.ok().flatten();
                    return Browser {
                        client,
                        driver,
                        port,
                        session,
                        profile,
                        downloads,
                    };
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut driver = driver;
        let _ = driver.kill();
        let _ = driver.wait();
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

    /// Opens `path` on the app at `base`.
    pub async fn goto(&self, base: &str, path: &str) {
        self.client
            .goto(&format!("{base}{path}"))
            .await
            .unwrap_or_else(|e| panic!("goto {path}: {e}"));
    }

    /// Where the browser is and what the page says, for failure messages.
    pub async fn whereabouts(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let h1 = self.texts("h1").await.join(" | ");
        let alerts = self
            .texts(".flash, .form-error, .field-error")
            .await
            .join(" | ");
        format!("at {url}, h1 {h1:?}, messages {alerts:?}")
    }

    /// Waits (up to 10 s) until an element matches `css`; panics with the whereabouts if none.
    pub async fn wait_css(&self, css: &str) -> Element {
        for _ in 0..50 {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                return e;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no {css} {}", self.whereabouts().await);
    }

    /// Waits (up to 10 s) until the URL's path is `path`; returns the whole URL.
    pub async fn wait_path(&self, path: &str) -> String {
        let mut last = None;
        for _ in 0..50 {
            if let Ok(u) = self.client.current_url().await {
                if u.path() == path {
                    return u.to_string();
                }
                last = Some(u);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "never reached {path} (last {last:?}) {}",
            self.whereabouts().await
        );
    }

    /// Waits for the `h1` to read `expected` and fails with the whereabouts otherwise.
    pub async fn expect_h1(&self, expected: &str) {
        let got = self.wait_h1(expected).await;
        assert_eq!(got, expected, "{}", self.whereabouts().await);
    }

    /// Waits (up to 10 s) until the `h1` starts with `prefix`; returns it.
    pub async fn wait_h1_prefix(&self, prefix: &str) -> String {
        for _ in 0..50 {
            if let Some(t) = self.texts("h1").await.into_iter().next()
                && t.starts_with(prefix)
            {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no h1 starting {prefix:?} {}", self.whereabouts().await);
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.wait_css(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// The visible texts of every element matching `css` (none: empty).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
        {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait_css(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces the value of the input matching `css`.
    pub async fn fill(&self, css: &str, value: &str) {
        let e = self.wait_css(css).await;
        e.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        e.send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_css(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Scrolls the first element matching `css` into view (for the screenshot).
    pub async fn scroll_to(&self, css: &str) {
        let e = self.wait_css(css).await;
        let arg = serde_json::to_value(&e).expect("element as argument");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .expect("scroll");
    }

    /// Logs a staff user in, enrolling the authenticator on first use; ends on `/admin`.
    pub async fn login_staff(&self, base: &str, email: &str, password: &str) {
        self.login(base, email, password).await;
        self.expect_h1("Set up your authenticator").await;
        let secret = self.text(".totp-secret").await;
        let code = cbc_portal::auth::totp::current_code(&secrecy::SecretString::from(secret))
            .expect("code");
        self.fill("#code", &code).await;
        self.click("button[type=submit]").await;
        self.expect_h1("Administration").await;
    }

    /// Logs out through the user menu and waits for the login page.
    pub async fn logout(&self) {
        self.click(".usermenu button").await;
        self.expect_h1("Log in").await;
    }

    /// On an action result page, reloads until the attempt is settled; returns its
    /// `data-status` (`succeeded` or `failed`).
    pub async fn settled_action(&self) -> String {
        self.wait_path_prefix("/actions/").await;
        for _ in 0..50 {
            let el = self.wait_css(".action-result").await;
            let st = el
                .attr("data-status")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            if st == "succeeded" || st == "failed" {
                return st;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            self.client.refresh().await.expect("refresh");
        }
        panic!("the action never settled {}", self.whereabouts().await);
    }

    /// Waits (up to 10 s) until the URL's path starts with `prefix`.
    pub async fn wait_path_prefix(&self, prefix: &str) -> String {
        for _ in 0..50 {
            if let Ok(u) = self.client.current_url().await
                && u.path().starts_with(prefix)
            {
                return u.to_string();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("never reached {prefix}… {}", self.whereabouts().await);
    }

    /// Waits (up to 20 s) for Chromium to finish a download; returns the file's path. A
    /// download still under way is a `.crdownload` file.
    pub async fn wait_download(&self) -> std::path::PathBuf {
        let mut names = Vec::new();
        for _ in 0..100 {
            names = std::fs::read_dir(&self.downloads)
                .map(|d| {
                    d.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            if let [name] = names.as_slice()
                && !name.ends_with(".crdownload")
            {
                return self.downloads.join(name);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "no finished download; the directory holds {names:?} {}",
            self.whereabouts().await
        );
    }

    /// Ends the browser session; drop then stops the driver.
    pub async fn close(mut self) {
        if self.client.clone().close().await.is_ok() {
            self.session = None;
        }
    }
}

impl Drop for Browser {
    /// Also runs when a test panics before `close`: ends the session through the driver (so
    /// that Chromium quits), then the driver process itself, by its pid.
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            use std::io::{Read as _, Write as _};
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = write!(
                    s,
                    "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n",
                    self.port
                );
                let mut answer = Vec::new();
                let _ = s.read_to_end(&mut answer);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
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
    assert_eq!(
        b.wait_h1("Set up your authenticator").await,
        "Set up your authenticator"
    );
    b.screenshot("02-second-factor").await;
    let secret = b
        .client
        .find(Locator::Css(".totp-secret"))
        .await
        .expect("key")
        .text()
        .await
        .expect("text");
    let code =
        cbc_portal::auth::totp::current_code(&secrecy::SecretString::from(secret)).expect("code");
    b.client
        .find(Locator::Css("#code"))
        .await
        .expect("code")
        .send_keys(&code)
        .await
        .expect("type");
    b.client
        .find(Locator::Css("button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    assert_eq!(b.wait_h1("Administration").await, "Administration");
    let url = b.client.current_url().await.expect("url");
    assert_eq!(url.path(), "/admin");
    b.screenshot("03-admin").await;
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

/// The amount of a money string (`USD 1,234.50` -> 1234.50).
fn money_value(s: &str) -> rust_decimal::Decimal {
    assert!(is_money(s), "not money: {s:?}");
    let digits: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    digits.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// Whether a money string looks like `USD 1,234.50`.
fn is_money(s: &str) -> bool {
    crate::pages_support::is_money(s.trim())
}

#[tokio::test]
async fn a_viewer_reads_dashboard_catalog_pricing_and_bills_in_a_real_browser() {
    let app = spawn_sandboxed_app().await;
    let email = "viewer@acme.example";
    app.create_user(email, CUSTOMER_PW, Role::Viewer, Some(app.account_a()))
        .await;
    let base = app.address.clone();
    let b = Browser::start().await;

    // Dashboard: the balance tile shows an amount with its currency.
    b.login(&base, email, CUSTOMER_PW).await;
    b.expect_h1("Dashboard").await;
    let balance = b.text(".balance-total").await;
    assert!(is_money(&balance), "balance {balance:?}");
    let cash = b.text(".balance-cash").await;
    assert!(is_money(&cash), "cash {cash:?}");
    assert_eq!(b.text(".topbar .account").await, "Acme");
    b.screenshot("10-dashboard").await;

    // Catalog, through the side navigation: service types with names and codes.
    b.click("nav.sidenav a[href='/catalog']").await;
    b.expect_h1("Catalog").await;
    let count = b.text("p.count").await;
    assert!(count.ends_with("service types"), "{count:?}");
    let total: u64 = count
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(total > 0, "{count:?}");
    let names = b.texts("table tbody tr td:nth-child(1)").await;
    let codes = b.texts("table tbody tr td:nth-child(3)").await;
    assert!(!names.is_empty() && names.len() == codes.len(), "{names:?}");
    assert!(
        codes.iter().all(|c| c.starts_with("hws.service.type.")),
        "{codes:?}"
    );
    b.screenshot("11-catalog").await;

    // Pricing comparison, filled in through its form.
    b.click("nav.sidenav a[href='/pricing']").await;
    b.expect_h1("Pricing").await;
    b.click("nav.tabs a[href='/pricing/compare']").await;
    b.wait_path("/pricing/compare").await;
    assert_eq!(
        b.text("nav.tabs a[aria-current=page]").await,
        "Compare billing modes"
    );
    b.select("#f-region", "eu-west-101").await;
    b.select("#f-spec", "ecs-c6.large.2").await;
    b.fill("#f-quantity", "2").await;
    b.fill("#f-months", "24").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_css("table.quotes").await;
    let url = b.wait_path("/pricing/compare").await;
    assert!(url.contains("spec=ecs-c6.large.2"), "{url}");
    let billing = b.texts("table.quotes tbody tr td:nth-child(1)").await;
    assert!(
        billing.iter().any(|t| t.starts_with("Pay-per-use")),
        "{billing:?}"
    );
    assert!(
        billing
            .iter()
            .any(|t| t.starts_with("Monthly") || t.starts_with("Yearly")),
        "{billing:?}"
    );
    let prices = b.texts("table.quotes td.final-price").await;
    assert_eq!(prices.len(), 3, "{prices:?}");
    assert!(prices.iter().all(|p| is_money(p)), "{prices:?}");
    let verdict = b.text("p.break-even").await;
    assert!(
        verdict.contains("cheaper")
            && (verdict.contains("month") || verdict.contains("Pay-per-use")),
        "{verdict:?}"
    );
    assert_eq!(b.count("table.compare tbody tr").await, 24);
    // The highlighted month agrees with the sentence.
    let even_rows = b
        .texts("table.compare tr.break-even-row td:nth-child(1)")
        .await;
    if verdict.starts_with("Pay-per-use stays cheaper") {
        assert!(even_rows.is_empty(), "{even_rows:?}");
    } else {
        assert_eq!(even_rows.len(), 1, "{even_rows:?}");
        let month = if verdict.contains("first month") {
            "1".to_owned()
        } else {
            verdict
                .trim_end_matches('.')
                .rsplit(' ')
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(even_rows[0], month, "{verdict}");
    }
    b.screenshot("12-pricing-compare").await;

    // Bills: the spend chart has bars.
    b.click("nav.sidenav a[href='/bills']").await;
    b.expect_h1("Bills").await;
    b.wait_css("svg.chart").await;
    let bars = b.count("svg.chart rect").await;
    assert!(bars >= 1, "bars: {bars}");
    assert!(is_money(&b.text(".bill-total").await));
    assert!(b.count("ul.legend li").await >= 1);
    b.scroll_to("svg.chart").await;
    b.screenshot("13-bills-chart").await;

    // Resource expenditures: the export link downloads the CSV through Chromium itself (its
    // own request headers, gzip included), and the file on disk holds every listed record.
    b.click("nav.tabs a[href='/bills/resources']").await;
    b.wait_path("/bills/resources").await;
    let listed = b.text("p.count").await;
    let href = b
        .wait_css("a.export")
        .await
        .prop("href")
        .await
        .expect("href")
        .expect("export link has an href");
    assert!(href.contains("/bills/resources/export"), "{href}");
    b.click("a.export").await;
    let file = b.wait_download().await;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        name.starts_with("resource-expenditures-") && name.ends_with(".csv"),
        "{name}"
    );
    let body = std::fs::read_to_string(&file).expect("the downloaded CSV");
    let header = body.lines().next().unwrap_or_default();
    assert!(
        header
            .trim_start_matches('\u{feff}')
            .starts_with("bill_date,service_type,resource_type,region,resource_id"),
        "{header}"
    );
    let mut csv = csv::Reader::from_reader(body.as_bytes());
    let cols = csv.headers().expect("header").clone();
    let amount = cols.iter().position(|h| h == "amount").expect("amount");
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("row")).collect();
    let rows = records.len();
    assert!(
        records
            .iter()
            .all(|r| r[amount].parse::<rust_decimal::Decimal>().is_ok()),
        "amounts are plain decimals"
    );
    assert!(rows > 0, "no rows; the page said {listed:?}");
    let shown: usize = listed
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(rows, shown, "the export has every listed record ({listed})");
    // A request without the session cookie gets no data.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(&href)
        .send()
        .await
        .expect("anonymous");
    assert_ne!(anon.status(), 200);

    b.close().await;
    app.stop().await;
}

/// The `data-resource-id` of the `tr.main` rows whose status pill reads `status`.
async fn main_rows_with_status(b: &Browser, status: &str) -> Vec<String> {
    let mut out = Vec::new();
    for row in b
        .client
        .find_all(Locator::Css("table.resources tr.main"))
        .await
        .expect("rows")
    {
        let pill = match row.find(Locator::Css(".status-pill")).await {
            Ok(p) => p.text().await.unwrap_or_default(),
            Err(_) => continue,
        };
        if pill == status
            && let Ok(Some(id)) = row.attr("data-resource-id").await
        {
            out.push(id);
        }
    }
    out
}

/// The status text and label of the settled attempt on an action result page.
async fn action_outcome(b: &Browser) -> (String, String, String) {
    let status = b.settled_action().await;
    let heading = b.text(".action-result h2").await;
    let pill = b.text(".action-result h2 .status-pill").await;
    (status, heading, pill)
}

#[tokio::test]
async fn a_manager_pays_renews_and_unsubscribes_then_staff_find_each_in_the_audit_trail() {
    let app = spawn_sandboxed_app().await;
    let manager = "manager@acme.example";
    app.create_user(manager, CUSTOMER_PW, Role::Manager, Some(app.account_a()))
        .await;
    app.create_user("staff@example.com", STAFF_PW, Role::Staff, None)
        .await;
    let base = app.address.clone();
    let b = Browser::start().await;
    b.login(&base, manager, CUSTOMER_PW).await;
    b.expect_h1("Dashboard").await;

    // The sandbox seeds one pending order larger than the account can pay; a manager looks at
    // the cash balance first and pays an order it covers.
    let cash = money_value(&b.text(".balance-cash").await);

    // Orders pending payment: open the first one the balance covers.
    b.click("#tile-orders").await;
    b.expect_h1("Orders").await;
    let url = b.wait_path("/orders").await;
    assert!(url.contains("status=6"), "{url}");
    let statuses = b.texts("table.orders tbody .status-pill").await;
    assert!(!statuses.is_empty(), "the sandbox seeds pending orders");
    assert!(
        statuses.iter().all(|s| s == "Pending payment"),
        "{statuses:?}"
    );
    let ids = b.texts("table.orders tbody td:nth-child(1) a").await;
    let amounts = b.texts("table.orders tbody td:nth-child(7)").await;
    assert_eq!(ids.len(), amounts.len());
    let order = ids
        .iter()
        .zip(&amounts)
        .find(|(_, a)| money_value(a) <= cash)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("no order under {cash}: {amounts:?}"));
    b.screenshot("20-orders-pending").await;
    b.click(&format!("table.orders tr[data-order-id='{order}'] a"))
        .await;
    b.wait_path(&format!("/orders/{order}")).await;
    b.wait_h1_prefix("Order").await;
    assert_eq!(b.text("#order-status").await, "Pending payment");
    assert!(is_money(&b.text("#order-amount").await));

    // Pay it without a discount.
    b.click("#pay-form input[name=benefit][value=none]").await;
    b.screenshot("21-order-pay").await;
    b.click("#pay-form button[type=submit]").await;
    b.expect_h1("Action result").await;
    let (status, heading, pill) = action_outcome(&b).await;
    assert_eq!(status, "succeeded", "{}", b.whereabouts().await);
    assert!(heading.starts_with("Paying the order"), "{heading}");
    assert_eq!(pill, "Succeeded");
    assert!(b.text(".action-result dd.mono").await.contains(&order));
    b.screenshot("22-pay-result").await;

    // Renewals: renew one in-use primary resource for a month, through the price preview.
    b.click("nav.sidenav a[href='/renewals']").await;
    b.expect_h1("Renewals").await;
    b.select("#status", "2").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_css("#status option[value='2'][selected]").await;
    let in_use = main_rows_with_status(&b, "In use").await;
    assert!(in_use.len() >= 2, "two in-use resources: {in_use:?}");
    let (renewed, unsubscribed) = (in_use[0].clone(), in_use[1].clone());
    b.click(&format!(
        "tr.main[data-resource-id='{renewed}'] input[name=resource_id]"
    ))
    .await;
    b.fill("#period_num", "1").await;
    b.select("select[name=period_unit]", "month").await;
    b.click("button[formaction='/renewals/renew/preview']")
        .await;
    b.expect_h1("Renew for 1 month").await;
    let quoted: Vec<String> = {
        let mut ids = Vec::new();
        for r in b
            .client
            .find_all(Locator::Css("table.quote tbody tr[data-resource-id]"))
            .await
            .expect("rows")
        {
            ids.push(
                r.attr("data-resource-id")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            );
        }
        ids
    };
    assert_eq!(quoted, vec![renewed.clone()]);
    let total = b.text("#quote-total").await;
    assert!(is_money(&total), "price {total:?}");
    let line = b.text("table.quote tbody td.num").await;
    assert!(is_money(&line), "line price {line:?}");
    b.screenshot("23-renew-preview").await;
    b.click("#renew-confirm button[type=submit]").await;
    b.expect_h1("Action result").await;
    let (status, heading, pill) = action_outcome(&b).await;
    assert_eq!(status, "succeeded", "{}", b.whereabouts().await);
    assert!(heading.starts_with("Renewing resources"), "{heading}");
    assert_eq!(pill, "Succeeded");
    assert!(
        b.count("a.order-link").await >= 1,
        "the renewal order is linked"
    );
    b.screenshot("24-renew-result").await;

    // Unsubscribe another one, through the review page.
    b.goto(&base, "/renewals?status=2").await;
    b.expect_h1("Renewals").await;
    b.click(&format!(
        "tr.main[data-resource-id='{unsubscribed}'] input[name=resource_id]"
    ))
    .await;
    b.click("button[formaction='/renewals/unsubscribe/review']")
        .await;
    b.expect_h1("Unsubscribe resources").await;
    let listed: Vec<String> = {
        let mut ids = Vec::new();
        for r in b
            .client
            .find_all(Locator::Css("table.unsubscribe tr.main"))
            .await
            .expect("rows")
        {
            ids.push(
                r.attr("data-resource-id")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            );
        }
        ids
    };
    assert_eq!(listed, vec![unsubscribed.clone()]);
    assert!(!b.text("#refund-total").await.is_empty());
    b.click("#unsubscribe-confirm input[name=understand]").await;
    b.screenshot("25-unsubscribe-review").await;
    b.click("#unsubscribe-confirm button[type=submit]").await;
    b.expect_h1("Action result").await;
    let (status, heading, pill) = action_outcome(&b).await;
    assert_eq!(status, "succeeded", "{}", b.whereabouts().await);
    assert!(heading.starts_with("Unsubscribing resources"), "{heading}");
    assert_eq!(pill, "Succeeded");
    b.screenshot("26-unsubscribe-result").await;
    // The resource is closed now.
    b.goto(&base, "/renewals?status=3&limit=100").await;
    b.expect_h1("Renewals").await;
    assert!(
        main_rows_with_status(&b, "Closed")
            .await
            .contains(&unsubscribed),
        "{}",
        b.whereabouts().await
    );
    b.logout().await;

    // Staff find each action in the audit trail, by the manager's e-mail.
    b.login_staff(&base, "staff@example.com", STAFF_PW).await;
    b.click("a[href='/admin/audit']").await;
    b.expect_h1("Audit trail").await;
    b.fill("#operator", manager).await;
    b.click("#trail-filters button[type=submit]").await;
    b.wait_css("#operator[value='manager@acme.example']").await;
    b.wait_css("#trail tbody tr").await;
    let events = b.texts("#trail tbody td.event").await;
    let outcomes = b.texts("#trail tbody td.outcome").await;
    let operators = b.texts("#trail tbody td.operator").await;
    let resources = b.texts("#trail tbody td.resource-id").await;
    assert_eq!(events.len(), outcomes.len());
    assert!(operators.iter().all(|o| o == manager), "{operators:?}");
    for (event, target) in [
        ("payCustomerOrderV3", &order),
        ("renewResources", &renewed),
        ("unsubscribeResources", &unsubscribed),
    ] {
        let found = (0..events.len()).any(|i| {
            events[i] == event && outcomes[i] == "success" && resources[i].contains(target.as_str())
        });
        assert!(
            found,
            "{event} on {target} with outcome success: {:?}",
            (0..events.len())
                .map(|i| (&events[i], &outcomes[i], &resources[i]))
                .collect::<Vec<_>>()
        );
    }
    b.screenshot("27-staff-audit").await;
    // The event filter narrows the table to one kind.
    b.fill("#event", "renewResources").await;
    b.click("#trail-filters button[type=submit]").await;
    b.wait_css("#event[value='renewResources']").await;
    let only = b.texts("#trail tbody td.event").await;
    assert!(
        !only.is_empty() && only.iter().all(|e| e == "renewResources"),
        "{only:?}"
    );
    let outcomes = b.texts("#trail tbody td.outcome").await;
    assert!(outcomes.iter().any(|o| o == "success"), "{outcomes:?}");

    b.close().await;
    app.stop().await;
}
