//! SVG/XML → the first `<openbadges:credential>`. Raw inputs exercise the XML reader (DTDs,
//! entities, nesting, namespaces); wrapped inputs put the fuzz bytes in the credential body
//! or `verify` attribute of a well-formed badge so the payload path is reached too.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;
use verify::{OfflineResolver, Verifier, VerifyOptions};

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(Arc::new(OfflineResolver)))
}

const OPEN: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let svg = match mode % 4 {
        0 => format!("<{text}"),
        1 => format!("{OPEN}{text}</svg>"),
        2 => {
            format!("{OPEN}<openbadges:credential><![CDATA[{text}]]></openbadges:credential></svg>")
        }
        _ => format!(
            "{OPEN}<openbadges:credential verify=\"{}\"/></svg>",
            text.replace('"', "&quot;")
        ),
    };
    let now =
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let report = verifier().verify(svg.as_bytes(), &VerifyOptions::at(now));
    assert_eq!(
        report.container,
        model::Container::Svg,
        "an SVG stays an SVG"
    );
});
