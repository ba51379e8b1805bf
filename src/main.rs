//! Temporary entry point on the sandbox branch: `cbc-portal sandbox --listen ADDR
//! --credentials AK:SK:DOMAIN_ID ...`. The lead merges these flags into the real CLI.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cbc-portal")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the CBC API sandbox in the foreground.
    Sandbox {
        /// Address to listen on; port 0 picks a free port (the real one is printed).
        #[arg(long, default_value = "127.0.0.1:8099")]
        listen: std::net::SocketAddr,
        /// Accepted credential, AK:SK:DOMAIN_ID; repeat for several accounts.
        #[arg(long = "credentials", required = true)]
        credentials: Vec<cbc_portal::sandbox::Credential>,
        /// Bill records per account.
        #[arg(long, default_value_t = 3000)]
        records: usize,
        /// Seed of the generated world.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Currency of every amount.
        #[arg(long, default_value = "USD")]
        currency: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Sandbox {
            listen,
            credentials,
            records,
            seed,
            currency,
        } => {
            let cfg = cbc_portal::sandbox::SeedConfig {
                seed,
                bill_records: records,
                currency,
            };
            cbc_portal::sandbox::run_standalone(listen, credentials, cfg).await
        }
    }
}
