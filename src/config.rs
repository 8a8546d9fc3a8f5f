//! Reading the TOML configuration into `Settings`.
