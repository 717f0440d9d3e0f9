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
        path: "assets/index-DsUiHb74.css",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-DsUiHb74.css")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-DsUiHb74.css.gz")),
        etag: "4e71f585251bebd0beb037a3",
    },
    Asset {
        path: "assets/index-s8dP8pfp.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/index-s8dP8pfp.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/index-s8dP8pfp.js.gz")),
        etag: "3525274134e91eee2bc0940b",
    },
    Asset {
        path: "assets/institution-DfjFgp6Z.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/institution-DfjFgp6Z.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/institution-DfjFgp6Z.js.gz")),
        etag: "fb9deffdf5b20cdacd87b2e9",
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
        path: "assets/map-D5QP__oI.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/map-D5QP__oI.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/map-D5QP__oI.js.gz")),
        etag: "2198d17808bd408a3f7cdcc2",
    },
    Asset {
        path: "assets/marker-icon-hN30_KVU.png",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/marker-icon-hN30_KVU.png")),
        gzip: b"",
        etag: "574c3a5cca85f4114085b684",
    },
    Asset {
        path: "assets/search-DxfH21iK.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/search-DxfH21iK.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/search-DxfH21iK.js.gz")),
        etag: "0bd224e5471cb158e20de737",
    },
    Asset {
        path: "assets/skillpicker-CvDnUmVY.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/skillpicker-CvDnUmVY.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/skillpicker-CvDnUmVY.js.gz")),
        etag: "834f69341fad3934c16070fa",
    },
    Asset {
        path: "assets/ui-CR3jKEID.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/ui-CR3jKEID.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/ui-CR3jKEID.js.gz")),
        etag: "15323b505387f24e28829b0c",
    },
    Asset {
        path: "assets/verify-CM_cQPHd.js",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/assets/verify-CM_cQPHd.js")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/assets/verify-CM_cQPHd.js.gz")),
        etag: "49a68056dbf67da5e665b3d6",
    },
    Asset {
        path: "index.html",
        body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist/index.html")),
        gzip: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/dist-gzip/index.html.gz")),
        etag: "9b7411ea7823dd90921bebc5",
    },
]
