//! robots.txt matching, ported from RFC 9309 (§2.2, §5.1, §5.2) and from Google's robots.txt
//! parser tests (github.com/google/robotstxt, `robots_test.cc`; case names kept), where
//! RFC 9309 and Google agree. Google-only leniencies we do not copy: keys without a colon
//! and the `index.html` directory special case.

use net::robots::RobotsRules;

const RFC_5_1: &str = "User-Agent: *\nDisallow: *.gif$\nDisallow: /example/\nAllow: /publications/\n\n\
User-Agent: foobot\nDisallow:/\nAllow:/example/page.html\nAllow:/example/allowed.gif\n\n\
User-Agent: barbot\nUser-Agent: bazbot\nDisallow: /example/page.html\n\nUser-Agent: quxbot\n";

/// (source, robots.txt, product token, path, allowed)
const CASES: &[(&str, &str, &str, &str, bool)] = &[
    ("rfc 5.1", RFC_5_1, "foobot", "/example/page.html", true),
    ("rfc 5.1", RFC_5_1, "foobot", "/example/allowed.gif", true),
    ("rfc 5.1", RFC_5_1, "foobot", "/other", false),
    ("rfc 5.1", RFC_5_1, "barbot", "/example/page.html", false),
    ("rfc 5.1", RFC_5_1, "bazbot", "/example/page.html", false),
    ("rfc 5.1", RFC_5_1, "barbot", "/example/other.gif", true),
    (
        "rfc 5.1 empty group",
        RFC_5_1,
        "quxbot",
        "/example/page.gif",
        true,
    ),
    (
        "rfc 5.1 star group",
        RFC_5_1,
        "skillproof",
        "/publications/a",
        true,
    ),
    (
        "rfc 5.1 star group",
        RFC_5_1,
        "skillproof",
        "/example/a",
        false,
    ),
    (
        "rfc 5.1 star group",
        RFC_5_1,
        "skillproof",
        "/x/y.gif",
        false,
    ),
    (
        "rfc 5.1 star group",
        RFC_5_1,
        "skillproof",
        "/x/y.gif?z",
        true,
    ),
    (
        "rfc 5.2",
        "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
        "foobot",
        "/example/page/",
        true,
    ),
    (
        "rfc 5.2",
        "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
        "foobot",
        "/example/page/disallowed.gif",
        false,
    ),
    (
        "rfc 2.2.3 robots.txt always allowed",
        "User-agent: *\nDisallow: /\n",
        "skillproof",
        "/robots.txt",
        true,
    ),
    (
        "rfc 2.2.2 encoding",
        "User-agent: *\nDisallow: /\nAllow: /foo/bar/ツ\n",
        "skillproof",
        "/foo/bar/%E3%83%84",
        true,
    ),
    (
        "rfc 2.2.2 encoding",
        "User-agent: *\nDisallow: /\nAllow: /foo/bar/ツ\n",
        "skillproof",
        "/foo/bar/ツ",
        true,
    ),
    (
        "rfc 2.2.2 encoding",
        "User-agent: *\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n",
        "skillproof",
        "/foo/bar/%e3%83%84",
        true,
    ),
    (
        "rfc 2.2.2 no decoding",
        "User-agent: *\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n",
        "skillproof",
        "/foo/bar/baz",
        false,
    ),
    (
        "rfc 2.2.2 no decoding",
        "User-agent: *\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n",
        "skillproof",
        "/foo/bar/%62%61%7A",
        true,
    ),
    (
        "rfc 2.2.3 end anchor",
        "User-agent: *\nDisallow: /this/path/exactly$\n",
        "skillproof",
        "/this/path/exactly",
        false,
    ),
    (
        "rfc 2.2.3 end anchor",
        "User-agent: *\nDisallow: /this/path/exactly$\n",
        "skillproof",
        "/this/path/exactly/not",
        true,
    ),
    (
        "rfc 2.2.3 wildcard",
        "User-agent: *\nDisallow: /this/*/exactly\n",
        "skillproof",
        "/this/any/thing/exactly",
        false,
    ),
    (
        "google ID_LineSyntax_Line",
        "user-agent: FooBot\ndisallow: /\n",
        "foobot",
        "/x/y",
        false,
    ),
    (
        "google ID_LineSyntax_Line",
        "foo: FooBot\nbar: /\n",
        "foobot",
        "/x/y",
        true,
    ),
    (
        "google ID_REPLineNamesCaseInsensitive",
        "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n",
        "foobot",
        "/x/y",
        true,
    ),
    (
        "google ID_REPLineNamesCaseInsensitive",
        "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n",
        "foobot",
        "/a/b",
        false,
    ),
    (
        "google ID_UserAgentValueCaseInsensitive",
        "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n",
        "foo",
        "/x/y",
        true,
    ),
    (
        "google ID_UserAgentValueCaseInsensitive",
        "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n",
        "FOO",
        "/a/b",
        false,
    ),
    (
        "google ID_GlobalGroups_Secondary",
        "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n",
        "foobot",
        "/x/y",
        false,
    ),
    (
        "google ID_GlobalGroups_Secondary",
        "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n",
        "barbot",
        "/x/y",
        true,
    ),
    (
        "google ID_GlobalGroups_Secondary",
        "",
        "foobot",
        "/x/y",
        true,
    ),
    (
        "google ID_AllowDisallow_Value_CaseSensitive",
        "user-agent: FooBot\ndisallow: /x/\n",
        "foobot",
        "/x/y",
        false,
    ),
    (
        "google ID_AllowDisallow_Value_CaseSensitive",
        "user-agent: FooBot\ndisallow: /X/\n",
        "foobot",
        "/x/y",
        true,
    ),
    (
        "google ID_LongestMatch tie",
        "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n",
        "foobot",
        "/x/page.html",
        true,
    ),
    (
        "google ID_LongestMatch",
        "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
        "foobot",
        "/page.html",
        false,
    ),
    (
        "google ID_LongestMatch",
        "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
        "foobot",
        "/page",
        true,
    ),
    (
        "google ID_LongestMatch",
        "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
        "foobot",
        "/x/page.html",
        true,
    ),
    (
        "google ID_LongestMatch",
        "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
        "foobot",
        "/x/y.html",
        false,
    ),
    (
        "google ID_LongestMatch",
        "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n",
        "foobot",
        "/x/page",
        true,
    ),
    (
        "google ID_LongestMatch",
        "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n",
        "foobot",
        "/y/page",
        false,
    ),
    (
        "google ID_LongestMatch empty",
        "user-agent: FooBot\nallow: \ndisallow: \n",
        "foobot",
        "/x/y",
        true,
    ),
    (
        "google ID_LongestMatch anchor",
        "user-agent: FooBot\ndisallow: /\nallow: /$\n",
        "foobot",
        "/",
        true,
    ),
    (
        "google ID_LongestMatch anchor",
        "user-agent: FooBot\ndisallow: /\nallow: /$\n",
        "foobot",
        "/page.html",
        false,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n",
        "foobot",
        "/foo/bar/quz",
        false,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n",
        "foobot",
        "/foo/bar/qux",
        true,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n",
        "foobot",
        "/foo/bar",
        false,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n",
        "foobot",
        "/foo/bar/baz",
        true,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n",
        "foobot",
        "/foo/bar",
        true,
    ),
    (
        "google ID_SpecialCharacters",
        "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n",
        "foobot",
        "/foo/quz",
        false,
    ),
    (
        "google ID_Documentation_CheckURL",
        "user-agent: FooBot\ndisallow: /fish\n",
        "foobot",
        "/fish.html",
        false,
    ),
    (
        "google ID_Documentation_CheckURL",
        "user-agent: FooBot\ndisallow: /fish\n",
        "foobot",
        "/Fish.asp",
        true,
    ),
    (
        "google ID_Documentation_CheckURL",
        "user-agent: FooBot\ndisallow: /fish/\n",
        "foobot",
        "/fish",
        true,
    ),
    (
        "google ID_Documentation_CheckURL",
        "user-agent: FooBot\ndisallow: /*.php$\n",
        "foobot",
        "/filename.php?parameters",
        true,
    ),
    (
        "google ID_Documentation_CheckURL",
        "user-agent: FooBot\ndisallow: /*.php$\n",
        "foobot",
        "/folder/filename.php",
        false,
    ),
    (
        "groups merge",
        "User-agent: skillproof\nDisallow: /a\n\nUser-agent: skillproof\nDisallow: /b\n",
        "skillproof",
        "/b/c",
        false,
    ),
    (
        "rules before any user-agent are ignored",
        "Disallow: /\nUser-agent: *\nAllow: /x\n",
        "skillproof",
        "/y",
        true,
    ),
    (
        "byte order mark",
        "\u{feff}User-agent: *\nDisallow: /x\n",
        "skillproof",
        "/x",
        false,
    ),
    (
        "carriage returns end lines",
        "User-agent: *\rDisallow: /x\r",
        "skillproof",
        "/x",
        false,
    ),
    (
        "sitemap does not end a group",
        "User-agent: *\nSitemap: https://a.test/s.xml\nDisallow: /a\n",
        "skillproof",
        "/a",
        false,
    ),
    (
        "product version is ignored",
        "User-agent: skillproof/0.1\nDisallow: /a\n",
        "skillproof",
        "/a",
        false,
    ),
    (
        "misspelt disallow",
        "User-agent: *\nDissallow: /a\n",
        "skillproof",
        "/a",
        false,
    ),
    (
        "pattern without slash",
        "User-agent: *\nDisallow: private\n",
        "skillproof",
        "/private",
        false,
    ),
];

#[test]
fn robots_matching_cases() {
    for (source, robots, token, path, allowed) in CASES {
        let rules = RobotsRules::parse(robots.as_bytes(), token);
        assert_eq!(
            rules.is_allowed(path),
            *allowed,
            "{source}: {token} {path}\n{robots}"
        );
    }
}

#[test]
fn robots_extensions_and_limits() {
    let rules = RobotsRules::parse(
        b"User-agent: *\nCrawl-delay: 2.5\nSitemap: https://a.test/s.xml\n",
        "skillproof",
    );
    assert_eq!(rules.crawl_delay, Some(2.5));
    assert_eq!(rules.sitemaps, ["https://a.test/s.xml"]);
    for junk in [
        "Crawl-delay: -1",
        "Crawl-delay: NaN",
        "Crawl-delay: inf",
        "Crawl-delay: soon",
    ] {
        let rules = RobotsRules::parse(format!("User-agent: *\n{junk}\n").as_bytes(), "skillproof");
        assert_eq!(rules.crawl_delay, None, "{junk}");
    }
    // Only the first 500 KiB count (RFC 9309 §2.5): a rule past it is ignored.
    let mut big = b"User-agent: *\nDisallow: /a\n".to_vec();
    big.resize(600 * 1024, b'#');
    big.extend_from_slice(b"\nDisallow: /\n");
    let rules = RobotsRules::parse(&big, "skillproof");
    assert!(!rules.is_allowed("/a") && rules.is_allowed("/b"));
    // Rules are capped: a million of them keep parsing bounded.
    let many: String = (0..200_000).map(|i| format!("Disallow: /p{i}\n")).collect();
    let rules = RobotsRules::parse(format!("User-agent: *\n{many}").as_bytes(), "skillproof");
    assert!(rules.num_rules() <= 10_000);
    // Pathological wildcards stay linear.
    let stars = format!("User-agent: *\nDisallow: /{}b$\n", "a*".repeat(1000));
    let rules = RobotsRules::parse(stars.as_bytes(), "skillproof");
    assert!(rules.is_allowed(&format!("/{}", "a".repeat(16_000))));
}
