//! Handle values: a freed message handle is not issued again before a million further
//! create/free cycles (it used to come back after 33,280), and a live one never aliases.

use crate::ffi::{c, last_error, prop};
use std::time::Instant;
use wd300com::error::WD_E;
use wd300com::ffi::message::{EmailCree, EmailLibere, EmailModifiePropriete};
use wd300com::ffi::types::*;

const CYCLES: usize = 1_000_001;

fn set_subject(e: WdEmail, s: &str) {
    let v = c(s);
    // SAFETY: a NUL-terminated value.
    assert_eq!(
        unsafe { EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, v.as_ptr()) },
        1
    );
}

#[test]
fn a_freed_handle_stays_invalid_for_a_million_cycles() {
    let t0 = Instant::now();
    let kept = EmailCree();
    set_subject(kept, "kept");
    let old = EmailCree();
    set_subject(old, "old");
    assert_eq!(EmailLibere(old), 1);
    for i in 0..CYCLES {
        let h = EmailCree();
        assert!(h.0 > 0, "EmailCree failed at cycle {i}: {:?}", last_error());
        assert!(
            h != old && h != kept,
            "value {} issued again at cycle {i}",
            h.0
        );
        assert_eq!(EmailLibere(h), 1);
    }
    assert_eq!(prop(old, WD_EMAIL_SUBJECT, 0), "");
    assert_eq!(last_error().0, WD_E::InvalidHandle);
    assert_eq!(EmailLibere(old), 0);
    assert_eq!(last_error().0, WD_E::InvalidHandle);
    assert_eq!(prop(kept, WD_EMAIL_SUBJECT, 0), "kept");
    // A message handle is not a list handle, and the other way round.
    assert_eq!(EmailLibere(WdEmail(old.0 ^ (3 << 27))), 0);
    assert_eq!(EmailLibere(kept), 1);
    let took = t0.elapsed();
    eprintln!("{CYCLES} create/free cycles in {took:?}");
    assert!(took.as_secs() < 60, "{took:?}");
}
