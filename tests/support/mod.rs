//! Shared helpers for integration tests.
//!
//! Include from an integration test with:
//!
//! ```ignore
//! mod support;
//! use support::fake_server::*;
//! ```
#![allow(dead_code)]

pub mod bench;
pub mod capi;
pub mod certs;
pub mod child_process;
pub mod clients;
pub mod fake_server;
pub mod oauth_server;
pub mod relay;
pub mod rng;
pub mod sign_in;
