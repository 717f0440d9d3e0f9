//! Baking credentials into badge images (Open Badges 3.0 §5.3): a PNG with an uncompressed
//! `iTXt` chunk keyed `openbadgecredential`, and an SVG with an `<openbadges:credential>`
//! element. The images are small but real (a coloured disc with the issuer's initials in
//! the SVG), so that any PNG or SVG reader opens them.

use std::io::Write as _;

/// Side of the square badge, in pixels.
const SIDE: u32 = 96;

/// The compressed pixel data (`IDAT` payload) of a disc in `colour` on a transparent
/// background: computed once per issuer, reused by every badge.
pub(crate) fn disc_idat(colour: [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((SIDE * 4 + 1) * SIDE) as usize);
    // Doubled coordinates keep the centre of a pixel grid on integers.
    let radius = (SIDE as i64 - 8) * (SIDE as i64 - 8);
    for y in 0..SIDE as i64 {
        raw.push(0); // filter: none
        for x in 0..SIDE as i64 {
            let dx = 2 * x - (SIDE as i64 - 1);
            let dy = 2 * y - (SIDE as i64 - 1);
            let inside = dx * dx + dy * dy <= radius;
            if inside {
                raw.extend_from_slice(&[colour[0], colour[1], colour[2], 255]);
            } else {
                raw.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    encoder
        .write_all(&raw)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A PNG badge: `IHDR`, the credential in an uncompressed `iTXt` `openbadgecredential`
/// chunk (no language tag, no translated keyword), the image, `IEND`.
pub(crate) fn png(idat: &[u8], credential: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(credential.len() + idat.len() + 128);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, no filter method quirks, no interlace
    chunk(&mut out, b"IHDR", &header);
    let mut text = Vec::with_capacity(credential.len() + 24);
    text.extend_from_slice(b"openbadgecredential\0");
    text.extend_from_slice(&[0, 0]); // not compressed, compression method 0
    text.extend_from_slice(b"\0\0"); // empty language tag, empty translated keyword
    text.extend_from_slice(credential.as_bytes());
    chunk(&mut out, b"iTXt", &text);
    chunk(&mut out, b"IDAT", idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A plain PNG badge (no credential), for Open Badges 2.0 badge class images.
pub(crate) fn plain_png(idat: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(idat.len() + 64);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// An SVG badge with the credential as CDATA in `<openbadges:credential>`.
pub(crate) fn svg(colour: [u8; 3], initials: &str, title: &str, credential: &str) -> Vec<u8> {
    // "]]>" cannot appear inside CDATA: split it across two sections.
    let body = credential.replace("]]>", "]]]]><![CDATA[>");
    let fill = format!("#{:02x}{:02x}{:02x}", colour[0], colour[1], colour[2]);
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" ",
            "width=\"{side}\" height=\"{side}\" viewBox=\"0 0 {side} {side}\">\n",
            "<title>{title}</title>\n",
            "<openbadges:credential><![CDATA[{body}]]></openbadges:credential>\n",
            "<circle cx=\"{half}\" cy=\"{half}\" r=\"{radius}\" fill=\"{fill}\"/>\n",
            "<text x=\"{half}\" y=\"{baseline}\" font-family=\"sans-serif\" font-size=\"28\" ",
            "text-anchor=\"middle\" fill=\"#ffffff\">{initials}</text>\n",
            "</svg>\n"
        ),
        side = SIDE,
        half = SIDE / 2,
        radius = SIDE / 2 - 4,
        baseline = SIDE / 2 + 10,
        title = crate::site::escape_html(title),
        body = body,
        fill = fill,
        initials = crate::site::escape_html(initials),
    )
    .into_bytes()
}

/// Breaks a PNG's `iTXt` CRC (a malformed negative): the first byte of the CRC that follows
/// the credential chunk is flipped.
pub(crate) fn corrupt_png(png: &mut [u8]) {
    // Signature (8) + IHDR chunk (4 + 4 + 13 + 4) = 33: the iTXt chunk starts there.
    let Some(length) = png
        .get(33..37)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return;
    };
    if let Some(byte) = png.get_mut(33 + 8 + length) {
        *byte ^= 0xff;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_walks_chunk_by_chunk_with_good_crcs() {
        let idat = disc_idat([10, 80, 160]);
        let png = png(&idat, "{\"x\":1}");
        let mut position = 8;
        let mut kinds = Vec::new();
        while position < png.len() {
            let length =
                u32::from_be_bytes(png[position..position + 4].try_into().expect("4")) as usize;
            let kind = &png[position + 4..position + 8];
            let data = &png[position + 8..position + 8 + length];
            let crc = u32::from_be_bytes(
                png[position + 8 + length..position + 12 + length]
                    .try_into()
                    .expect("4"),
            );
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(kind);
            hasher.update(data);
            assert_eq!(hasher.finalize(), crc);
            kinds.push(String::from_utf8_lossy(kind).into_owned());
            position += 12 + length;
        }
        assert_eq!(kinds, ["IHDR", "iTXt", "IDAT", "IEND"]);
        let mut broken = png.clone();
        corrupt_png(&mut broken);
        assert_ne!(broken, png);
    }

    #[test]
    fn cdata_terminators_in_the_payload_are_split() {
        let svg =
            String::from_utf8(svg([0, 0, 0], "AB", "T <&>", "{\"a\":\"]]>\"}")).expect("utf-8");
        assert!(svg.contains("]]]]><![CDATA[>"));
        assert!(svg.contains("T &lt;&amp;&gt;"));
    }
}
