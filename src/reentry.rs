//! Calls made from inside a callback of the library (progress, transcript): what the
//! calling thread holds while such a callback may run — the connection of a session
//! during a call on it, a message being parsed or saved — so that a call from the
//! callback into that same object fails at once with `WD_E_RECURSIVE_CALL` instead of
//! waiting for ever on a lock its own thread holds (curl's `CURLE_RECURSIVE_API_CALL`).
//! Anything else may be called from a callback.
//!
//! The objects are told apart by the address of their lock; [`hold`] marks one as held by
//! the calling thread until the returned [`Held`] is dropped.

use crate::error::{Error, Result, WD_E};
use std::cell::RefCell;

thread_local! {
    static HELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

fn key<T: ?Sized>(object: &T) -> usize {
    (object as *const T).cast::<()>() as usize
}

/// `object` is held by the calling thread until this is dropped.
#[must_use = "the object is held while this lives"]
pub struct Held(usize);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = HELD.try_with(|h| {
            let mut h = h.borrow_mut();
            if let Some(i) = h.iter().rposition(|&k| k == self.0) {
                h.remove(i);
            }
        });
    }
}

/// `Err(WD_E_RECURSIVE_CALL)` naming `what` when the calling thread holds `object` (it
/// is inside a callback of a call on it).
pub fn check<T: ?Sized>(object: &T, what: &str) -> Result<()> {
    let k = key(object);
    let held = HELD.try_with(|h| h.borrow().contains(&k)).unwrap_or(false);
    if held {
        return Err(Error::new(
            WD_E::RecursiveCall,
            format!(
                "{what} is in use by the call this callback reports on (a callback may not \
                 call into the object of its own call)"
            ),
        ));
    }
    Ok(())
}

/// Marks `object` as held by the calling thread, after [`check`].
pub fn hold<T: ?Sized>(object: &T, what: &str) -> Result<Held> {
    check(object, what)?;
    let k = key(object);
    let _ = HELD.try_with(|h| h.borrow_mut().push(k));
    Ok(Held(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_objects_refuse_a_second_hold_on_the_same_thread_only() {
        let a = parking_lot::Mutex::new(1);
        let b = parking_lot::Mutex::new(2);
        let h = hold(&a, "session \"a\"").unwrap();
        let e = hold(&a, "session \"a\"").err().expect("held");
        assert_eq!(e.code, WD_E::RecursiveCall);
        assert!(e.message.contains("session \"a\""), "{}", e.message);
        check(&b, "b").unwrap();
        let a_ref = &a;
        std::thread::scope(|s| {
            s.spawn(move || check(a_ref, "a").unwrap());
        });
        drop(h);
        check(&a, "a").unwrap();
    }
}
