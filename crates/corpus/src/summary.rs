//! The make-up of an ecosystem, for reports and the demo's final table.

use std::collections::BTreeMap;
use std::fmt;

use crate::Ecosystem;
use crate::types::SiteState;

/// Counts of an ecosystem (current state).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Issuers.
    pub issuers: usize,
    /// Earners.
    pub earners: usize,
    /// Earners identified by a DID.
    pub did_earners: usize,
    /// Published credentials (a CLR counts once).
    pub credentials: usize,
    /// Credentials by format code.
    pub by_format: BTreeMap<&'static str, usize>,
    /// Credentials by issuer slug.
    pub by_issuer: BTreeMap<String, usize>,
    /// Expected outcomes (current state) by code.
    pub by_outcome: BTreeMap<&'static str, usize>,
    /// Defects by code.
    pub by_defect: BTreeMap<&'static str, usize>,
    /// Presentations published (including later withdrawn ones).
    pub presentations: usize,
    /// Presentations withdrawn.
    pub withdrawn: usize,
    /// Earners findable in the current state.
    pub findable: usize,
    /// Job postings.
    pub postings: usize,
    /// Demo employers.
    pub employers: usize,
    /// Job requirements.
    pub requirements: usize,
    /// Hosts served.
    pub hosts: usize,
    /// Answers served (pages, documents, robots, sitemaps).
    pub resources: usize,
    /// Bytes of credentials and presentations.
    pub credential_bytes: usize,
}

impl Summary {
    pub(crate) fn of(ecosystem: &Ecosystem) -> Summary {
        let plan = &ecosystem.plan;
        let mut by_format = BTreeMap::new();
        let mut by_issuer = BTreeMap::new();
        let mut by_outcome = BTreeMap::new();
        let mut by_defect = BTreeMap::new();
        for credential in &plan.credentials {
            *by_format.entry(credential.format.code()).or_insert(0) += 1;
            *by_issuer
                .entry(plan.issuers[credential.issuer].slug.clone())
                .or_insert(0) += 1;
            *by_outcome.entry(credential.outcome.code()).or_insert(0) += 1;
            if let Some(defect) = credential.defect {
                *by_defect.entry(defect.code()).or_insert(0) += 1;
            }
        }
        let site = ecosystem.site();
        Summary {
            issuers: plan.issuers.len(),
            earners: plan.earners.len(),
            did_earners: plan
                .earners
                .iter()
                .filter(|earner| matches!(earner.identity, crate::EarnerIdentity::Did(_)))
                .count(),
            credentials: plan.credentials.len(),
            by_format,
            by_issuer,
            by_outcome,
            by_defect,
            presentations: plan.presentations.len(),
            withdrawn: plan.presentations.iter().filter(|p| p.withdrawn).count(),
            findable: plan
                .earners
                .iter()
                .filter(|earner| earner.findable(SiteState::Current))
                .count(),
            postings: plan.postings.len(),
            employers: plan.employers.len(),
            requirements: plan.requirements.len(),
            hosts: site.hosts().count(),
            resources: site.len(),
            credential_bytes: ecosystem
                .credential_bytes
                .iter()
                .map(|b| b.len())
                .sum::<usize>()
                + ecosystem
                    .presentation_bytes
                    .iter()
                    .map(|b| b.len())
                    .sum::<usize>(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = |part: usize, whole: usize| {
            if whole == 0 {
                0.0
            } else {
                100.0 * part as f64 / whole as f64
            }
        };
        writeln!(
            f,
            "{} issuers, {} earners ({} with a DID), {} credentials, {} presentations ({} withdrawn), {} findable earners ({:.1}%)",
            self.issuers,
            self.earners,
            self.did_earners,
            self.credentials,
            self.presentations,
            self.withdrawn,
            self.findable,
            share(self.findable, self.earners)
        )?;
        writeln!(
            f,
            "{} postings from {} employers, {} requirements; {} hosts, {} resources, {:.1} MB of credentials",
            self.postings,
            self.employers,
            self.requirements,
            self.hosts,
            self.resources,
            self.credential_bytes as f64 / 1e6
        )?;
        for (title, counts) in [
            ("format", &self.by_format),
            ("outcome", &self.by_outcome),
            ("defect", &self.by_defect),
        ] {
            writeln!(f, "by {title}:")?;
            for (key, count) in counts {
                writeln!(
                    f,
                    "  {key:<28} {count:>7}  {:>5.1}%",
                    share(*count, self.credentials)
                )?;
            }
        }
        writeln!(f, "by issuer:")?;
        for (key, count) in &self.by_issuer {
            writeln!(
                f,
                "  {key:<28} {count:>7}  {:>5.1}%",
                share(*count, self.credentials)
            )?;
        }
        Ok(())
    }
}
