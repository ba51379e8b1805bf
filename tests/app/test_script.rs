//! `scripts/test.sh` on a shared database server: it cleans up after its own runs and never
//! touches anybody else's databases. Run against a private cluster, with `cargo` replaced by a
//! stand-in that leaves a database behind as an interrupted test would.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use cbc_portal::pgserver::PrivateCluster;
use sqlx::{Connection, Executor, PgConnection};

struct Stopped(PrivateCluster);

impl Drop for Stopped {
    fn drop(&mut self) {
        self.0.stop();
    }
}

fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write stand-in");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

async fn databases(url: &str) -> BTreeSet<String> {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, String>("SELECT datname FROM pg_database WHERE datname LIKE 't%'")
        .fetch_all(&mut conn)
        .await
        .expect("list")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn the_test_script_drops_only_databases_its_own_runs_left_behind() {
    let root = std::env::temp_dir().join(format!(
        "cbc-portal-test-sh-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let checkout = root.join("checkout");
    for d in ["scripts", "target", "bin"] {
        std::fs::create_dir_all(checkout.join(d)).expect("mkdir");
    }
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/test.sh"),
        checkout.join("scripts/test.sh"),
    )
    .expect("copy test.sh");
    let cluster = Stopped(PrivateCluster::start(&root.join("pg")).expect("private cluster"));
    let server = cluster.0.url.replace("/cbc_portal?", "/postgres?");

    // A run of this checkout that was killed, one that is still going (this very process), and
    // databases of people who never ran this script here.
    let me = std::process::id();
    let dead_run = "t_r1700000000_4194999_";
    let live_run = format!("t_r1700000000_{me}_");
    std::fs::write(
        checkout.join("target/test-db-prefixes"),
        format!("{dead_run}\n{live_run}\n"),
    )
    .expect("write prefixes");
    let mine_dead = format!("{dead_run}0a1b");
    let mine_live = format!("{live_run}0a1b");
    let others = [
        "t_0123456789abcdef".to_owned(),
        "t_alice_0a1b".to_owned(),
        "t_r1700000000_4194999x_0a1b".to_owned(),
        "t_r1700000000_4194999z0a1b".to_owned(),
        "tr1700000000_4194999_0a1b".to_owned(),
    ];
    {
        let mut conn = PgConnection::connect(&server).await.expect("connect");
        for db in others.iter().chain([&mine_dead, &mine_live]) {
            conn.execute(format!("CREATE DATABASE \"{db}\"").as_str())
                .await
                .expect("create");
        }
    }

    // `cargo test` stands in: it leaves one database of the run's prefix behind.
    let seen = root.join("prefix-seen");
    script(
        &checkout.join("bin/cargo"),
        &format!(
            "echo \"$TEST_DB_PREFIX\" > '{}'\n\
             psql \"$TEST_DATABASE_URL\" -qc \"create database \\\"${{TEST_DB_PREFIX}}leftover\\\"\"",
            seen.display()
        ),
    );
    for tool in ["chromium", "chromedriver"] {
        script(&checkout.join("bin").join(tool), "exit 0");
    }
    let path = format!(
        "{}:{}",
        checkout.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(checkout.join("scripts/test.sh"))
        .env("PATH", path)
        .env("TEST_DATABASE_URL", &server)
        .env("SKIP_CONFORMANCE", "1")
        .env_remove("TEST_DB_PREFIX")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run test.sh");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let left = databases(&server).await;
    let prefixes =
        std::fs::read_to_string(checkout.join("target/test-db-prefixes")).unwrap_or_default();
    let this_run = std::fs::read_to_string(&seen)
        .unwrap_or_default()
        .trim()
        .to_owned();
    drop(cluster);
    let _ = std::fs::remove_dir_all(&root);

    assert!(out.status.success(), "test.sh failed: {printed}");
    let gone: Vec<_> = others.iter().filter(|d| !left.contains(*d)).collect();
    assert!(
        gone.is_empty(),
        "test.sh dropped databases it never created: {gone:?}; left: {left:?}"
    );
    assert!(
        left.contains(&mine_live),
        "test.sh dropped a database of a run that is still going: {left:?}"
    );
    assert!(
        !left.contains(&mine_dead),
        "a database of an interrupted earlier run was kept: {left:?}"
    );
    assert!(
        this_run.starts_with("t_r") && this_run.ends_with('_'),
        "the run's databases carry no per-run prefix: {this_run:?}"
    );
    assert!(
        !left.iter().any(|d| d.starts_with(&this_run)),
        "the run left its own database behind: {left:?}"
    );
    assert_eq!(
        prefixes.lines().collect::<Vec<_>>(),
        vec![live_run.as_str()],
        "only prefixes of runs that may still need their databases stay recorded"
    );
}
