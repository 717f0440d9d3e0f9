//! PNG: the chunk stream walked by hand (PNG §5), every CRC checked, to the first credential
//! chunk: `iTXt` `openbadgecredential` (OB 3.0) or `iTXt` `openbadges` (OB 2.0), or the
//! legacy `tEXt` `openbadges` holding an assertion URL.
//!
//! A hand walker instead of a decoder: we need no pixels, and a walker that never inflates
//! anything cannot be made to allocate more than the file it is given.

use super::{Bakery, ExtractFailure, Extracted, accept_payload};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A 1 MiB badge holds ~130 IDAT chunks of 8 KiB; this only stops floods of empty chunks.
const MAX_CHUNKS: usize = 16_384;

/// PNG §5.3: a chunk length is at most 2^31 - 1.
const MAX_CHUNK_LENGTH: usize = 0x7fff_ffff;

const OB3_KEYWORD: &[u8] = b"openbadgecredential";
const OB2_KEYWORD: &[u8] = b"openbadges";

/// Finds the baked credential of a PNG. The first credential chunk counts (OB 3.0 §5.3.1);
/// later ones are noted and ignored. Any compressed credential chunk is refused.
pub(crate) fn extract_png(
    png: &[u8],
    max_payload_bytes: usize,
) -> Result<Extracted, ExtractFailure> {
    let mut rest = png
        .strip_prefix(SIGNATURE)
        .ok_or_else(|| ExtractFailure::malformed("not a PNG: the 8-byte signature is wrong"))?;
    let mut found: Option<Extracted> = None;
    let mut notes = Vec::new();
    let mut offset = SIGNATURE.len();
    for index in 0.. {
        if index >= MAX_CHUNKS {
            return Err(ExtractFailure::too_large(format!(
                "the PNG has more than {MAX_CHUNKS} chunks"
            )));
        }
        let chunk = next_chunk(rest, offset)?;
        if index == 0 && chunk.kind != *b"IHDR" {
            return Err(ExtractFailure::malformed(
                "the first PNG chunk is not IHDR".to_owned(),
            ));
        }
        let label = String::from_utf8_lossy(&chunk.kind).into_owned();
        match &chunk.kind {
            b"IEND" => {
                if found.is_none() {
                    return Err(ExtractFailure::malformed(
                        "the PNG carries no baked credential (no iTXt openbadgecredential or openbadges chunk)",
                    ));
                }
                break;
            }
            b"iTXt" => {
                if let Some((bakery, text)) = read_itxt(chunk.data, offset)? {
                    take(
                        &mut found,
                        &mut notes,
                        bakery,
                        text,
                        &label,
                        index,
                        max_payload_bytes,
                    )?;
                }
            }
            b"tEXt" => {
                if let Some(url) = read_text(chunk.data, offset)? {
                    take(
                        &mut found,
                        &mut notes,
                        Bakery::OpenBadges2,
                        url,
                        &label,
                        index,
                        max_payload_bytes,
                    )?;
                }
            }
            b"zTXt" => {
                let keyword = keyword_of(chunk.data);
                if keyword == OB3_KEYWORD || keyword == OB2_KEYWORD {
                    return Err(ExtractFailure::malformed(format!(
                        "zTXt chunk at byte {offset}: a compressed {} chunk is refused (baked credentials are never compressed; inflating strangers' data invites decompression bombs)",
                        String::from_utf8_lossy(keyword)
                    )));
                }
            }
            _ => {}
        }
        offset += chunk.total_length;
        rest = chunk.rest;
    }
    let mut extracted = found.ok_or_else(|| ExtractFailure::malformed("no baked credential"))?;
    extracted.notes = notes;
    Ok(extracted)
}

/// One chunk, its CRC checked.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    rest: &'a [u8],
    total_length: usize,
}

fn next_chunk(bytes: &[u8], offset: usize) -> Result<Chunk<'_>, ExtractFailure> {
    let truncated = || {
        ExtractFailure::malformed(format!(
            "the PNG is truncated at byte {offset} (no IEND chunk)"
        ))
    };
    let (header, after_header) = bytes.split_at_checked(8).ok_or_else(truncated)?;
    let (length, kind) = header.split_at(4);
    let length = u32::from_be_bytes(length.try_into().map_err(|_| truncated())?) as usize;
    let kind: [u8; 4] = kind.try_into().map_err(|_| truncated())?;
    if !kind.iter().all(u8::is_ascii_alphabetic) {
        return Err(ExtractFailure::malformed(format!(
            "bad PNG chunk type {kind:02x?} at byte {offset}"
        )));
    }
    let label = String::from_utf8_lossy(&kind).into_owned();
    if length > MAX_CHUNK_LENGTH {
        return Err(ExtractFailure::malformed(format!(
            "{label} chunk at byte {offset} claims {length} bytes, more than PNG allows"
        )));
    }
    let Some((data, after_data)) = after_header.split_at_checked(length) else {
        return Err(ExtractFailure::malformed(format!(
            "{label} chunk at byte {offset} claims {length} bytes but only {} remain",
            after_header.len()
        )));
    };
    let (crc, rest) = after_data.split_at_checked(4).ok_or_else(|| {
        ExtractFailure::malformed(format!(
            "the PNG is truncated: the {label} chunk at byte {offset} is cut off before its CRC"
        ))
    })?;
    let expected = u32::from_be_bytes(crc.try_into().map_err(|_| truncated())?);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&kind);
    hasher.update(data);
    if hasher.finalize() != expected {
        return Err(ExtractFailure::malformed(format!(
            "{label} chunk at byte {offset} fails its CRC check: the file is corrupt or was altered"
        )));
    }
    Ok(Chunk {
        kind,
        data,
        rest,
        total_length: 12 + length,
    })
}

/// Records the first credential chunk; notes later ones.
fn take(
    found: &mut Option<Extracted>,
    notes: &mut Vec<String>,
    bakery: Bakery,
    text: String,
    label: &str,
    index: usize,
    max_payload_bytes: usize,
) -> Result<(), ExtractFailure> {
    if found.is_some() {
        notes.push(format!(
            "{label} credential chunk {index} ignored: only the first credential chunk counts"
        ));
        return Ok(());
    }
    let origin = format!("the PNG {label} chunk {index}");
    let payload = accept_payload(text, bakery, &origin, max_payload_bytes)?;
    *found = Some(Extracted {
        payload,
        bakery,
        notes: Vec::new(),
    });
    Ok(())
}

/// The keyword of a text chunk: the bytes before the first NUL (all of them if none).
fn keyword_of(data: &[u8]) -> &[u8] {
    data.split(|&byte| byte == 0).next().unwrap_or_default()
}

/// `iTXt` (PNG §11.3.3.4): keyword NUL, compression flag, compression method, language tag
/// NUL, translated keyword NUL, UTF-8 text. `None` for keywords other than ours.
fn read_itxt(data: &[u8], offset: usize) -> Result<Option<(Bakery, String)>, ExtractFailure> {
    let keyword = keyword_of(data);
    let bakery = match keyword {
        OB3_KEYWORD => Bakery::OpenBadges3,
        OB2_KEYWORD => Bakery::OpenBadges2,
        _ => return Ok(None),
    };
    let name = String::from_utf8_lossy(keyword);
    let malformed = |what: &str| {
        ExtractFailure::malformed(format!("iTXt {name} chunk at byte {offset}: {what}"))
    };
    let after_keyword = data
        .get(keyword.len() + 1..)
        .ok_or_else(|| malformed("no NUL after the keyword"))?;
    let (&compressed, after_flag) = after_keyword
        .split_first()
        .ok_or_else(|| malformed("no compression flag"))?;
    let (_method, after_method) = after_flag
        .split_first()
        .ok_or_else(|| malformed("no compression method"))?;
    match compressed {
        0 => {}
        1 => {
            return Err(malformed(
                "compressed text is refused (baked credentials are never compressed; inflating strangers' data invites decompression bombs)",
            ));
        }
        other => {
            return Err(malformed(&format!(
                "compression flag {other} is not 0 or 1"
            )));
        }
    }
    let mut fields = after_method.splitn(3, |&byte| byte == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(malformed(
            "the language tag or translated keyword is not NUL-terminated",
        ));
    };
    let text = std::str::from_utf8(text)
        .map_err(|error| malformed(&format!("the text is not UTF-8 ({error})")))?;
    Ok(Some((bakery, text.to_owned())))
}

/// Legacy `tEXt` `openbadges` (Open Badges 1.x/2.0 bakers): Latin-1 text that must be the
/// URL of a hosted assertion. Other keywords are `None`.
fn read_text(data: &[u8], offset: usize) -> Result<Option<String>, ExtractFailure> {
    let keyword = keyword_of(data);
    if keyword == OB3_KEYWORD {
        return Err(ExtractFailure::malformed(format!(
            "tEXt openbadgecredential chunk at byte {offset}: Open Badges 3.0 bakes into iTXt only"
        )));
    }
    if keyword != OB2_KEYWORD {
        return Ok(None);
    }
    let text = data.get(keyword.len() + 1..).unwrap_or_default();
    // Latin-1 maps byte to code point; a URL is ASCII anyway.
    let text: String = text.iter().map(|&byte| char::from(byte)).collect();
    let trimmed = text.trim();
    if !(trimmed.starts_with("https://") || trimmed.starts_with("http://")) {
        return Err(ExtractFailure::malformed(format!(
            "tEXt openbadges chunk at byte {offset} does not hold an assertion URL (JSON and JWS payloads belong in iTXt)"
        )));
    }
    Ok(Some(text))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use model::Outcome;

    /// A chunk with its length and CRC.
    pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(
            &u32::try_from(data.len())
                .expect("test chunks are small")
                .to_be_bytes(),
        );
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(kind);
        hasher.update(data);
        out.extend_from_slice(&hasher.finalize().to_be_bytes());
        out
    }

    pub(crate) fn itxt(keyword: &str, compressed: u8, text: &str) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.extend_from_slice(&[0, compressed, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        chunk(b"iTXt", &data)
    }

    fn text(keyword: &str, value: &[u8]) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.push(0);
        data.extend_from_slice(value);
        chunk(b"tEXt", &data)
    }

    /// A minimal PNG (1×1 header, empty IDAT) around the given middle chunks.
    pub(crate) fn png(middle: &[Vec<u8>]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
        for part in middle {
            out.extend_from_slice(part);
        }
        out.extend(chunk(b"IDAT", &[]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    /// `Ok(payload, bakery, number of notes)` or `Err(outcome, fragment of the detail)`.
    type Expected<'a> = Result<(&'a str, Bakery, usize), (Outcome, &'a str)>;

    #[track_caller]
    fn check(input: &[u8], expected: Expected<'_>) {
        let actual = extract_png(input, 1 << 20);
        match (&actual, expected) {
            (Ok(extracted), Ok((payload, bakery, notes))) => {
                assert_eq!(extracted.payload, payload);
                assert_eq!(extracted.bakery, bakery);
                assert_eq!(extracted.notes.len(), notes, "{:?}", extracted.notes);
            }
            (Err(failure), Err((outcome, fragment))) => {
                assert_eq!(failure.outcome, outcome, "{}", failure.detail);
                assert!(
                    failure.detail.contains(fragment),
                    "{:?} lacks {fragment:?}",
                    failure.detail
                );
            }
            _ => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn takes_the_first_credential_chunk() {
        check(
            &png(&[itxt("openbadgecredential", 0, "{\"a\":1}")]),
            Ok(("{\"a\":1}", Bakery::OpenBadges3, 0)),
        );
        check(
            &png(&[itxt("openbadges", 0, "eyJ.x.y")]),
            Ok(("eyJ.x.y", Bakery::OpenBadges2, 0)),
        );
        check(
            &png(&[text("openbadges", b"https://issuer.example/a/1")]),
            Ok(("https://issuer.example/a/1", Bakery::OpenBadges2, 0)),
        );
        // Two credential chunks: the first counts, the second is noted (reliability F6).
        check(
            &png(&[
                itxt("openbadgecredential", 0, "{\"first\":1}"),
                itxt("openbadgecredential", 0, "{\"second\":2}"),
            ]),
            Ok(("{\"first\":1}", Bakery::OpenBadges3, 1)),
        );
        // Other text chunks are not ours.
        check(
            &png(&[
                text("Comment", b"hello"),
                itxt("XML:com.adobe.xmp", 0, "<x/>"),
                itxt("openbadgecredential", 0, "{}"),
            ]),
            Ok(("{}", Bakery::OpenBadges3, 0)),
        );
    }

    #[test]
    fn refuses_hostile_and_broken_files() {
        use Outcome::{Malformed, TooLarge};
        check(b"GIF89a", Err((Malformed, "signature")));
        check(&png(&[]), Err((Malformed, "no baked credential")));
        check(
            &png(&[itxt("openbadgecredential", 1, "x\u{1}")]),
            Err((Malformed, "compressed")),
        );
        // A compressed duplicate is refused even after a good first chunk.
        check(
            &png(&[
                itxt("openbadgecredential", 0, "{}"),
                itxt("openbadges", 1, "zz"),
            ]),
            Err((Malformed, "compressed")),
        );
        let mut ztxt = b"openbadges\0\0".to_vec();
        ztxt.extend_from_slice(&[0x78, 0x9c, 0x03, 0x00]);
        check(&png(&[chunk(b"zTXt", &ztxt)]), Err((Malformed, "zTXt")));
        check(
            &png(&[itxt("openbadgecredential", 7, "{}")]),
            Err((Malformed, "flag 7")),
        );
        check(
            &png(&[itxt("openbadgecredential", 0, "https://issuer.example/x")]),
            Err((Malformed, "URL")),
        );
        check(
            &png(&[itxt("openbadgecredential", 0, "  \n")]),
            Err((Malformed, "empty")),
        );
        check(
            &png(&[text("openbadges", b"{\"json\":true}")]),
            Err((Malformed, "URL")),
        );
        check(
            &png(&[chunk(b"iTXt", b"openbadges\0\0\0\0\0\xff\xfe")]),
            Err((Malformed, "UTF-8")),
        );
        check(
            &png(&[chunk(b"iTXt", b"openbadges\0\0\0en")]),
            Err((Malformed, "NUL-terminated")),
        );

        let good = png(&[itxt("openbadgecredential", 0, "{}")]);
        // Bad CRC: flip one byte of the credential text.
        let mut corrupt = good.clone();
        let position = corrupt
            .windows(2)
            .position(|w| w == b"{}")
            .expect("the payload is in the file");
        corrupt[position] = b'[';
        check(&corrupt, Err((Malformed, "CRC")));
        // Chunk length beyond the end of the file.
        let mut liar = good[..33].to_vec();
        liar.extend_from_slice(&0x0100_0000u32.to_be_bytes());
        liar.extend_from_slice(b"iTXt");
        liar.extend_from_slice(b"openbadgecredential\0\0\0\0\0{}");
        check(&liar, Err((Malformed, "only")));
        // Length over 2^31 - 1.
        let mut huge = good[..33].to_vec();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        huge.extend_from_slice(b"iTXt");
        check(&huge, Err((Malformed, "more than PNG allows")));
        // Truncated: no IEND.
        check(&good[..good.len() - 12], Err((Malformed, "truncated")));
        check(&good[..good.len() - 3], Err((Malformed, "truncated")));
        // The first chunk must be IHDR.
        let mut headless = SIGNATURE.to_vec();
        headless.extend(itxt("openbadgecredential", 0, "{}"));
        headless.extend(chunk(b"IEND", &[]));
        check(&headless, Err((Malformed, "IHDR")));
        // A flood of empty chunks.
        let flood: Vec<Vec<u8>> = (0..MAX_CHUNKS).map(|_| chunk(b"teXt", &[])).collect();
        check(&png(&flood), Err((TooLarge, "chunks")));
        // A payload over the limit.
        let big = "x".repeat(2048);
        let actual = extract_png(&png(&[itxt("openbadgecredential", 0, &big)]), 1024);
        assert_eq!(actual.map_err(|failure| failure.outcome), Err(TooLarge));
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let good = png(&[
            text("openbadges", b"https://issuer.example/a"),
            itxt("openbadgecredential", 0, "{\"a\":[1,2,3]}"),
        ]);
        for end in 0..good.len() {
            let _ = extract_png(&good[..end], 1 << 20);
        }
    }
}
