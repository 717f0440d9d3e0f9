//! Benchmark support: rates measured in interleaved rounds, summary statistics, and the
//! facts about the machine and checkout a recorded run states.
//!
//! The machines are 2 noisy cores, so a benchmark reports every figure as a ratio to a
//! baseline measured in the same run: [`interleaved`] alternates the subject and its
//! baseline round by round, so both see the same disturbances, and the per-round ratios
//! give the spread.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Calls `operation` (which performs `per_call` operations) repeatedly for at least `budget`,
/// and returns operations per second.
pub fn rate(budget: Duration, per_call: usize, mut operation: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut calls = 0usize;
    loop {
        operation();
        calls += 1;
        let elapsed = start.elapsed();
        if elapsed >= budget {
            return (calls * per_call) as f64 / elapsed.as_secs_f64();
        }
    }
}

/// Median, minimum, maximum and count of a set of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The median (mean of the two middle samples for an even count).
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// How many samples.
    pub count: usize,
}

impl Stats {
    /// Statistics of `samples` (all zero when empty).
    pub fn of(samples: &[f64]) -> Stats {
        let mut sorted: Vec<f64> = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        if count == 0 {
            return Stats {
                median: 0.0,
                min: 0.0,
                max: 0.0,
                count,
            };
        }
        let median = if count % 2 == 1 {
            sorted[count / 2]
        } else {
            (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0
        };
        Stats {
            median,
            min: sorted[0],
            max: sorted[count - 1],
            count,
        }
    }

    /// `median [min–max]`, each formatted by `format`.
    pub fn describe(&self, format: impl Fn(f64) -> String) -> String {
        format!(
            "{} [{}–{}]",
            format(self.median),
            format(self.min),
            format(self.max)
        )
    }
}

/// A subject measured against its baseline in alternating rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    /// The subject's rate in each round.
    pub subject: Vec<f64>,
    /// The baseline's rate in each round.
    pub baseline: Vec<f64>,
}

impl Paired {
    /// Per-round ratios subject / baseline.
    pub fn ratios(&self) -> Vec<f64> {
        self.subject
            .iter()
            .zip(&self.baseline)
            .map(|(subject, baseline)| subject / baseline)
            .collect()
    }

    /// Statistics of the subject's rates.
    pub fn subject_stats(&self) -> Stats {
        Stats::of(&self.subject)
    }

    /// Statistics of the baseline's rates.
    pub fn baseline_stats(&self) -> Stats {
        Stats::of(&self.baseline)
    }

    /// Statistics of the per-round ratios.
    pub fn ratio_stats(&self) -> Stats {
        Stats::of(&self.ratios())
    }
}

/// Runs `rounds` rounds; each measures the baseline then the subject (the order alternates
/// from round to round), each returning a rate.
pub fn interleaved(
    rounds: usize,
    mut subject: impl FnMut() -> f64,
    mut baseline: impl FnMut() -> f64,
) -> Paired {
    let mut paired = Paired {
        subject: Vec::with_capacity(rounds),
        baseline: Vec::with_capacity(rounds),
    };
    for round in 0..rounds {
        if round % 2 == 0 {
            paired.baseline.push(baseline());
            paired.subject.push(subject());
        } else {
            paired.subject.push(subject());
            paired.baseline.push(baseline());
        }
    }
    paired
}

/// What a recorded run says about where it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// Logical CPUs available to this process.
    pub cpus: usize,
    /// Total memory, from /proc/meminfo.
    pub memory: String,
    /// Kernel release.
    pub kernel: String,
    /// `rustc --version`.
    pub rustc: String,
}

impl Machine {
    /// Reads /proc and asks rustc; missing facts read "unknown".
    pub fn describe() -> Machine {
        let proc_file = |path: &str, key: &str| {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| {
                    text.lines()
                        .find(|line| line.starts_with(key))
                        .and_then(|line| line.split_once(':'))
                        .map(|(_, value)| value.trim().to_owned())
                })
                .unwrap_or_else(|| "unknown".to_owned())
        };
        Machine {
            cpu: proc_file("/proc/cpuinfo", "model name"),
            cpus: std::thread::available_parallelism().map_or(1, |count| count.get()),
            memory: proc_file("/proc/meminfo", "MemTotal"),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|text| text.trim().to_owned())
                .unwrap_or_else(|_| "unknown".to_owned()),
            rustc: command_output("rustc", &["--version"], None)
                .unwrap_or_else(|| "unknown".to_owned()),
        }
    }
}

/// The 1-, 5- and 15-minute load averages (from /proc/loadavg), to judge a run's noise.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// On-CPU time of every thread of this process so far, in seconds (the first field of each
/// /proc/self/task/*/schedstat, in nanoseconds); 0 where /proc is missing.
pub fn process_cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let nanoseconds: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanoseconds as f64 / 1e9
}

/// The commit checked out at `repository`, with `-dirty` when tracked files differ from it.
pub fn git_commit(repository: &Path) -> String {
    let commit = command_output("git", &["rev-parse", "HEAD"], Some(repository))
        .unwrap_or_else(|| "unknown".to_owned());
    let dirty = Command::new("git")
        .args(["diff", "--quiet", "HEAD", "--"])
        .current_dir(repository)
        .status()
        .map(|status| !status.success())
        .unwrap_or(false);
    if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    }
}

/// The trimmed standard output of a command that succeeded.
pub fn command_output(program: &str, args: &[&str], directory: Option<&Path>) -> Option<String> {
    let mut command = Command::new(program);
    command.args(args);
    if let Some(directory) = directory {
        command.current_dir(directory);
    }
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The version of `package` in a Cargo.lock (the first entry, if several).
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"\n");
    let start = lock.find(&needle)? + needle.len();
    let line = lock[start..].lines().next()?;
    line.strip_prefix("version = \"")
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_odd_and_even_counts() {
        let odd = Stats::of(&[3.0, 1.0, 2.0]);
        assert_eq!(
            (odd.median, odd.min, odd.max, odd.count),
            (2.0, 1.0, 3.0, 3)
        );
        assert_eq!(Stats::of(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
        assert_eq!(Stats::of(&[]).count, 0);
    }

    #[test]
    fn locked_versions_are_read() {
        let lock = "[[package]]\nname = \"rayon\"\nversion = \"1.12.0\"\n";
        assert_eq!(locked_version(lock, "rayon").as_deref(), Some("1.12.0"));
        assert_eq!(locked_version(lock, "serde"), None);
    }
}
