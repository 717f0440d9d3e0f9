//! robots.txt bytes + a path → allow/deny. Input: the first line is the path, the rest
//! is the file. Never panics; `/robots.txt` itself is always allowed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use net::robots::RobotsRules;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let path = String::from_utf8_lossy(&data[..split]);
    let rules = RobotsRules::parse(&data[split..], "skillproof");
    let _ = rules.is_allowed(&path);
    assert!(rules.is_allowed("/robots.txt"));
});
