//! The compact form: the whole built taxonomy in bincode, named after the format version and
//! the hash of MANIFEST.tsv, so a changed input file (whose new hash must be written to the
//! manifest, or the build refuses it) or a changed build produces a new cache file.

use std::io::Write;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::{Error, FORMAT_VERSION, LoadOptions, LoadReport, TaxonomyData, build};

fn cache_file(options: &LoadOptions, manifest_sha: &str) -> Option<PathBuf> {
    let dir = options.cache_dir.as_ref()?;
    Some(dir.join(format!(
        "taxonomy-v{FORMAT_VERSION}-{}.bin",
        &manifest_sha[..16]
    )))
}

pub(crate) fn load_or_build(options: &LoadOptions) -> Result<(TaxonomyData, LoadReport), Error> {
    let (manifest_text, _) = build::read_manifest(&options.index_data)?;
    let manifest_sha = hex::encode(Sha256::digest(manifest_text.as_bytes()));
    let file = cache_file(options, &manifest_sha);
    let mut report = LoadReport {
        from_cache: false,
        cache_file: file.clone(),
        elapsed_ms: 0.0,
        compact_bytes: None,
        cache_error: None,
    };
    if let Some(path) = &file
        && let Ok(bytes) = std::fs::read(path)
    {
        // A cache that does not decode or names another manifest is rebuilt, not trusted.
        if let Ok(data) = bincode::deserialize::<TaxonomyData>(&bytes)
            && data.format == FORMAT_VERSION
            && data.manifest_sha256 == manifest_sha
        {
            report.from_cache = true;
            report.compact_bytes = Some(bytes.len() as u64);
            return Ok((data, report));
        }
    }
    let data = build::build(&options.index_data)?;
    if let Some(path) = &file {
        match write_atomically(path, &data) {
            Ok(len) => report.compact_bytes = Some(len),
            Err(error) => report.cache_error = Some(error.to_string()),
        }
    }
    Ok((data, report))
}

fn write_atomically(path: &PathBuf, data: &TaxonomyData) -> Result<u64, Error> {
    let bytes = bincode::serialize(data).map_err(|e| Error::Encode(e.to_string()))?;
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut out = std::fs::File::create(&tmp).map_err(|source| Error::Io {
        path: tmp.clone(),
        source,
    })?;
    out.write_all(&bytes).map_err(|source| Error::Io {
        path: tmp.clone(),
        source,
    })?;
    out.sync_all().map_err(|source| Error::Io {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(bytes.len() as u64)
}
