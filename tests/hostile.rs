//! Hostile inputs, each case asserting the hardened behaviour and bounded in time; the
//! cases that could exhaust memory or block run in a child process under an address-space
//! limit and a time limit (see `child`), so a regression fails the test and nothing else.
//! Each module names what it covers.
//! The OAuth2 receiver's cases are in `tests/oauth2_flow.rs`, beside the fake
//! authorization server.

mod support;

#[path = "hostile/child.rs"]
mod child;
#[path = "hostile/ffi.rs"]
mod ffi;
#[path = "hostile/handles.rs"]
mod handles;
#[path = "hostile/local_files.rs"]
mod local_files;
#[path = "hostile/names.rs"]
mod names;
#[path = "hostile/spool.rs"]
mod spool;
