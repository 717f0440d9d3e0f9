//! `skillproof serve --data-dir DIR [--listen ADDR]`: the query server over the index in
//! `DIR/index`, with the API keys of `DIR/keys.json`, until ctrl-c or SIGTERM.
//!
//! `skillproof keys create --data-dir DIR --role ROLE --id NAME [--issuer ID]...` adds a key
//! to `DIR/keys.json` and prints its secret once (only its hash is stored).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use taxonomy::{LoadOptions, Taxonomy};

use super::Status;

/// Arguments of `skillproof serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The data dir: the index in `index/`, API keys in `keys.json`, consent records in `consent/`.
    #[arg(long, env = "SKILLPROOF_DATA_DIR")]
    data_dir: PathBuf,

    /// Address to listen on.
    #[arg(
        long,
        alias = "addr",
        env = "SKILLPROOF_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: SocketAddr,

    /// The index-data folder (taxonomies, regions) [default: ./index-data, else the one beside
    /// the source tree].
    #[arg(long, env = "SKILLPROOF_INDEX_DATA")]
    index_data: Option<PathBuf>,

    /// Static files of the web UI [default: ./web when it exists].
    #[arg(long, env = "SKILLPROOF_WEB_DIR")]
    web_dir: Option<PathBuf>,

    /// The host name consent presentations must be bound to (their proof's `domain`).
    #[arg(long, env = "SKILLPROOF_PUBLIC_HOST", default_value = "localhost")]
    public_host: String,

    /// Seconds between checks for a new index commit.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    reload_seconds: u64,

    /// Requests handled at once before new ones are shed with 503.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_in_flight: u64,

    /// Seconds a request may take.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    request_timeout_seconds: u64,
}

fn default_index_data() -> PathBuf {
    let local = PathBuf::from("index-data");
    if local.join("MANIFEST.tsv").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data")
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<Status> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SKILLPROOF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();

    let index_data = args.index_data.clone().unwrap_or_else(default_index_data);
    if !index_data.join("MANIFEST.tsv").is_file() {
        bail!(
            "{}: no MANIFEST.tsv (pass --index-data DIR)",
            index_data.display()
        );
    }
    let taxonomy = Taxonomy::load(&LoadOptions {
        cache_dir: Some(index_data.join("..").join("var").join("cache")),
        index_data,
    })
    .context("loading the taxonomy")?;

    let mut config = server::ServerConfig::new(&args.data_dir);
    config.consent_domain = args.public_host;
    config.reload_interval = Some(Duration::from_secs(args.reload_seconds));
    config.limits.max_in_flight = usize::try_from(args.max_in_flight).unwrap_or(usize::MAX);
    config.limits.request_timeout = Duration::from_secs(args.request_timeout_seconds);
    config.web_dir = args
        .web_dir
        .or_else(|| Some(PathBuf::from("web")).filter(|dir| dir.is_dir()));
    let state = server::open_state(&args.data_dir, Arc::new(taxonomy), config)
        .with_context(|| format!("opening the data dir {}", args.data_dir.display()))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener.local_addr().context("the listening address")?;
        eprintln!("skillproof: serving http://{address}/api/v1 (ctrl-c stops)");
        server::serve(listener, state, server::shutdown_signal())
            .await
            .context("serving")
    })?;
    Ok(Status::Success)
}

/// Arguments of `skillproof keys`.
#[derive(Debug, Args)]
pub(crate) struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Adds a key to DATA_DIR/keys.json and prints its secret once.
    Create {
        /// The data dir of the server.
        #[arg(long, env = "SKILLPROOF_DATA_DIR")]
        data_dir: PathBuf,
        /// employer, board, institution or admin.
        #[arg(long, value_parser = parse_role)]
        role: server::Role,
        /// A name for logs (not secret).
        #[arg(long)]
        id: String,
        /// For institution keys: an issuer id whose reports the key may see (repeatable).
        #[arg(long = "issuer")]
        issuers: Vec<String>,
    },
}

fn parse_role(text: &str) -> Result<server::Role, String> {
    server::Role::parse(text)
        .ok_or_else(|| format!("{text:?} is not a role (employer, board, institution, admin)"))
}

pub(crate) fn run_keys(args: KeysArgs) -> anyhow::Result<Status> {
    match args.command {
        KeysCommand::Create {
            data_dir,
            role,
            id,
            issuers,
        } => {
            let (secret, entry) = server::auth::generate_key(&id, role, issuers)?;
            std::fs::create_dir_all(&data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            server::auth::append_key(&data_dir.join("keys.json"), entry)?;
            println!("{secret}");
            eprintln!(
                "skillproof: {} key {id:?} added to {}; the secret above is shown only now",
                role.as_str(),
                data_dir.join("keys.json").display()
            );
            Ok(Status::Success)
        }
    }
}
