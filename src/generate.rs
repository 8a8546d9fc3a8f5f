//! The synthetic organisation.
