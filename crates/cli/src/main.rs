//! `skillproof`: the one binary. Glue only: parse flags, build the services from the library
//! crates, print results. Exit codes: 0 success, 1 a check failed, 2 usage or I/O error.

mod commands;
mod network;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A search engine over verified skills.
#[derive(Debug, Parser)]
#[command(name = "skillproof", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify credentials: JSON/JSON-LD, compact JWT, baked PNG/SVG badges, or directories of them.
    Verify(commands::verify::VerifyArgs),
    /// Skill taxonomies: look up concepts, map credentials and job requirements, extract skills from text.
    Skills(commands::skills::SkillsArgs),
    /// Crawl published credentials into a data directory: fetch, verify, map, index, keep current.
    Crawl(commands::crawl::CrawlArgs),
    /// Serve the API (and web/ when present) over a data dir's index, until ctrl-c or SIGTERM.
    Serve(commands::serve::ServeArgs),
    /// API keys of the server: `keys create` prints a new key once and stores its hash.
    Keys(commands::serve::KeysArgs),
    /// Rank the consenting verified earners of an index for a job, each result explained.
    Search(commands::search::SearchArgs),
    /// Supply, demand and gap per skill and region from an index, small cells suppressed.
    Gaps(commands::gaps::GapsArgs),
    /// The whole system in one command: generate the demo ecosystem, crawl it, serve the API.
    Demo(commands::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Verify(args) => commands::verify::run(args),
        Command::Skills(args) => commands::skills::run(args),
        Command::Crawl(args) => commands::crawl::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Keys(args) => commands::serve::run_keys(args),
        Command::Search(args) => commands::search::run(args),
        Command::Gaps(args) => commands::gaps::run(args),
        Command::Demo(args) => commands::demo::run(args),
    };
    match result {
        Ok(status) => status.into(),
        Err(error) => {
            eprintln!("skillproof: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
