//! The Parquet snapshot.
