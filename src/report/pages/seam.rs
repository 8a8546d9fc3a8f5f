//! The typed weekly values and goals the pages read, in one place for the page modules.

pub use crate::metrics::columns::{Better, COLUMNS, ColumnDef, Format, column};
pub use crate::report::goals::GoalRow;
pub use crate::report::values::{ValueRow, WeeklyValues, format_value};
