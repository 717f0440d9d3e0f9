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
        path: "assets/index-BMiB3N_s.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-BMiB3N_s.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-BMiB3N_s.css.gz")),
        etag: "220f16232e599b34a6f9c15a",
    },
    Asset {
        path: "assets/index-W2c58XeB.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-W2c58XeB.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-W2c58XeB.js.gz")),
        etag: "c493c85e7e6a8dfb403ae421",
    },
    Asset {
        path: "assets/institution-BnaYhfHv.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/institution-BnaYhfHv.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/institution-BnaYhfHv.js.gz")),
        etag: "83abf3404adb83cbf5f7a7f4",
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
        path: "assets/map-BA4u5fWB.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-BA4u5fWB.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-BA4u5fWB.js.gz")),
        etag: "a332b0e6bb3a53a8192eef2c",
    },
    Asset {
        path: "assets/map-BY9eB2jn.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-BY9eB2jn.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-BY9eB2jn.css.gz")),
        etag: "288da7415f6a4cc072726bc4",
    },
    Asset {
        path: "assets/marker-icon-hN30_KVU.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/marker-icon-hN30_KVU.png")),
        gzip: b"",
        etag: "574c3a5cca85f4114085b684",
    },
    Asset {
        path: "assets/search-BqOmRk6s.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/search-BqOmRk6s.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/search-BqOmRk6s.js.gz")),
        etag: "06dc12f887e97a6cf37a5a2a",
    },
    Asset {
        path: "assets/skillpicker-B36zANng.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/skillpicker-B36zANng.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/skillpicker-B36zANng.js.gz")),
        etag: "2cadb492420a7a0b12eefd58",
    },
    Asset {
        path: "assets/ui-CR3jKEID.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/ui-CR3jKEID.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/ui-CR3jKEID.js.gz")),
        etag: "15323b505387f24e28829b0c",
    },
    Asset {
        path: "assets/verify-BQFvWqh0.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/verify-BQFvWqh0.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/verify-BQFvWqh0.js.gz")),
        etag: "73f1cd9bec8226a510ab2581",
    },
    Asset {
        path: "index.html",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/index.html")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/index.html.gz")),
        etag: "025e32c8785116f9ed8433ea",
    },
]
