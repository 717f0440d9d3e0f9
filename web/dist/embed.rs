// Written by web/scripts/manifest.mjs (npm run build); do not edit.
&[
    Asset {
        path: "assets/charts-DmVjJiR8.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/charts-DmVjJiR8.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/charts-DmVjJiR8.js.gz")),
        etag: "2310aae6a8660ceefb3d2e83",
    },
    Asset {
        path: "assets/favicon-DZ7JN8OJ.svg",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/favicon-DZ7JN8OJ.svg")),
        gzip: b"",
        etag: "a72bc2437832b89c7a17e2ea",
    },
    Asset {
        path: "assets/index-DP9dxAh_.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-DP9dxAh_.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-DP9dxAh_.css.gz")),
        etag: "f655f3086f5c7379efccf671",
    },
    Asset {
        path: "assets/index-DXOArlck.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-DXOArlck.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-DXOArlck.js.gz")),
        etag: "4e75b6d4b5a67f43573ea0d2",
    },
    Asset {
        path: "assets/institution-CI4ZyCfy.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/institution-CI4ZyCfy.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/institution-CI4ZyCfy.js.gz")),
        etag: "b31f74e74f3f8c807cb4e58a",
    },
    Asset {
        path: "assets/layers-2x-Bpkbi35X.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/layers-2x-Bpkbi35X.png")),
        gzip: b"",
        etag: "066daca850d8ffbef007af00",
    },
    Asset {
        path: "assets/layers-BWBAp2CZ.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/layers-BWBAp2CZ.png")),
        gzip: b"",
        etag: "1dbbe9d028e292f36fcba8f8",
    },
    Asset {
        path: "assets/map-BY9eB2jn.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-BY9eB2jn.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-BY9eB2jn.css.gz")),
        etag: "288da7415f6a4cc072726bc4",
    },
    Asset {
        path: "assets/map-CDkPgewa.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-CDkPgewa.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-CDkPgewa.js.gz")),
        etag: "dbf3a4848862f4d1ca56a721",
    },
    Asset {
        path: "assets/marker-icon-hN30_KVU.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/marker-icon-hN30_KVU.png")),
        gzip: b"",
        etag: "574c3a5cca85f4114085b684",
    },
    Asset {
        path: "assets/search-B-MEttji.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/search-B-MEttji.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/search-B-MEttji.js.gz")),
        etag: "67d324deaa14768c790c67a3",
    },
    Asset {
        path: "assets/skillpicker-CUIpbyXR.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/skillpicker-CUIpbyXR.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/skillpicker-CUIpbyXR.js.gz")),
        etag: "5e427a0b64f533c61056d5de",
    },
    Asset {
        path: "assets/ui-CR3jKEID.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/ui-CR3jKEID.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/ui-CR3jKEID.js.gz")),
        etag: "15323b505387f24e28829b0c",
    },
    Asset {
        path: "assets/verify-BGopTR6b.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/verify-BGopTR6b.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/verify-BGopTR6b.js.gz")),
        etag: "2b2156e63d9a80ff443b8338",
    },
    Asset {
        path: "index.html",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/index.html")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/index.html.gz")),
        etag: "38cc746c609e2e3ff9bd1b33",
    },
]
