//! The run's figures, printed as a Markdown summary and, with `SKILLPROOF_BENCH_RECORD=1`,
//! written to `benches/runs/<date>-verify/` (`summary.md` and `results.json`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use skillproof_benches::{Paired, Stats};

/// A bar a figure is held to: `ratio ≥ minimum`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) minimum: f64,
}

/// One measured figure: a subject against its same-run baseline.
pub(crate) struct Figure {
    pub(crate) key: &'static str,
    pub(crate) title: String,
    pub(crate) baseline_title: String,
    pub(crate) unit: &'static str,
    pub(crate) paired: Paired,
    pub(crate) target: Option<Target>,
}

impl Figure {
    pub(crate) fn met(&self) -> Option<bool> {
        self.target
            .map(|target| self.paired.ratio_stats().median >= target.minimum)
    }

    fn json(&self) -> Value {
        let stats = |stats: Stats| json!({"median": stats.median, "min": stats.min, "max": stats.max, "count": stats.count});
        json!({
            "title": self.title,
            "baseline": self.baseline_title,
            "unit": self.unit,
            "subject_rates": self.paired.subject,
            "baseline_rates": self.paired.baseline,
            "ratios": self.paired.ratios(),
            "subject": stats(self.paired.subject_stats()),
            "baseline_stats": stats(self.paired.baseline_stats()),
            "ratio": stats(self.paired.ratio_stats()),
            "target_ratio": self.target.map(|target| target.minimum),
            "met": self.met(),
        })
    }
}

/// Everything a run reports.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) header: Vec<(String, String)>,
    pub(crate) figures: Vec<Figure>,
    pub(crate) sections: Vec<(String, String)>,
    pub(crate) raw: serde_json::Map<String, Value>,
}

pub(crate) fn rate(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.1} k", value / 1000.0)
    } else if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

pub(crate) fn ratio(value: f64) -> String {
    if value < 1.0 {
        format!("{:.0}%", value * 100.0)
    } else {
        format!("{value:.2}×")
    }
}

fn target_text(target: Target) -> String {
    format!("≥ {}", ratio(target.minimum))
}

impl Report {
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::from(
            "# Verifier benchmarks (`cargo bench -p skillproof-benches --bench verify`)\n\n",
        );
        for (key, value) in &self.header {
            out.push_str(&format!("- **{key}**: {value}\n"));
        }
        out.push_str(
            "\nEvery figure is the median over interleaved rounds (subject and baseline alternate, \
             so both see the same disturbances) with [min–max] across rounds; the ratio is \
             computed per round, then summarized.\n\n",
        );
        out.push_str("| # | figure | value /s | baseline | baseline /s | ratio | target | met |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for figure in &self.figures {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                figure.key,
                figure.title,
                figure.paired.subject_stats().describe(rate),
                figure.baseline_title,
                figure.paired.baseline_stats().describe(rate),
                figure.paired.ratio_stats().describe(ratio),
                figure
                    .target
                    .map(target_text)
                    .unwrap_or_else(|| "—".to_owned()),
                match figure.met() {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "—",
                },
            ));
        }
        for (title, body) in &self.sections {
            out.push_str(&format!("\n## {title}\n\n{body}\n"));
        }
        out
    }

    pub(crate) fn json(&self) -> Value {
        let mut figures = serde_json::Map::new();
        for figure in &self.figures {
            figures.insert(figure.key.to_owned(), figure.json());
        }
        let header: serde_json::Map<String, Value> = self
            .header
            .iter()
            .map(|(key, value)| (key.clone(), Value::String(value.clone())))
            .collect();
        json!({
            "header": header,
            "figures": figures,
            "raw": self.raw,
        })
    }

    /// Writes `summary.md` and `results.json` into `runs/<date>-verify/`.
    pub(crate) fn write(&self, runs: &Path, date: &str) -> std::io::Result<PathBuf> {
        let directory = runs.join(format!("{date}-verify"));
        std::fs::create_dir_all(&directory)?;
        let json = serde_json::to_string_pretty(&self.json()).map_err(std::io::Error::other)?;
        let mut summary = self.markdown();
        summary.push_str(&format!(
            "\n## Raw numbers\n\nEvery round of every figure (also in `results.json` beside this file):\n\n```json\n{json}\n```\n"
        ));
        std::fs::write(directory.join("summary.md"), summary)?;
        std::fs::write(directory.join("results.json"), json + "\n")?;
        Ok(directory)
    }
}
