//! The SSRF guard's rules: which schemes, host names and addresses may be reached.
//!
//! Two places apply them. [`AddressPolicy::check_url`] runs on the URL first requested and
//! on every redirect target, because IP-literal hosts never reach a DNS resolver.
//! [`crate::resolve::GuardedResolver`] runs [`blocked_range`] on every DNS answer, because a
//! public-looking name may resolve to an internal address. A host pinned by configuration
//! (`--resolve HOST:PORT:ADDR`) skips DNS and is the only way to reach loopback.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::{NetError, bounded};

/// Longest URL accepted (bytes). Longer URLs are crawler traps or attacks.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Most pins a configuration may carry.
pub(crate) const MAX_PINS: usize = 1024;

/// Most addresses one pin may list.
const MAX_ADDRS_PER_PIN: usize = 16;

/// A named block of addresses the guard refuses, and how the address carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockedRange {
    /// The range's name and prefix, e.g. `loopback 127.0.0.0/8`.
    pub range: &'static str,
    /// The IPv6 form that embedded an IPv4 address, if any (e.g. `ipv4-mapped`).
    pub embedded_in: Option<&'static str>,
}

impl fmt::Display for BlockedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.embedded_in {
            Some(form) => write!(f, "{} (as {form} ipv6)", self.range),
            None => f.write_str(self.range),
        }
    }
}

const V4_BLOCKED: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8, "this network 0.0.0.0/8"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private 10.0.0.0/8"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "shared address space (cgnat) 100.64.0.0/10",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback 127.0.0.0/8"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local 169.254.0.0/16",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private 172.16.0.0/12"),
    (
        Ipv4Addr::new(192, 0, 0, 0),
        24,
        "ietf protocol assignments 192.0.0.0/24",
    ),
    (
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        "documentation 192.0.2.0/24",
    ),
    (
        Ipv4Addr::new(192, 88, 99, 0),
        24,
        "6to4 relay anycast 192.88.99.0/24",
    ),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private 192.168.0.0/16"),
    (
        Ipv4Addr::new(198, 18, 0, 0),
        15,
        "benchmarking 198.18.0.0/15",
    ),
    (
        Ipv4Addr::new(198, 51, 100, 0),
        24,
        "documentation 198.51.100.0/24",
    ),
    (
        Ipv4Addr::new(203, 0, 113, 0),
        24,
        "documentation 203.0.113.0/24",
    ),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast 224.0.0.0/4"),
    (
        Ipv4Addr::new(255, 255, 255, 255),
        32,
        "broadcast 255.255.255.255/32",
    ),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved 240.0.0.0/4"),
];

/// IPv6 ranges refused outright (embedded-IPv4 forms are handled before this table).
const V6_BLOCKED: &[(Ipv6Addr, u8, &str)] = &[
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        "local-use nat64 64:ff9b:1::/48",
    ),
    (
        Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0),
        64,
        "discard-only 100::/64",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation 2001:db8::/32",
    ),
    // Teredo (2001::/32) embeds an obfuscated IPv4 client address; benchmarking, ORCHID and
    // the other IETF assignments sit in the same /23. No credential issuer lives there.
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "ietf protocol assignments 2001::/23",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation 3fff::/20",
    ),
    (
        Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0),
        16,
        "segment routing 5f00::/16",
    ),
    (
        Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
        7,
        "unique local fc00::/7",
    ),
    (
        Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0),
        10,
        "link-local fe80::/10",
    ),
    (
        Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
        10,
        "site-local fec0::/10",
    ),
    (
        Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
        8,
        "multicast ff00::/8",
    ),
];

fn v4_in(ip: Ipv4Addr, net: Ipv4Addr, prefix: u8) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    };
    u32::from(ip) & mask == u32::from(net) & mask
}

fn v6_in(ip: Ipv6Addr, net: Ipv6Addr, prefix: u8) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix))
    };
    u128::from(ip) & mask == u128::from(net) & mask
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    V4_BLOCKED
        .iter()
        .find(|(net, prefix, _)| v4_in(ip, *net, *prefix))
        .map(|(_, _, name)| *name)
}

/// The IPv4 address an IPv6 address carries, and the form that carries it.
fn embedded_v4(ip: Ipv6Addr) -> Option<(Ipv4Addr, &'static str)> {
    let bits = u128::from(ip);
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if bits >> 32 == 0xffff {
        return Some((low32, "ipv4-mapped"));
    }
    if bits >> 32 == 0xffff_0000 {
        return Some((low32, "ipv4-translated"));
    }
    if bits >> 96 == 0 {
        return Some((low32, "ipv4-compatible"));
    }
    if v6_in(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return Some((low32, "nat64"));
    }
    if bits >> 112 == 0x2002 {
        let v4 = ((bits >> 80) & 0xffff_ffff) as u32;
        return Some((Ipv4Addr::from(v4), "6to4"));
    }
    None
}

/// The blocked range `ip` falls in, or `None` if the address is public.
pub fn blocked_range(ip: IpAddr) -> Option<BlockedRange> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4).map(|range| BlockedRange {
            range,
            embedded_in: None,
        }),
        IpAddr::V6(v6) => {
            if v6.is_unspecified() {
                return Some(BlockedRange {
                    range: "unspecified ::/128",
                    embedded_in: None,
                });
            }
            if v6.is_loopback() {
                return Some(BlockedRange {
                    range: "loopback ::1/128",
                    embedded_in: None,
                });
            }
            if let Some((v4, form)) = embedded_v4(v6) {
                if let Some(range) = blocked_v4(v4) {
                    return Some(BlockedRange {
                        range,
                        embedded_in: Some(form),
                    });
                }
                // Deprecated and never routed: nothing legitimate answers there.
                if form == "ipv4-compatible" {
                    return Some(BlockedRange {
                        range: "deprecated ipv4-compatible ::/96",
                        embedded_in: None,
                    });
                }
                return None;
            }
            V6_BLOCKED
                .iter()
                .find(|(net, prefix, _)| v6_in(v6, *net, *prefix))
                .map(|(_, _, range)| BlockedRange {
                    range,
                    embedded_in: None,
                })
        }
    }
}

/// Host names that name this machine or the local network, whatever DNS says.
pub fn is_local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
    ];
    const SUFFIXES: &[&str] = &[
        ".localhost",
        ".local",
        ".localdomain",
        ".internal",
        ".home.arpa",
    ];
    EXACT.contains(&host.as_str()) || SUFFIXES.iter().any(|suffix| host.ends_with(suffix))
}

/// `--resolve HOST:PORT:ADDR[,ADDR…]`: the host name (at that port) is served by these
/// addresses, without DNS. The only way to reach a loopback address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvePin {
    /// Normalised host name (lowercase, IDNA, no trailing dot).
    pub host: String,
    /// The port the pin applies to.
    pub port: u16,
    /// The addresses to connect to.
    pub addrs: Vec<IpAddr>,
}

impl ResolvePin {
    /// Parses curl's `HOST:PORT:ADDR[,ADDR…]`; IPv6 addresses may be bracketed.
    pub fn parse(text: &str) -> Result<ResolvePin, NetError> {
        let invalid =
            |why: &str| NetError::InvalidConfig(format!("--resolve {}: {why}", bounded(text)));
        let mut parts = text.splitn(3, ':');
        let (Some(host), Some(port), Some(addrs)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("expected HOST:PORT:ADDR"));
        };
        let port: u16 = port
            .parse()
            .map_err(|_| invalid("port is not a number 1-65535"))?;
        if port == 0 {
            return Err(invalid("port 0"));
        }
        let host = normalise_pin_host(host).ok_or_else(|| invalid("host is not a DNS name"))?;
        let mut parsed = Vec::new();
        for addr in addrs.split(',') {
            let addr = addr.trim().trim_start_matches('[').trim_end_matches(']');
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| invalid("address is not an IP address"))?;
            parsed.push(ip);
        }
        if parsed.len() > MAX_ADDRS_PER_PIN {
            return Err(invalid("too many addresses"));
        }
        let pin = ResolvePin {
            host,
            port,
            addrs: parsed,
        };
        pin.validate()?;
        Ok(pin)
    }

    /// A pin may point at loopback or at a public address, nothing else: pinning exists to
    /// run a web of named hosts on loopback, not to open the guard to the local network.
    pub(crate) fn validate(&self) -> Result<(), NetError> {
        if self.addrs.is_empty() {
            return Err(NetError::InvalidConfig(format!(
                "pin for {} has no address",
                self.host
            )));
        }
        if normalise_pin_host(&self.host).as_deref() != Some(self.host.as_str()) || self.port == 0 {
            return Err(NetError::InvalidConfig(format!(
                "pin host {} is not a normalised DNS name with a port",
                bounded(&self.host)
            )));
        }
        for ip in &self.addrs {
            if ip.is_loopback() {
                continue;
            }
            if let Some(range) = blocked_range(*ip) {
                return Err(NetError::InvalidConfig(format!(
                    "pin {}:{} -> {ip}: only loopback or public addresses may be pinned ({range})",
                    self.host, self.port
                )));
            }
        }
        Ok(())
    }
}

/// The URL crate's normal form of a host name, or `None` for IP literals and junk.
fn normalise_pin_host(host: &str) -> Option<String> {
    match Host::parse(host).ok()? {
        Host::Domain(name) => Some(name.trim_end_matches('.').to_owned()).filter(|n| !n.is_empty()),
        Host::Ipv4(_) | Host::Ipv6(_) => None,
    }
}

/// What [`AddressPolicy`] was built from (the address-related part of `NetConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressPolicyConfig {
    /// Host pins (`--resolve`).
    pub pins: Vec<ResolvePin>,
    /// Allow `http:` URLs (tests, Open Badges 2.0 hosted assertions). Never downgrades.
    pub allow_http: bool,
    /// Allow public IP-literal hosts (`https://203.0.114.7/`). Blocked ranges stay blocked.
    pub allow_ip_literals: bool,
}

/// Schemes, host names and addresses that may be fetched.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// host → (port → addresses).
    pins: HashMap<String, Vec<(u16, Vec<IpAddr>)>>,
    allow_http: bool,
    allow_ip_literals: bool,
}

impl AddressPolicy {
    /// Builds the policy; refuses invalid pins.
    pub fn new(config: &AddressPolicyConfig) -> Result<AddressPolicy, NetError> {
        if config.pins.len() > MAX_PINS {
            return Err(NetError::InvalidConfig(format!(
                "more than {MAX_PINS} pins"
            )));
        }
        let mut pins: HashMap<String, Vec<(u16, Vec<IpAddr>)>> = HashMap::new();
        for pin in &config.pins {
            pin.validate()?;
            let ports = pins.entry(pin.host.clone()).or_default();
            match ports.iter_mut().find(|(port, _)| *port == pin.port) {
                Some((_, addrs)) => addrs.extend(pin.addrs.iter().copied()),
                None => ports.push((pin.port, pin.addrs.clone())),
            }
        }
        Ok(AddressPolicy {
            pins,
            allow_http: config.allow_http,
            allow_ip_literals: config.allow_ip_literals,
        })
    }

    /// The production default: https only, no pins, no IP literals.
    pub fn production() -> AddressPolicy {
        AddressPolicy::default()
    }

    /// The pinned addresses for `host`, whatever the port (the resolver sees no port; the
    /// port is enforced by [`AddressPolicy::check_url`]).
    pub(crate) fn pinned_addrs(&self, host: &str) -> Option<Vec<IpAddr>> {
        let ports = self.pins.get(host.trim_end_matches('.'))?;
        let mut addrs: Vec<IpAddr> = ports
            .iter()
            .flat_map(|(_, addrs)| addrs.iter().copied())
            .collect();
        addrs.dedup();
        Some(addrs)
    }

    /// Whether a connection for `host` may be to `ip`: public addresses always, blocked
    /// ones only when `host` is pinned to exactly that address.
    pub(crate) fn connection_allowed(&self, host: &str, ip: IpAddr) -> bool {
        if blocked_range(ip).is_none() {
            return true;
        }
        let host = host.trim_end_matches('.');
        self.pinned_addrs(host)
            .is_some_and(|addrs| addrs.contains(&ip))
    }

    /// Checks a URL before it is requested, first or as a redirect target.
    pub fn check_url(&self, url: &Url) -> Result<(), NetError> {
        let text = || bounded(url.as_str());
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(NetError::BlockedScheme {
                    url: text(),
                    reason: "plain http is not allowed".into(),
                });
            }
            other => {
                return Err(NetError::BlockedScheme {
                    url: text(),
                    reason: format!("scheme {} is not fetched", bounded(other)),
                });
            }
        }
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(NetError::InvalidUrl {
                url: text(),
                reason: format!("longer than {MAX_URL_BYTES} bytes"),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(NetError::InvalidUrl {
                url: text(),
                reason: "credentials in url".into(),
            });
        }
        let port = url.port_or_known_default().unwrap_or(0);
        let blocked = |reason: String| NetError::BlockedAddress {
            url: text(),
            reason,
        };
        match url.host() {
            None => Err(NetError::InvalidUrl {
                url: text(),
                reason: "no host".into(),
            }),
            Some(Host::Ipv4(ip)) => self.check_literal(IpAddr::V4(ip)).map_err(blocked),
            Some(Host::Ipv6(ip)) => self.check_literal(IpAddr::V6(ip)).map_err(blocked),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.');
                if let Some(ports) = self.pins.get(name) {
                    return if ports.iter().any(|(pinned, _)| *pinned == port) {
                        Ok(())
                    } else {
                        Err(blocked(format!(
                            "host {name} is pinned, but not at port {port}"
                        )))
                    };
                }
                if is_local_name(name) {
                    return Err(blocked(format!("local host name {}", bounded(name))));
                }
                Ok(())
            }
        }
    }

    fn check_literal(&self, ip: IpAddr) -> Result<(), String> {
        if let Some(range) = blocked_range(ip) {
            return Err(format!("ip literal in {range}"));
        }
        if !self.allow_ip_literals {
            return Err("ip-literal hosts are not allowed".to_owned());
        }
        Ok(())
    }

    /// Checks one redirect hop: the target as a URL, and no https → http downgrade.
    pub fn check_redirect(&self, from: &Url, to: &Url) -> Result<(), NetError> {
        if from.scheme() == "https" && to.scheme() == "http" {
            return Err(NetError::BlockedScheme {
                url: bounded(to.as_str()),
                reason: format!(
                    "redirect from https ({}) downgrades to http",
                    bounded(from.as_str())
                ),
            });
        }
        self.check_url(to)
    }
}

/// Parses `input` as an absolute URL and strips its fragment (never sent).
pub fn parse_url(input: &str) -> Result<Url, NetError> {
    if input.len() > MAX_URL_BYTES {
        return Err(NetError::InvalidUrl {
            url: bounded(input),
            reason: format!("longer than {MAX_URL_BYTES} bytes"),
        });
    }
    let mut url = Url::parse(input).map_err(|error| NetError::InvalidUrl {
        url: bounded(input),
        reason: error.to_string(),
    })?;
    url.set_fragment(None);
    Ok(url)
}

/// The guard's decision on a URL string: its normal form (when it parses) and whether it
/// may be requested. Used by the `url_policy` fuzz target and by callers that vet URLs
/// before queueing them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlDecision {
    /// The normalised URL, if the input parsed.
    pub normalised: Option<Url>,
    /// `Ok` when the URL may be requested (its DNS answers are checked later, at connect).
    pub verdict: Result<(), NetError>,
}

/// Parses and checks a URL string against `policy`.
pub fn evaluate_url(input: &str, policy: &AddressPolicy) -> UrlDecision {
    match parse_url(input) {
        Ok(url) => {
            let verdict = policy.check_url(&url);
            UrlDecision {
                normalised: Some(url),
                verdict,
            }
        }
        Err(error) => UrlDecision {
            normalised: None,
            verdict: Err(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_ip(text: &str, blocked: bool) {
        let ip: IpAddr = text.parse().expect("test address parses");
        assert_eq!(
            blocked_range(ip).is_some(),
            blocked,
            "{text}: {:?}",
            blocked_range(ip)
        );
    }

    #[test]
    fn address_ranges() {
        for blocked in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::8.8.8.8",
            "::ffff:0:127.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "100::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
        ] {
            check_ip(blocked, true);
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2606:4700::1111",
            "2a00:1450::1",
        ] {
            check_ip(public, false);
        }
    }

    /// The production default must never carry a test-mode hole (reliability §6).
    #[test]
    fn production_default_blocks_loopback_private_literals_local_names_and_http() {
        let policy = AddressPolicy::new(&crate::NetConfig::default().address_policy_config())
            .expect("default policy");
        for (url, code) in [
            ("https://127.0.0.1/", "blocked_address"),
            ("https://127.255.255.254:8443/", "blocked_address"),
            ("https://[::1]/", "blocked_address"),
            ("https://[::ffff:127.0.0.1]/", "blocked_address"),
            ("https://localhost/", "blocked_address"),
            ("https://localhost./", "blocked_address"),
            ("https://x.localhost/", "blocked_address"),
            ("https://10.0.0.1/", "blocked_address"),
            ("https://172.16.5.4/", "blocked_address"),
            ("https://192.168.1.1/", "blocked_address"),
            ("https://169.254.169.254/", "blocked_address"),
            ("https://[fe80::1]/", "blocked_address"),
            ("https://93.184.215.14/", "blocked_address"),
            ("https://[2606:4700::1111]/", "blocked_address"),
            ("http://example.com/", "blocked_scheme"),
            ("ws://example.com/", "blocked_scheme"),
        ] {
            let decision = evaluate_url(url, &policy);
            assert_eq!(decision.verdict.map_err(|e| e.code()), Err(code), "{url}");
        }
        assert_eq!(
            evaluate_url("https://issuer.example/", &policy).verdict,
            Ok(())
        );
    }

    #[test]
    fn pins_parse_and_refuse_private_targets() {
        let pin = ResolvePin::parse("Issuer.Example.TEST:8443:127.0.0.1").expect("valid pin");
        assert_eq!((pin.host.as_str(), pin.port), ("issuer.example.test", 8443));
        let v6 = ResolvePin::parse("a.test:443:[::1],127.0.0.2").expect("valid pin");
        assert_eq!(v6.addrs.len(), 2);
        for bad in [
            "a.test:443",
            "a.test:x:127.0.0.1",
            "a.test:0:127.0.0.1",
            "127.0.0.1:443:127.0.0.1",
            "a.test:443:10.0.0.1",
            "a.test:443:169.254.169.254",
            "a.test:443:nope",
            ":443:127.0.0.1",
        ] {
            assert!(ResolvePin::parse(bad).is_err(), "{bad} must be refused");
        }
    }
}
