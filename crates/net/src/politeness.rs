//! Per-host politeness: one request at a time per host, a minimum gap between requests,
//! robots.txt `Crawl-delay`, `Retry-After`, and exponential backoff with jitter.
//!
//! The client drives it for crawl fetches; the crawler may also ask [`HostScheduler::ready_at`]
//! to pick hosts that can be fetched now instead of waiting on a busy one. Time is
//! `tokio::time::Instant`, so tests run with a paused clock.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lru::LruCache;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::config::PolitenessConfig;

/// How a request to a host went, as far as politeness cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostFeedback {
    /// The host answered normally (any status but 429 and 5xx).
    Answered,
    /// 429 or 503: the host asks us to slow down, perhaps with `Retry-After`.
    Throttled {
        /// The `Retry-After` the host sent, if any.
        retry_after: Option<Duration>,
    },
    /// Another 5xx, a timeout or a transport failure.
    Failed,
}

#[derive(Debug)]
struct HostState {
    /// Earliest start of the next request.
    next_at: Option<Instant>,
    consecutive_failures: u32,
    crawl_delay: Duration,
}

#[derive(Debug)]
struct HostSlot {
    /// One permit: at most one request to the host at a time.
    busy: Arc<Semaphore>,
    state: Mutex<HostState>,
}

/// SplitMix64: tiny, seedable, good enough for jitter.
#[derive(Debug)]
struct Jitter(u64);

impl Jitter {
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Schedules requests per host. Clones share the same state.
#[derive(Debug, Clone)]
pub struct HostScheduler {
    inner: Arc<SchedulerInner>,
}

#[derive(Debug)]
struct SchedulerInner {
    config: PolitenessConfig,
    hosts: Mutex<LruCache<String, Arc<HostSlot>>>,
    jitter: Mutex<Jitter>,
}

/// Held while a request to the host is in flight. Report how it went with
/// [`HostPermit::finish`]; dropping it unfinished counts as [`HostFeedback::Failed`].
#[derive(Debug)]
pub struct HostPermit {
    scheduler: Arc<SchedulerInner>,
    slot: Arc<HostSlot>,
    finished: bool,
    _busy: OwnedSemaphorePermit,
}

impl HostScheduler {
    /// A scheduler with `config`'s delays and seed.
    pub fn new(config: PolitenessConfig) -> HostScheduler {
        let seed = config.jitter_seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x5EED, |d| d.as_nanos() as u64)
        });
        let capacity = NonZeroUsize::new(config.max_hosts).unwrap_or(NonZeroUsize::MIN);
        let inner = SchedulerInner {
            config,
            hosts: Mutex::new(LruCache::new(capacity)),
            jitter: Mutex::new(Jitter(seed)),
        };
        HostScheduler {
            inner: Arc::new(inner),
        }
    }

    /// Waits until `host` is free and its delay has passed, then holds it.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let slot = self.inner.slot(host);
        let busy = loop {
            match slot.busy.clone().acquire_owned().await {
                Ok(permit) => break permit,
                // The semaphore is never closed.
                Err(_) => tokio::task::yield_now().await,
            }
        };
        let next_at = slot
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_at;
        if let Some(next_at) = next_at {
            tokio::time::sleep_until(next_at).await;
        }
        HostPermit {
            scheduler: self.inner.clone(),
            slot,
            finished: false,
            _busy: busy,
        }
    }

    /// When `host` may next be requested (`None`: now, or unknown). A busy host may be
    /// later still.
    pub fn ready_at(&self, host: &str) -> Option<Instant> {
        let hosts = self
            .inner
            .hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let slot = hosts.peek(&host.to_ascii_lowercase())?;
        let next_at = slot
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_at;
        next_at.filter(|at| *at > Instant::now())
    }

    /// Sets the host's robots.txt `Crawl-delay` (clamped to the cap).
    pub fn set_crawl_delay(&self, host: &str, delay: Duration) {
        let slot = self.inner.slot(host);
        let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.crawl_delay = delay.min(self.inner.config.max_crawl_delay);
    }
}

impl SchedulerInner {
    fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .get_or_insert(host.to_ascii_lowercase(), || {
                Arc::new(HostSlot {
                    busy: Arc::new(Semaphore::new(1)),
                    state: Mutex::new(HostState {
                        next_at: None,
                        consecutive_failures: 0,
                        crawl_delay: Duration::ZERO,
                    }),
                })
            })
            .clone()
    }

    /// The delay before the next request, given how this one went.
    fn delay_after(&self, state: &mut HostState, feedback: HostFeedback) -> Duration {
        let base = self.config.min_delay.max(state.crawl_delay);
        let retry_after = match feedback {
            HostFeedback::Answered => {
                state.consecutive_failures = 0;
                return base;
            }
            HostFeedback::Throttled { retry_after } => retry_after,
            HostFeedback::Failed => None,
        };
        state.consecutive_failures = state.consecutive_failures.saturating_add(1);
        let exponent = state.consecutive_failures.saturating_sub(1).min(20);
        let backoff = self
            .config
            .backoff_base
            .saturating_mul(1u32 << exponent)
            .min(self.config.backoff_max);
        // "Equal jitter": half fixed, half random, so retries from many hosts spread out.
        let unit = self
            .jitter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_unit();
        let jittered = backoff.mul_f64(0.5 + 0.5 * unit);
        let retry_after =
            retry_after.map_or(Duration::ZERO, |r| r.min(self.config.max_retry_after));
        base.max(jittered).max(retry_after)
    }
}

impl HostPermit {
    /// Records how the request went; the next request to the host waits accordingly.
    /// Returns the delay chosen.
    pub fn finish(mut self, feedback: HostFeedback) -> Duration {
        self.finished = true;
        self.record(feedback)
    }

    fn record(&self, feedback: HostFeedback) -> Duration {
        let mut state = self
            .slot
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let delay = self.scheduler.delay_after(&mut state, feedback);
        state.next_at = Some(Instant::now() + delay);
        delay
    }
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        if !self.finished {
            self.record(HostFeedback::Failed);
        }
    }
}

/// Parses `Retry-After`: delta-seconds, or an HTTP-date relative to `now`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds.min(u64::from(u32::MAX))));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = time::PrimitiveDateTime::parse(value, &format)
        .ok()?
        .assume_utc();
    let then = std::time::SystemTime::from(date);
    Some(then.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheduler() -> Arc<SchedulerInner> {
        HostScheduler::new(PolitenessConfig {
            jitter_seed: Some(7),
            ..PolitenessConfig::default()
        })
        .inner
    }

    #[test]
    fn backoff_doubles_with_jitter_and_respects_retry_after() {
        let scheduler = scheduler();
        let mut state = HostState {
            next_at: None,
            consecutive_failures: 0,
            crawl_delay: Duration::ZERO,
        };
        assert_eq!(
            scheduler.delay_after(&mut state, HostFeedback::Answered),
            Duration::from_secs(1)
        );
        let mut previous_ceiling = Duration::ZERO;
        for failures in 1..=12u32 {
            let delay = scheduler.delay_after(&mut state, HostFeedback::Failed);
            let ceiling =
                (Duration::from_secs(2) * (1 << (failures - 1))).min(Duration::from_secs(600));
            assert!(
                delay <= ceiling && delay >= (ceiling / 2).max(Duration::from_secs(1)),
                "{failures}: {delay:?}"
            );
            assert!(ceiling >= previous_ceiling);
            previous_ceiling = ceiling;
        }
        let retry = Some(Duration::from_secs(7200));
        let throttled =
            scheduler.delay_after(&mut state, HostFeedback::Throttled { retry_after: retry });
        assert_eq!(
            throttled,
            Duration::from_secs(3600),
            "Retry-After clamped to max_retry_after"
        );
        assert_eq!(
            scheduler.delay_after(&mut state, HostFeedback::Answered),
            Duration::from_secs(1)
        );
        assert_eq!(state.consecutive_failures, 0);
    }

    #[test]
    fn retry_after_forms() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
