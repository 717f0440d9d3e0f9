//! Per-segment fast-field access for the collectors.
//!
//! A segment may lack a column altogether (no document in it had the value: a segment of
//! demand rows has no `confidence`), so missing numeric columns read as empty columns and
//! missing string columns as `None`, never as errors.

use tantivy::SegmentReader;
use tantivy::columnar::DynamicColumn;
use tantivy::columnar::{Column, HasAssociatedColumnType, StrColumn};

use crate::schema::name;

pub(crate) fn open_numeric<T>(
    reader: &SegmentReader,
    field_name: &str,
) -> tantivy::Result<Column<T>>
where
    T: HasAssociatedColumnType
        + PartialOrd
        + Default
        + Copy
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
    DynamicColumn: Into<Option<Column<T>>>,
{
    Ok(reader
        .fast_fields()
        .column_opt::<T>(field_name)?
        .unwrap_or_else(|| Column::build_empty_column(reader.max_doc())))
}

pub(crate) fn open_str(
    reader: &SegmentReader,
    field_name: &str,
) -> tantivy::Result<Option<StrColumn>> {
    reader.fast_fields().str(field_name)
}

/// The first term ordinal of a document in an optional string column.
#[inline]
pub(crate) fn first_ord(column: &Option<StrColumn>, doc: u32) -> Option<u64> {
    column.as_ref().and_then(|column| column.ords().first(doc))
}

/// Resolves sorted, distinct ordinals of a string column into their strings.
pub(crate) fn resolve_ords(
    column: &Option<StrColumn>,
    ords: &[u64],
) -> tantivy::Result<Vec<String>> {
    let mut strings = Vec::with_capacity(ords.len());
    let Some(column) = column else {
        return Ok(strings);
    };
    let all_found = column.dictionary().sorted_ords_to_term_cb(ords, |bytes| {
        strings.push(String::from_utf8_lossy(bytes).into_owned())
    })?;
    if !all_found || strings.len() != ords.len() {
        return Err(tantivy::TantivyError::InternalError(
            "a fast-field ordinal has no term".to_owned(),
        ));
    }
    Ok(strings)
}

/// The numeric columns the claim collectors read.
pub(crate) struct NumericColumns {
    pub(crate) earner_hash: Column<u64>,
    pub(crate) credential_hash: Column<u64>,
    pub(crate) method: Column<u64>,
    pub(crate) confidence: Column<f64>,
    pub(crate) kind: Column<u64>,
    pub(crate) credit: Column<bool>,
    pub(crate) issued_at: Column<i64>,
    pub(crate) valid_until: Column<i64>,
    pub(crate) latitude: Column<f64>,
    pub(crate) longitude: Column<f64>,
    pub(crate) region_source: Column<u64>,
}

impl NumericColumns {
    pub(crate) fn open(reader: &SegmentReader) -> tantivy::Result<NumericColumns> {
        Ok(NumericColumns {
            earner_hash: open_numeric(reader, name::EARNER_HASH)?,
            credential_hash: open_numeric(reader, name::CREDENTIAL_HASH)?,
            method: open_numeric(reader, name::METHOD)?,
            confidence: open_numeric(reader, name::CONFIDENCE)?,
            kind: open_numeric(reader, name::KIND)?,
            credit: open_numeric(reader, name::CREDIT)?,
            issued_at: open_numeric(reader, name::ISSUED_AT)?,
            valid_until: open_numeric(reader, name::VALID_UNTIL)?,
            latitude: open_numeric(reader, name::LATITUDE)?,
            longitude: open_numeric(reader, name::LONGITUDE)?,
            region_source: open_numeric(reader, name::REGION_SOURCE)?,
        })
    }
}

/// A table of strings indexed by segment-local ordinals, built from the ordinals a segment
/// collector saw, so that merging segments compares strings, never ordinals.
pub(crate) struct OrdTable {
    ords: Vec<u64>,
}

impl OrdTable {
    pub(crate) fn new() -> OrdTable {
        OrdTable { ords: Vec::new() }
    }

    #[inline]
    pub(crate) fn note(&mut self, ord: u64) {
        self.ords.push(ord);
    }

    /// Resolves every noted ordinal; returns the sorted distinct ordinals with their strings.
    pub(crate) fn resolve(mut self, column: &Option<StrColumn>) -> tantivy::Result<ResolvedOrds> {
        self.ords.sort_unstable();
        self.ords.dedup();
        let strings = resolve_ords(column, &self.ords)?;
        Ok(ResolvedOrds {
            ords: self.ords,
            strings,
        })
    }
}

/// Sorted ordinals and their strings.
pub(crate) struct ResolvedOrds {
    ords: Vec<u64>,
    pub(crate) strings: Vec<String>,
}

impl ResolvedOrds {
    /// The position of an ordinal in [`ResolvedOrds::strings`].
    #[inline]
    pub(crate) fn position(&self, ord: u64) -> u32 {
        // Every ordinal looked up was noted first.
        self.ords.binary_search(&ord).unwrap_or_default() as u32
    }
}

/// A global table of strings built from per-segment tables: sorted, so that positions order
/// like the strings themselves.
pub(crate) struct MergedTable {
    pub(crate) strings: Vec<String>,
}

impl MergedTable {
    pub(crate) fn merge<'a>(tables: impl Iterator<Item = &'a [String]>) -> MergedTable {
        let mut strings: Vec<String> = tables.flat_map(|table| table.iter().cloned()).collect();
        strings.sort_unstable();
        strings.dedup();
        MergedTable { strings }
    }

    /// Maps a segment table's positions onto this table's.
    pub(crate) fn remap(&self, table: &[String]) -> Vec<u32> {
        table
            .iter()
            .map(|string| self.strings.binary_search(string).unwrap_or_default() as u32)
            .collect()
    }
}
