//! A private PostgreSQL cluster under the data dir, for `cargo run` on a machine whose default
//! server does not answer. Used only when `DATABASE_URL` was not set and the server binaries
//! exist; it listens on a Unix socket only and is stopped on shutdown.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// A running private cluster.
#[derive(Debug)]
pub struct PrivateCluster {
    bin: PathBuf,
    data: PathBuf,
    run_as: Option<String>,
    /// `postgres://...` URL of the `cbc_portal` database on the socket.
    pub url: String,
}

/// Finds `initdb` and `pg_ctl`: on PATH, else the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").is_file())
        .collect();
    candidates.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    candidates.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .is_some_and(|s| s.trim() == "0")
}

fn run(bin: &Path, tool: &str, run_as: Option<&str>, args: &[&str]) -> anyhow::Result<()> {
    let exe = bin.join(tool);
    let mut cmd = match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let out = cmd
        .args(args)
        .output()
        .with_context(|| format!("running {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

impl PrivateCluster {
    /// Initialises (first time) and starts the cluster under `data_dir/postgres`.
    pub fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let bin = find_bin_dir().context("no PostgreSQL server binaries (initdb, pg_ctl) found")?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let base = std::fs::canonicalize(data_dir)?.join("postgres");
        let data = base.join("data");
        let sock = base.join("socket");
        std::fs::create_dir_all(&sock)?;
        // initdb refuses to run as root; run the server as the `postgres` system user then.
        let run_as = is_root().then(|| "postgres".to_owned());
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .args(["-R", &format!("{user}:{user}")])
                .arg(&base)
                .status()
                .context("chown of the private cluster directory")?;
            if !status.success() {
                bail!("could not hand {} to the {user} user", base.display());
            }
        }
        let data_s = data.to_string_lossy().into_owned();
        if !data.join("PG_VERSION").exists() {
            run(
                &bin,
                "initdb",
                run_as.as_deref(),
                &[
                    "-D",
                    &data_s,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-instructions",
                ],
            )?;
        }
        let log = base.join("server.log").to_string_lossy().into_owned();
        let opts = format!("-c listen_addresses='' -k {}", sock.display());
        run(
            &bin,
            "pg_ctl",
            run_as.as_deref(),
            &["-D", &data_s, "-o", &opts, "-l", &log, "-w", "start"],
        )?;
        let url = format!(
            "postgres://postgres@localhost/cbc_portal?host={}",
            sock.display()
        );
        tracing::info!(data = %data.display(), "started a private PostgreSQL cluster");
        Ok(Self {
            bin,
            data,
            run_as,
            url,
        })
    }

    /// Stops the cluster (fast shutdown).
    pub fn stop(&self) {
        let data = self.data.to_string_lossy().into_owned();
        if let Err(e) = run(
            &self.bin,
            "pg_ctl",
            self.run_as.as_deref(),
            &["-D", &data, "-m", "fast", "-w", "stop"],
        ) {
            tracing::warn!(error = %e, "stopping the private cluster");
        }
    }
}
