//! robots.txt parsing and matching (RFC 9309), for one product token.
//!
//! Pure and synchronous so that it can be fuzzed. Parsing keeps only the groups that apply
//! to our token (or `*` when none names it), so matching cost depends on those rules alone.
//! Every input is bounded: bytes parsed, rules kept, pattern length, sitemaps kept.
//! Matching is linear in path length per rule: a pattern is literal segments between `*`,
//! matched leftmost-first, which is exact for patterns whose only wildcard is `*`.

/// Bytes parsed (RFC 9309 §2.5: at least 500 KiB); the rest is ignored.
pub const MAX_PARSE_BYTES: usize = 500 * 1024;
/// Rules kept from the applicable groups.
const MAX_RULES: usize = 10_000;
/// Longest pattern kept (bytes, after normalisation); longer rules are dropped.
const MAX_PATTERN_BYTES: usize = 4096;
/// Longest path matched (bytes); a longer path is matched on its prefix.
const MAX_PATH_BYTES: usize = 16 * 1024;
/// Sitemap URLs kept.
const MAX_SITEMAPS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

/// The rules of one robots.txt that apply to one product token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RobotsRules {
    rules: Vec<Rule>,
    /// `Crawl-delay` (seconds) of the applicable group, if any (a common extension).
    pub crawl_delay: Option<f64>,
    /// `Sitemap` URLs, as written.
    pub sitemaps: Vec<String>,
}

/// Which line kind a key names (RFC 9309 keys plus common misspellings Google accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    CrawlDelay,
    Sitemap,
}

fn key_of(key: &str) -> Option<Key> {
    let key = key.to_ascii_lowercase();
    Some(match key.as_str() {
        "user-agent" | "useragent" | "user agent" => Key::UserAgent,
        "allow" => Key::Allow,
        "disallow" | "dissallow" | "dissalow" | "disalow" | "diasllow" | "disallaw" => {
            Key::Disallow
        }
        "crawl-delay" | "crawldelay" => Key::CrawlDelay,
        "sitemap" | "site-map" => Key::Sitemap,
        _ => return None,
    })
}

/// The product token a `User-agent` value names: its leading `[A-Za-z_-]` run, or `*`.
fn agent_token(value: &str) -> &str {
    if value.starts_with('*') {
        return "*";
    }
    let end = value
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '-'))
        .unwrap_or(value.len());
    &value[..end]
}

/// Percent-encodes octets that RFC 9309 §2.2.2 wants encoded (non-ASCII, controls,
/// space) and upper-cases existing escapes, so that patterns and paths compare equal.
fn normalise(text: &str, limit: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().min(limit));
    let mut i = 0;
    while i < bytes.len() && out.len() < limit {
        let b = bytes[i];
        if b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push('%');
            out.push(char::from(bytes[i + 1].to_ascii_uppercase()));
            out.push(char::from(bytes[i + 2].to_ascii_uppercase()));
            i += 3;
            continue;
        }
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        i += 1;
    }
    out
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
}

impl RobotsRules {
    /// Rules for `product_token` from the first [`MAX_PARSE_BYTES`] of `body`.
    pub fn parse(body: &[u8], product_token: &str) -> RobotsRules {
        let body = &body[..body.len().min(MAX_PARSE_BYTES)];
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        // True while the current group is still collecting user-agent lines.
        let mut collecting_agents = false;
        let mut num_rules = 0usize;

        for raw_line in body.split(|&b| b == b'\n' || b == b'\r') {
            let line = String::from_utf8_lossy(raw_line);
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let Some(key) = key_of(key.trim()) else {
                continue;
            };
            let value = value.trim();
            match key {
                Key::UserAgent => {
                    if !collecting_agents {
                        groups.push(Group::default());
                        collecting_agents = true;
                    }
                    if let Some(group) = groups.last_mut()
                        && group.agents.len() < 64
                    {
                        group.agents.push(agent_token(value).to_ascii_lowercase());
                    }
                }
                Key::Allow | Key::Disallow => {
                    collecting_agents = false;
                    let Some(group) = groups.last_mut() else {
                        continue;
                    };
                    if value.is_empty() || num_rules >= MAX_RULES {
                        continue;
                    }
                    let mut pattern = normalise(value, MAX_PATTERN_BYTES + 1);
                    if pattern.len() > MAX_PATTERN_BYTES {
                        continue;
                    }
                    if !pattern.starts_with('/') && !pattern.starts_with('*') {
                        pattern.insert(0, '/');
                    }
                    group.rules.push(Rule {
                        allow: key == Key::Allow,
                        pattern,
                    });
                    num_rules += 1;
                }
                Key::CrawlDelay => {
                    collecting_agents = false;
                    let Some(group) = groups.last_mut() else {
                        continue;
                    };
                    if let Ok(seconds) = value.parse::<f64>()
                        && seconds.is_finite()
                        && seconds >= 0.0
                        && group.crawl_delay.is_none()
                    {
                        group.crawl_delay = Some(seconds);
                    }
                }
                Key::Sitemap => {
                    if sitemaps.len() < MAX_SITEMAPS && !value.is_empty() && value.len() <= 2048 {
                        sitemaps.push(value.to_owned());
                    }
                }
            }
        }

        let token = product_token.to_ascii_lowercase();
        let named: Vec<&Group> = groups
            .iter()
            .filter(|g| g.agents.contains(&token))
            .collect();
        let applicable = if named.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            named
        };
        RobotsRules {
            rules: applicable
                .iter()
                .flat_map(|g| g.rules.iter().cloned())
                .collect(),
            crawl_delay: applicable.iter().find_map(|g| g.crawl_delay),
            sitemaps,
        }
    }

    /// Whether `path_and_query` (the URL's path, plus `?query` when present) may be
    /// fetched: the longest matching pattern wins; on a tie, allow wins; no match allows.
    pub fn is_allowed(&self, path_and_query: &str) -> bool {
        let path = normalise(path_and_query, MAX_PATH_BYTES);
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if !pattern_matches(&rule.pattern, &path) {
                continue;
            }
            let length = rule.pattern.len();
            best = match best {
                Some((best_length, best_allow))
                    if best_length > length || (best_length == length && best_allow) =>
                {
                    Some((best_length, best_allow))
                }
                _ => Some((length, rule.allow)),
            };
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// Number of rules that apply to the token.
    pub fn num_rules(&self) -> usize {
        self.rules.len()
    }
}

/// `*` matches any run of octets; a final `$` anchors the end.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (body, anchored) = match pattern.strip_suffix('$') {
        Some(body) => (body, true),
        None => (pattern, false),
    };
    let mut segments = body.split('*');
    let first = segments.next().unwrap_or("");
    if !path.starts_with(first) {
        return false;
    }
    let mut position = first.len();
    let rest: Vec<&str> = segments.collect();
    let Some((last, middle)) = rest.split_last() else {
        return !anchored || path.len() == first.len();
    };
    for segment in middle {
        match path[position..].find(segment) {
            Some(found) => position += found + segment.len(),
            None => return false,
        }
    }
    if anchored {
        path.len() >= position + last.len() && path.ends_with(last)
    } else {
        path[position..].contains(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_matching() {
        for (pattern, path, expected) in [
            ("/", "/anything", true),
            ("/fish", "/fish.html", true),
            ("/fish", "/Fish", false),
            ("/*.php", "/folder/filename.php?parameters", true),
            ("/*.php$", "/filename.php?parameters", false),
            ("/*.php$", "/folder/filename.php", true),
            ("/fish*.php", "/fishheads/catfish.php?parameters", true),
            ("/fish*.php", "/Fish.PHP", false),
            ("/a*b*c$", "/aXbYc", true),
            ("/a*b*c$", "/aXbYcZ", false),
            ("/a*bc$", "/abc", true),
            ("/ab*b$", "/ab", false),
            ("*", "/x", true),
            ("/$", "/", true),
            ("/$", "/x", false),
        ] {
            assert_eq!(
                pattern_matches(pattern, path),
                expected,
                "{pattern} vs {path}"
            );
        }
    }

    #[test]
    fn normalisation_encodes_like_rfc_9309() {
        assert_eq!(normalise("/foo/bar/ツ", 100), "/foo/bar/%E3%83%84");
        assert_eq!(normalise("/foo/bar/%e3%83%84", 100), "/foo/bar/%E3%83%84");
        assert_eq!(normalise("/foo/bar/%62%61%7A", 100), "/foo/bar/%62%61%7A");
        assert_eq!(normalise("/a b", 100), "/a%20b");
        assert_eq!(normalise("/%", 100), "/%");
    }
}
