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
        path: "assets/index-CK7-tAjO.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-CK7-tAjO.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-CK7-tAjO.js.gz")),
        etag: "f0ec401965c9292ab7ea9362",
    },
    Asset {
        path: "assets/index-DP9dxAh_.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-DP9dxAh_.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-DP9dxAh_.css.gz")),
        etag: "f655f3086f5c7379efccf671",
    },
    Asset {
        path: "assets/institution-CS78TIp-.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/institution-CS78TIp-.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/institution-CS78TIp-.js.gz")),
        etag: "784e5b77ff799e8abfdc0bb2",
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
        path: "assets/map-Crbmf6Xf.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-Crbmf6Xf.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-Crbmf6Xf.js.gz")),
        etag: "e6dd7ccfb4a28349ebc9216b",
    },
    Asset {
        path: "assets/marker-icon-hN30_KVU.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/marker-icon-hN30_KVU.png")),
        gzip: b"",
        etag: "574c3a5cca85f4114085b684",
    },
    Asset {
        path: "assets/search-Bc52bKNe.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/search-Bc52bKNe.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/search-Bc52bKNe.js.gz")),
        etag: "4f136047db29ac0b2fda7e65",
    },
    Asset {
        path: "assets/skillpicker-CDOEZaTm.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/skillpicker-CDOEZaTm.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/skillpicker-CDOEZaTm.js.gz")),
        etag: "921f0cf8f72be0b308b4cdbc",
    },
    Asset {
        path: "assets/ui-CR3jKEID.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/ui-CR3jKEID.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/ui-CR3jKEID.js.gz")),
        etag: "15323b505387f24e28829b0c",
    },
    Asset {
        path: "assets/verify-DCrP7p2j.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/verify-DCrP7p2j.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/verify-DCrP7p2j.js.gz")),
        etag: "1835aa8fd797219204dd189b",
    },
    Asset {
        path: "index.html",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/index.html")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/index.html.gz")),
        etag: "6339e87d212b5491d6bfc4ed",
    },
]
