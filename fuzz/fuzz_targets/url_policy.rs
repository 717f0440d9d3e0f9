//! URL string → normalised URL + block decision (the SSRF guard's first line).
//! Never panics; an allowed URL is https with a non-local DNS name (production policy);
//! the decision is stable under re-normalisation; blocked IPv4 addresses stay blocked in
//! every IPv6 form that embeds them.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use net::policy::{AddressPolicy, blocked_range, evaluate_url, is_local_name};
use url::Host;

fn embeddings(v4: Ipv4Addr) -> [Ipv6Addr; 4] {
    let [a, b, c, d] = v4.octets();
    let high = u16::from_be_bytes([a, b]);
    let low = u16::from_be_bytes([c, d]);
    [
        v4.to_ipv6_mapped(),
        Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, high, low),
        Ipv6Addr::new(0x2002, high, low, 0, 0, 0, 0, 1),
        Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, high, low),
    ]
}

fuzz_target!(|data: &[u8]| {
    if data.len() >= 4 {
        let v4 = Ipv4Addr::new(data[0], data[1], data[2], data[3]);
        if blocked_range(IpAddr::V4(v4)).is_some() {
            for v6 in embeddings(v4) {
                assert!(
                    blocked_range(IpAddr::V6(v6)).is_some(),
                    "{v4} escapes as {v6}"
                );
            }
        }
    }
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let policy = AddressPolicy::production();
    let decision = evaluate_url(input, &policy);
    let Some(url) = &decision.normalised else {
        return;
    };
    let again = evaluate_url(url.as_str(), &policy);
    assert_eq!(
        again.verdict.is_ok(),
        decision.verdict.is_ok(),
        "{input:?} → {url}"
    );
    if decision.verdict.is_ok() {
        assert_eq!(url.scheme(), "https");
        match url.host() {
            Some(Host::Domain(name)) => assert!(!is_local_name(name), "{url}"),
            other => panic!("production allowed host {other:?} in {url}"),
        }
    }
});
