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
        path: "assets/index-CHmgvGLh.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-CHmgvGLh.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-CHmgvGLh.css.gz")),
        etag: "4002bdeeb3bcabe2b93fd74e",
    },
    Asset {
        path: "assets/index-vDJlDBWs.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-vDJlDBWs.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-vDJlDBWs.js.gz")),
        etag: "fa46a07da57c032085858f76",
    },
    Asset {
        path: "assets/institution-Cr7261ka.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/institution-Cr7261ka.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/institution-Cr7261ka.js.gz")),
        etag: "312d099a364cb0f0ee736a4f",
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
        path: "assets/map-x5XCLIj0.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-x5XCLIj0.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-x5XCLIj0.js.gz")),
        etag: "5242976fbefdbe7692f9df94",
    },
    Asset {
        path: "assets/marker-icon-hN30_KVU.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/marker-icon-hN30_KVU.png")),
        gzip: b"",
        etag: "574c3a5cca85f4114085b684",
    },
    Asset {
        path: "assets/search-Da9ZCoK5.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/search-Da9ZCoK5.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/search-Da9ZCoK5.js.gz")),
        etag: "7602273245a6f6fdaaec34f2",
    },
    Asset {
        path: "assets/skillpicker-BXk3Qpet.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/skillpicker-BXk3Qpet.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/skillpicker-BXk3Qpet.js.gz")),
        etag: "7d7bae6ea05dac76c838a80d",
    },
    Asset {
        path: "assets/ui-CR3jKEID.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/ui-CR3jKEID.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/ui-CR3jKEID.js.gz")),
        etag: "15323b505387f24e28829b0c",
    },
    Asset {
        path: "assets/verify-KkZ6-6D2.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/verify-KkZ6-6D2.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/verify-KkZ6-6D2.js.gz")),
        etag: "fcab20204d5ad6ab9ef81b4e",
    },
    Asset {
        path: "index.html",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/index.html")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/index.html.gz")),
        etag: "6e5a968017af3b5330257293",
    },
]
