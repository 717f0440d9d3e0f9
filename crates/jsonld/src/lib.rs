//! JSON-LD 1.1 expansion to RDF and RDFC-1.0 canonicalization (placeholder: being written).
