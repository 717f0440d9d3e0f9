//! The ecosystem as a web: host → path → (status, content type, body). Every host has a
//! `robots.txt` that allows everything and names its sitemap, and a `sitemap.xml` (a
//! sitemap index over parts when a host has more than [`SITEMAP_CHUNK`] pages) listing what
//! is published in the chosen [`SiteState`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::types::SiteState;

/// URLs per sitemap file (the protocol allows 50,000).
pub const SITEMAP_CHUNK: usize = 40_000;

/// One answer of the web.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// HTTP status (200, or 410 for what was taken down).
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// Body.
    pub body: Arc<[u8]>,
}

impl Resource {
    pub(crate) fn ok(content_type: &str, body: impl Into<Arc<[u8]>>) -> Resource {
        Resource {
            status: 200,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }

    pub(crate) fn gone() -> Resource {
        Resource {
            status: 410,
            content_type: "text/plain; charset=utf-8".to_owned(),
            body: Arc::from(&b"Gone: withdrawn by its owner (demo).\n"[..]),
        }
    }
}

/// In which states a file is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    Always,
    Only(SiteState),
}

impl Visibility {
    fn includes(self, state: SiteState) -> bool {
        match self {
            Visibility::Always => true,
            Visibility::Only(only) => only == state,
        }
    }
}

/// A file of the ecosystem before it is arranged into a site.
#[derive(Debug, Clone)]
pub(crate) struct File {
    pub(crate) url: String,
    pub(crate) resource: Resource,
    pub(crate) visibility: Visibility,
    /// Listed in its host's sitemap (only 200 answers are).
    pub(crate) listed: bool,
}

/// The web of demo sites in one state.
#[derive(Debug, Clone, Default)]
pub struct Site {
    origins: BTreeMap<String, String>,
    hosts: BTreeMap<String, BTreeMap<String, Resource>>,
}

/// Splits `https://host[:port]/path?query` into (host, origin, path without query).
pub(crate) fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = authority.split(':').next()?;
    let scheme_len = url.len() - rest.len();
    let origin = &url[..scheme_len + authority_end];
    let path_and_query = if authority_end == rest.len() {
        "/"
    } else {
        &rest[authority_end..]
    };
    let path = path_and_query.split(['?', '#']).next().unwrap_or("/");
    Some((host, origin, path))
}

impl Site {
    pub(crate) fn build(files: &[File], state: SiteState) -> Site {
        let mut site = Site::default();
        let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in files.iter().filter(|file| file.visibility.includes(state)) {
            let Some((host, origin, path)) = split_url(&file.url) else {
                continue;
            };
            site.origins
                .entry(host.to_owned())
                .or_insert_with(|| origin.to_owned());
            site.hosts
                .entry(host.to_owned())
                .or_default()
                .insert(path.to_owned(), file.resource.clone());
            if file.listed && file.resource.status == 200 {
                listed
                    .entry(host.to_owned())
                    .or_default()
                    .push(file.url.clone());
            }
        }
        for (host, pages) in site.hosts.iter_mut() {
            let origin = site
                .origins
                .get(host)
                .cloned()
                .unwrap_or_else(|| format!("https://{host}"));
            let mut urls = listed.remove(host).unwrap_or_default();
            urls.sort();
            let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {origin}/sitemap.xml\n");
            pages.insert(
                "/robots.txt".to_owned(),
                Resource::ok("text/plain; charset=utf-8", robots.into_bytes()),
            );
            if urls.len() <= SITEMAP_CHUNK {
                pages.insert(
                    "/sitemap.xml".to_owned(),
                    Resource::ok("application/xml", urlset(&urls).into_bytes()),
                );
            } else {
                let mut parts = Vec::new();
                for (number, chunk) in urls.chunks(SITEMAP_CHUNK).enumerate() {
                    let path = format!("/sitemap-{}.xml", number + 1);
                    parts.push(format!("{origin}{path}"));
                    pages.insert(
                        path,
                        Resource::ok("application/xml", urlset(chunk).into_bytes()),
                    );
                }
                pages.insert(
                    "/sitemap.xml".to_owned(),
                    Resource::ok("application/xml", sitemap_index(&parts).into_bytes()),
                );
            }
        }
        site
    }

    /// The answer for a URL (`https://host[:port]/path`; the query is ignored).
    pub fn get(&self, url: &str) -> Option<&Resource> {
        let (host, _, path) = split_url(url)?;
        self.lookup(host, path)
    }

    /// The answer for a host (without port) and a path.
    pub fn lookup(&self, host: &str, path: &str) -> Option<&Resource> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        self.hosts
            .get(&host.to_ascii_lowercase())?
            .get(if path.is_empty() { "/" } else { path })
    }

    /// Host names, sorted.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.hosts.keys().map(String::as_str)
    }

    /// The origin (`https://host[:port]`) of a host.
    pub fn origin(&self, host: &str) -> Option<&str> {
        self.origins.get(host).map(String::as_str)
    }

    /// Paths and answers of one host, sorted by path.
    pub fn pages(&self, host: &str) -> impl Iterator<Item = (&str, &Resource)> {
        self.hosts.get(host).into_iter().flat_map(|pages| {
            pages
                .iter()
                .map(|(path, resource)| (path.as_str(), resource))
        })
    }

    /// Every (URL, answer), sorted by host then path.
    pub fn iter(&self) -> impl Iterator<Item = (String, &Resource)> {
        self.hosts.iter().flat_map(move |(host, pages)| {
            let origin = self
                .origins
                .get(host)
                .cloned()
                .unwrap_or_else(|| format!("https://{host}"));
            pages
                .iter()
                .map(move |(path, resource)| (format!("{origin}{path}"), resource))
        })
    }

    /// Number of answers.
    pub fn len(&self) -> usize {
        self.hosts.values().map(BTreeMap::len).sum()
    }

    /// True when nothing is served.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn urlset(urls: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        out.push_str("  <url><loc>");
        out.push_str(&escape_html(url));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn sitemap_index(parts: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for part in parts {
        out.push_str("  <sitemap><loc>");
        out.push_str(&escape_html(part));
        out.push_str("</loc></sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// Escapes text for HTML and XML content and attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A small HTML page with the demo banner.
pub(crate) fn page(title: &str, head_extra: &str, body: &str) -> Vec<u8> {
    format!(
        concat!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>{title}</title>\n{head}</head>\n<body>\n",
            "<p class=\"demo-banner\"><strong>Demo site.</strong> Generated by skillproof's synthetic corpus: ",
            "the organisations, people, keys and credentials here are fictional.</p>\n",
            "{body}</body>\n</html>\n"
        ),
        title = escape_html(title),
        head = head_extra,
        body = body
    )
    .into_bytes()
}

/// JSON for an inline `<script type="application/ld+json">` (no `</` inside).
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_origin_and_path() {
        for (url, expected) in [
            (
                "https://a.test/x/y?q=1",
                Some(("a.test", "https://a.test", "/x/y")),
            ),
            (
                "https://a.test:8443/",
                Some(("a.test", "https://a.test:8443", "/")),
            ),
            ("https://a.test", Some(("a.test", "https://a.test", "/"))),
            ("ftp://a.test/", None),
        ] {
            assert_eq!(split_url(url), expected, "{url}");
        }
    }

    #[test]
    fn big_hosts_get_a_sitemap_index_and_every_host_robots() {
        let files: Vec<File> = (0..SITEMAP_CHUNK + 5)
            .map(|i| File {
                url: format!("https://big.test/p/{i}"),
                resource: Resource::ok("text/plain", b"x".to_vec()),
                visibility: Visibility::Always,
                listed: true,
            })
            .chain([File {
                url: "https://big.test/gone".to_owned(),
                resource: Resource::gone(),
                visibility: Visibility::Only(SiteState::Current),
                listed: true,
            }])
            .collect();
        let site = Site::build(&files, SiteState::Current);
        let index = String::from_utf8_lossy(
            &site
                .get("https://big.test/sitemap.xml")
                .expect("index")
                .body,
        )
        .into_owned();
        assert!(
            index.contains("<sitemapindex") && index.contains("https://big.test/sitemap-2.xml")
        );
        assert!(site.get("https://big.test/robots.txt").is_some());
        assert_eq!(
            site.get("https://big.test/gone").map(|r| r.status),
            Some(410)
        );
        let initial = Site::build(&files, SiteState::Initial);
        assert!(initial.get("https://big.test/gone").is_none());
    }
}
