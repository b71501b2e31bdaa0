//! Hostile inputs, each case asserting the hardened behaviour and bounded in time.
//! Each module names what it covers.

#[path = "hostile/ffi.rs"]
mod ffi;
#[path = "hostile/handles.rs"]
mod handles;
