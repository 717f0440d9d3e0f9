//! Job requirement bytes (JSON or job-ad text) -> `JobRequest`. Never panics; a location is
//! never kept finer than an FSA; every error names a field or the JSON position.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match jobspec::parse_request(&text) {
        Ok(request) => {
            if let Some(location) = &request.location {
                if let Some(fsa) = taxonomy::coarsen_postal_code(&location.place) {
                    assert_eq!(fsa, location.place, "a postal code must be cut to its FSA");
                }
                if let Some(radius) = location.radius_km {
                    assert!(radius > 0.0 && radius <= 1000.0);
                }
            }
        }
        Err(jobspec::Error::Field { field, message }) => {
            assert!(!field.is_empty() && !message.is_empty())
        }
        Err(jobspec::Error::Json { line, .. }) => assert!(line >= 1),
        Err(jobspec::Error::Empty) => {
            assert!(text.trim_start_matches('\u{feff}').trim().is_empty())
        }
    }
});
