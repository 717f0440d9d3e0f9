//! The crate's one error type, and the outcome kinds every request is counted under.

use std::fmt;

/// Why a fetch (or building a client) failed. Each variant that a request can end in maps
/// to exactly one [`OutcomeKind`]; configuration errors map to none, as no request was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// The configuration was refused (bad pin, unreadable CA file, a limit out of range).
    #[error("invalid network configuration: {0}")]
    InvalidConfig(String),
    /// The URL cannot be fetched as written (unparseable, too long, carries credentials).
    #[error("invalid url {url}: {reason}")]
    InvalidUrl {
        /// The URL as given (truncated to a bounded length).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The scheme is not allowed here (only https, http where configured), or a redirect
    /// went from https to http.
    #[error("blocked scheme for {url}: {reason}")]
    BlockedScheme {
        /// The URL whose scheme was refused.
        url: String,
        /// Why.
        reason: String,
    },
    /// The host is, or resolves only to, an address the SSRF guard refuses.
    #[error("blocked address for {url}: {reason}")]
    BlockedAddress {
        /// The URL (or redirect target) refused.
        url: String,
        /// The range or rule that refused it.
        reason: String,
    },
    /// robots.txt disallows the URL for our user agent, or the host is unreachable for robots
    /// purposes (RFC 9309 §2.3.1.4), or asks for a crawl delay above our cap.
    #[error("robots.txt disallows {url}: {reason}")]
    RobotsDisallowed {
        /// The URL not fetched.
        url: String,
        /// The rule, or the state of the origin's robots.txt.
        reason: String,
    },
    /// The body exceeded the byte cap (counted after decompression).
    #[error("body of {url} exceeds {limit} bytes (read {bytes_read} before stopping)")]
    TooLarge {
        /// The URL fetched.
        url: String,
        /// The cap in force.
        limit: u64,
        /// Bytes accepted before the read that crossed the cap, plus that read.
        bytes_read: u64,
    },
    /// A deadline passed.
    #[error("{phase} deadline passed for {url}")]
    TimedOut {
        /// The URL fetched.
        url: String,
        /// Which deadline.
        phase: TimeoutPhase,
    },
    /// More redirects than allowed.
    #[error("more than {limit} redirects from {url}")]
    RedirectLimit {
        /// The URL first requested.
        url: String,
        /// The redirect limit in force.
        limit: usize,
    },
    /// The TLS handshake failed (untrusted certificate, wrong name, protocol error).
    #[error("tls error for {url}: {message}")]
    Tls {
        /// The URL fetched.
        url: String,
        /// The TLS library's message.
        message: String,
    },
    /// The host name did not resolve.
    #[error("dns lookup failed for {url}: {message}")]
    Dns {
        /// The URL fetched.
        url: String,
        /// The resolver's message.
        message: String,
    },
    /// Connecting failed, or the connection broke (refused, reset).
    #[error("connection failed for {url}: {message}")]
    Connection {
        /// The URL fetched.
        url: String,
        /// The transport's message.
        message: String,
    },
    /// The server broke HTTP: malformed or oversized head, truncated or undecodable body.
    #[error("protocol error from {url}: {message}")]
    Protocol {
        /// The URL fetched.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The blocking adapter's worker thread is gone (only after a panic elsewhere).
    #[error("network worker stopped")]
    WorkerStopped,
}

/// Which deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutPhase {
    /// Establishing the TCP connection.
    Connect,
    /// No byte arrived for the read (idle) timeout.
    Read,
    /// The whole request, body included, took longer than the total deadline.
    Total,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Read => "read",
            TimeoutPhase::Total => "total",
        })
    }
}

impl NetError {
    /// Stable snake_case code, for logs, reports and the CLI's JSON.
    pub fn code(&self) -> &'static str {
        match self {
            NetError::InvalidConfig(_) => "invalid_config",
            NetError::WorkerStopped => "worker_stopped",
            other => other.outcome().map_or("internal", OutcomeKind::code),
        }
    }

    /// The outcome this error counts as, or `None` when no request was attempted.
    pub fn outcome(&self) -> Option<OutcomeKind> {
        Some(match self {
            NetError::InvalidConfig(_) | NetError::WorkerStopped => return None,
            NetError::InvalidUrl { .. } => OutcomeKind::InvalidUrl,
            NetError::BlockedScheme { .. } => OutcomeKind::BlockedScheme,
            NetError::BlockedAddress { .. } => OutcomeKind::BlockedAddress,
            NetError::RobotsDisallowed { .. } => OutcomeKind::RobotsDisallowed,
            NetError::TooLarge { .. } => OutcomeKind::TooLarge,
            NetError::TimedOut { .. } => OutcomeKind::TimedOut,
            NetError::RedirectLimit { .. } => OutcomeKind::RedirectLimit,
            NetError::Tls { .. } => OutcomeKind::Tls,
            NetError::Dns { .. } => OutcomeKind::Dns,
            NetError::Connection { .. } => OutcomeKind::Connection,
            NetError::Protocol { .. } => OutcomeKind::Protocol,
        })
    }
}

/// The one outcome each request ends in. Counters are partitioned by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeKind {
    /// A 2xx response, body read within the cap.
    Fetched,
    /// 304 to a conditional request.
    NotModified,
    /// Any other final status (3xx without a usable Location, 4xx, 5xx); body read within the cap.
    HttpStatus,
    /// See [`NetError::InvalidUrl`].
    InvalidUrl,
    /// See [`NetError::BlockedScheme`].
    BlockedScheme,
    /// See [`NetError::BlockedAddress`].
    BlockedAddress,
    /// See [`NetError::RobotsDisallowed`].
    RobotsDisallowed,
    /// See [`NetError::TooLarge`].
    TooLarge,
    /// See [`NetError::TimedOut`].
    TimedOut,
    /// See [`NetError::RedirectLimit`].
    RedirectLimit,
    /// See [`NetError::Tls`].
    Tls,
    /// See [`NetError::Dns`].
    Dns,
    /// See [`NetError::Connection`].
    Connection,
    /// See [`NetError::Protocol`].
    Protocol,
}

impl OutcomeKind {
    /// Every kind, in declaration order (the order counters are reported in).
    pub const ALL: [OutcomeKind; 14] = [
        OutcomeKind::Fetched,
        OutcomeKind::NotModified,
        OutcomeKind::HttpStatus,
        OutcomeKind::InvalidUrl,
        OutcomeKind::BlockedScheme,
        OutcomeKind::BlockedAddress,
        OutcomeKind::RobotsDisallowed,
        OutcomeKind::TooLarge,
        OutcomeKind::TimedOut,
        OutcomeKind::RedirectLimit,
        OutcomeKind::Tls,
        OutcomeKind::Dns,
        OutcomeKind::Connection,
        OutcomeKind::Protocol,
    ];

    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::Fetched => "fetched",
            OutcomeKind::NotModified => "not_modified",
            OutcomeKind::HttpStatus => "http_status",
            OutcomeKind::InvalidUrl => "invalid_url",
            OutcomeKind::BlockedScheme => "blocked_scheme",
            OutcomeKind::BlockedAddress => "blocked_address",
            OutcomeKind::RobotsDisallowed => "robots_disallowed",
            OutcomeKind::TooLarge => "too_large",
            OutcomeKind::TimedOut => "timed_out",
            OutcomeKind::RedirectLimit => "redirect_limit",
            OutcomeKind::Tls => "tls_error",
            OutcomeKind::Dns => "dns_error",
            OutcomeKind::Connection => "connection_error",
            OutcomeKind::Protocol => "protocol_error",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Crate-wide result alias.
pub type Result<T, E = NetError> = std::result::Result<T, E>;

/// Bounds a URL (or any server-influenced text) before it goes into an error message.
pub(crate) fn bounded(text: &str) -> String {
    const MAX_CHARS: usize = 256;
    if text.len() <= MAX_CHARS {
        return text.to_owned();
    }
    let mut end = MAX_CHARS;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
