//! One module per subcommand.

pub(crate) mod crawl;
pub(crate) mod demo;
pub(crate) mod gaps;
pub(crate) mod search;
pub(crate) mod serve;
pub(crate) mod skills;
pub(crate) mod verify;

/// How a command ended, when it ended without an I/O or usage error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Everything checked out.
    Success,
    /// At least one check failed (e.g. a credential did not verify).
    CheckFailed,
}

impl From<Status> for std::process::ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Success => std::process::ExitCode::SUCCESS,
            Status::CheckFailed => std::process::ExitCode::from(1),
        }
    }
}
