//! Prometheus metrics, kept by the server itself (text exposition format 0.0.4): requests and
//! their latency per route and status, requests rejected by each limit, requests in flight,
//! and the index snapshot being served.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the latency histogram buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket of [`LATENCY_BUCKETS`].
    buckets: [u64; LATENCY_BUCKETS.len()],
}

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (route template, status) → stats. Route templates, not raw paths, so the label set
    /// stays bounded whatever clients send.
    requests: Mutex<BTreeMap<(String, u16), RouteStats>>,
    /// Limit name → requests it rejected.
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    in_flight: AtomicI64,
    snapshot_credentials: AtomicU64,
    snapshot_demands: AtomicU64,
    snapshot_reloads: AtomicU64,
    snapshot_id: Mutex<String>,
}

impl Metrics {
    /// Records a finished request.
    pub fn record_request(&self, route: &str, status: u16, seconds: f64) {
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stats = requests.entry((route.to_owned(), status)).or_default();
        stats.count += 1;
        stats.sum_seconds += seconds;
        for (bucket, bound) in stats.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// Records a request rejected by a limit (`rate`, `concurrency`, `timeout`, `body_size`,
    /// `json_depth`, `header_timeout`).
    pub fn record_rejection(&self, limit: &'static str) {
        *self
            .rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(limit)
            .or_default() += 1;
    }

    /// Requests rejected by `limit` so far.
    pub fn rejections(&self, limit: &str) -> u64 {
        self.rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(limit)
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn enter(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// Requests being handled now.
    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub(crate) fn set_snapshot(&self, id: &str, credentials: u64, demands: u64) {
        *self
            .snapshot_id
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = id.to_owned();
        self.snapshot_credentials
            .store(credentials, Ordering::Relaxed);
        self.snapshot_demands.store(demands, Ordering::Relaxed);
        self.snapshot_reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        out.push_str(
            "# HELP skillproof_http_requests_total Requests answered, by route and status.\n",
        );
        out.push_str("# TYPE skillproof_http_requests_total counter\n");
        for ((route, status), stats) in &requests {
            let _ = writeln!(
                out,
                "skillproof_http_requests_total{{route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                stats.count
            );
        }
        out.push_str(
            "# HELP skillproof_http_request_duration_seconds Time from request to response head.\n",
        );
        out.push_str("# TYPE skillproof_http_request_duration_seconds histogram\n");
        for ((route, status), stats) in &requests {
            let labels = format!("route=\"{}\",status=\"{status}\"", escape(route));
            for (bound, count) in LATENCY_BUCKETS.iter().zip(stats.buckets) {
                let _ = writeln!(
                    out,
                    "skillproof_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "skillproof_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "skillproof_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "skillproof_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
        out.push_str("# HELP skillproof_http_rejected_total Requests refused by a limit.\n");
        out.push_str("# TYPE skillproof_http_rejected_total counter\n");
        for (limit, count) in self
            .rejected
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "skillproof_http_rejected_total{{limit=\"{limit}\"}} {count}"
            );
        }
        out.push_str("# HELP skillproof_http_in_flight Requests being handled.\n");
        out.push_str("# TYPE skillproof_http_in_flight gauge\n");
        let _ = writeln!(out, "skillproof_http_in_flight {}", self.in_flight());
        let snapshot_id = self
            .snapshot_id
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        out.push_str("# HELP skillproof_index_snapshot_info The index snapshot being served.\n");
        out.push_str("# TYPE skillproof_index_snapshot_info gauge\n");
        let _ = writeln!(
            out,
            "skillproof_index_snapshot_info{{snapshot=\"{}\"}} 1",
            escape(&snapshot_id)
        );
        out.push_str("# HELP skillproof_index_credentials Credentials in the served snapshot.\n");
        out.push_str("# TYPE skillproof_index_credentials gauge\n");
        let _ = writeln!(
            out,
            "skillproof_index_credentials {}",
            self.snapshot_credentials.load(Ordering::Relaxed)
        );
        out.push_str("# HELP skillproof_index_demands Demand records in the served snapshot.\n");
        out.push_str("# TYPE skillproof_index_demands gauge\n");
        let _ = writeln!(
            out,
            "skillproof_index_demands {}",
            self.snapshot_demands.load(Ordering::Relaxed)
        );
        out.push_str("# HELP skillproof_index_reloads_total Snapshots loaded.\n");
        out.push_str("# TYPE skillproof_index_reloads_total counter\n");
        let _ = writeln!(
            out,
            "skillproof_index_reloads_total {}",
            self.snapshot_reloads.load(Ordering::Relaxed)
        );
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
