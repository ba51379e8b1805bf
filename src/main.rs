//! The `cbc-portal` command: serve (default), migrate, user, account, rotate-key, sandbox.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

use cbc_portal::config::Settings;
use cbc_portal::{cli, startup, telemetry};

#[derive(Parser)]
#[command(
    name = "cbc-portal",
    version,
    about = "Self-hosted sales portal for Huawei Cloud customers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default).
    Serve,
    /// Create the database if needed and run migrations, then exit.
    Migrate,
    /// Exit 0 if the local server answers `/healthz` (for container health checks).
    Healthcheck,
    /// Manage portal users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage cloud accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Re-encrypt every stored SK and staff second factor under a new key (asked for twice at a
    /// terminal, else the first line of stdin).
    RotateKey {
        /// Re-encrypt what the current key opens and leave the rest (listed) as it is.
        #[arg(long)]
        skip_unreadable: bool,
    },
    /// Run the CBC sandbox alone, for other clients (e.g. the official SDK).
    Sandbox {
        /// Address to listen on (port 0 picks one; the address is printed).
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
        /// AK:SK:DOMAIN_ID of an account to emulate (repeatable).
        #[arg(long = "credentials", required = true)]
        credentials: Vec<String>,
        /// Bill records per account.
        #[arg(long, default_value_t = 3000)]
        records: usize,
        /// Seed of the generated world.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Currency of every amount.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Pin the sandbox clock to this RFC 3339 time (e.g. 2026-03-10T12:00:00Z): the
        /// seeded history is dated before it and the clock runs on from there. Default: the
        /// real time.
        #[arg(long, value_parser = parse_pin)]
        now: Option<time::OffsetDateTime>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is asked for twice at a terminal (without echo), else it is
    /// the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        /// staff, manager or viewer.
        #[arg(long)]
        role: String,
        /// Name of the cloud account (manager and viewer only).
        #[arg(long)]
        cloud_account: Option<String>,
        /// Display name (defaults to the part of the e-mail before '@').
        #[arg(long)]
        name: Option<String>,
    },
    /// Clear a user's second factor (e.g. one the current key cannot decrypt); the next login
    /// sets up a new authenticator.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create a cloud account; the SK is asked for at a terminal (without echo), else it is
    /// the first line of standard input.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "https://bss.myhuaweicloud.eu")]
        endpoint: String,
        #[arg(long)]
        domain_id: String,
        #[arg(long)]
        ak: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // `.env` in the working directory fills in what the environment does not set. Loaded
    // before any other thread exists, as changing the environment later is not thread-safe.
    let dotenv = match dotenvy::from_path(".env") {
        Ok(()) => true,
        Err(e) if e.not_found() => false,
        // The line itself may hold a secret: say where, not what.
        Err(dotenvy::Error::LineParse(_, at)) => {
            anyhow::bail!("reading .env: a line is not NAME=value (near character {at})")
        }
        Err(e) => return Err(anyhow::Error::new(e).context("reading .env")),
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli, dotenv))
}

async fn run(cli: Cli, dotenv: bool) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);
    if dotenv {
        tracing::debug!("read settings from .env (the environment wins)");
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = startup::Application::build(settings).await?;
            let url = app.state().settings.public_url.clone();
            if let Some(link) = app.setup_link() {
                println!(
                    "\nNo staff user exists yet. Open this one-time link to create the first one:\n\n    {link}\n"
                );
            }
            if let Some(sandbox) = app.state().sandbox_url.as_deref() {
                println!("sandbox (emulated Huawei CBC API) listening on {sandbox}");
            }
            println!("cbc-portal listening on {url}");
            app.run_until_stopped().await
        }
        Command::Migrate => {
            let mut settings = settings;
            let (_pool, cluster) = startup::prepare_database(&mut settings).await?;
            println!("migrations applied");
            if let Some(c) = cluster {
                c.stop();
            }
            Ok(())
        }
        Command::User(UserCommand::Create {
            email,
            role,
            cloud_account,
            name,
        }) => {
            cli::create_user(
                settings,
                &email,
                &role,
                cloud_account.as_deref(),
                name.as_deref(),
            )
            .await
        }
        Command::Account(AccountCommand::Create {
            name,
            endpoint,
            domain_id,
            ak,
        }) => cli::create_account(settings, &name, &endpoint, &domain_id, &ak).await,
        Command::User(UserCommand::ResetSecondFactor { email }) => {
            cli::reset_second_factor(settings, &email).await
        }
        Command::RotateKey { skip_unreadable } => cli::rotate_key(settings, skip_unreadable).await,
        Command::Healthcheck => {
            let mut addr = settings.listen;
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            let res = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(2))
                .build()?
                .get(format!("http://{addr}/healthz"))
                .send()
                .await?;
            anyhow::ensure!(
                res.status().is_success(),
                "healthz answered {}",
                res.status()
            );
            Ok(())
        }
        Command::Sandbox {
            listen,
            credentials,
            records,
            seed,
            currency,
            now,
        } => {
            let creds = credentials
                .iter()
                .map(|c| c.parse())
                .collect::<anyhow::Result<Vec<cbc_portal::sandbox::Credential>>>()?;
            let cfg = cbc_portal::sandbox::SeedConfig {
                seed,
                bill_records: records,
                currency,
                now,
            };
            cbc_portal::sandbox::run_standalone(listen, creds, cfg).await
        }
    }
}

fn parse_pin(raw: &str) -> Result<time::OffsetDateTime, String> {
    cbc_portal::sandbox::Clock::parse_pin(raw).map_err(str::to_owned)
}
