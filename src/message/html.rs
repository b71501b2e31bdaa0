//! HTML import.
