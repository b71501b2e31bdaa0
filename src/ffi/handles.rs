//! Handle tables: an `int32_t` handle packs a kind tag and a serial number of its kind,
//! so stale, double-freed and wrong-kind handles are detected.
//!
//! Layout of a handle (always positive, never 0): bit 31 = 0, bits 27..=30 = kind
//! (1..15), bits 0..=26 = serial (1..=2^27 - 1). Each new object takes the next serial of
//! its kind; after the last one the count starts again at 1, skipping the values still
//! alive. So a freed value is issued again only after 2^27 - 2 (about 134 million)
//! further creations of its kind — far more than the 1,000,000 the API promises — and
//! two live objects never share a value.
//! The table lock is held only to look up, insert or remove an `Arc`, never across I/O.

use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;

const KIND_SHIFT: u32 = 27;
/// Highest serial number of a kind.
const SERIAL_MAX: u32 = (1 << KIND_SHIFT) - 1;
/// Most objects of one kind alive at once.
pub(crate) const MAX_LIVE: usize = 1 << 18;

/// Kind tags.
pub(crate) const KIND_MESSAGE: u32 = 1;
pub(crate) const KIND_LIST: u32 = 2;
pub(crate) const KIND_OAUTH_PARAMS: u32 = 3;
pub(crate) const KIND_TOKEN: u32 = 4;

/// Human name of a kind, for error messages.
pub fn kind_name(kind: u32) -> &'static str {
    match kind {
        KIND_MESSAGE => "message",
        KIND_LIST => "message list",
        KIND_OAUTH_PARAMS => "OAuth2 parameters",
        KIND_TOKEN => "token",
        _ => "unknown",
    }
}

/// Kind tag of a handle value (0 for values that cannot be handles).
pub fn kind_of(h: i32) -> u32 {
    if h <= 0 { 0 } else { (h as u32) >> KIND_SHIFT }
}

struct Inner<T> {
    /// The live objects by serial number.
    live: BTreeMap<u32, Arc<Mutex<T>>>,
    /// The serial number the next object takes (when it is free).
    next: u32,
}

/// A table of objects of one kind.
pub struct HandleTable<T> {
    kind: u32,
    /// Highest serial number issued before counting again from 1.
    serial_max: u32,
    inner: Mutex<Inner<T>>,
}

impl<T> HandleTable<T> {
    pub const fn new(kind: u32) -> HandleTable<T> {
        HandleTable::with_serial_max(kind, SERIAL_MAX)
    }

    /// A table counting serial numbers up to `serial_max` only (to test the wrap).
    const fn with_serial_max(kind: u32, serial_max: u32) -> HandleTable<T> {
        HandleTable {
            kind,
            serial_max,
            inner: Mutex::new(Inner {
                live: BTreeMap::new(),
                next: 1,
            }),
        }
    }

    fn pack(&self, serial: u32) -> i32 {
        ((self.kind << KIND_SHIFT) | serial) as i32
    }

    /// Stores `value` and returns its new handle.
    pub fn insert(&self, value: T) -> Result<i32> {
        let arc = Arc::new(Mutex::new(value));
        let mut inner = self.inner.lock();
        let limit = MAX_LIVE.min(self.serial_max as usize);
        if inner.live.len() >= limit {
            return Err(Error::invalid_arg(format!(
                "too many {} objects alive (limit {limit})",
                kind_name(self.kind)
            )));
        }
        // Ends: fewer values are live than there are serial numbers.
        loop {
            let serial = inner.next;
            inner.next = if serial >= self.serial_max {
                1
            } else {
                serial + 1
            };
            if let std::collections::btree_map::Entry::Vacant(slot) = inner.live.entry(serial) {
                slot.insert(arc);
                return Ok(self.pack(serial));
            }
        }
    }

    fn decode(&self, h: i32) -> Result<u32> {
        if h <= 0 {
            return Err(Error::new(
                crate::error::WD_E::InvalidHandle,
                format!("invalid {} handle {h}", kind_name(self.kind)),
            ));
        }
        let k = kind_of(h);
        if k != self.kind {
            return Err(Error::new(
                crate::error::WD_E::InvalidHandle,
                format!(
                    "handle {h} is a {} handle, not a {} handle",
                    kind_name(k),
                    kind_name(self.kind)
                ),
            ));
        }
        Ok(h as u32 & SERIAL_MAX)
    }

    fn stale(&self, h: i32) -> Error {
        Error::new(
            crate::error::WD_E::InvalidHandle,
            format!(
                "{} handle {h} is stale or already freed",
                kind_name(self.kind)
            ),
        )
    }

    /// Looks a handle up.
    pub fn get(&self, h: i32) -> Result<Arc<Mutex<T>>> {
        let serial = self.decode(h)?;
        let inner = self.inner.lock();
        inner
            .live
            .get(&serial)
            .cloned()
            .ok_or_else(|| self.stale(h))
    }

    /// Removes a handle and returns its object (dropped by the caller, outside the lock).
    pub fn remove(&self, h: i32) -> Result<Arc<Mutex<T>>> {
        let serial = self.decode(h)?;
        let mut inner = self.inner.lock();
        inner.live.remove(&serial).ok_or_else(|| self.stale(h))
    }

    /// Number of live objects.
    pub fn live(&self) -> usize {
        self.inner.lock().live.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_positive_and_tagged() -> Result<()> {
        let t: HandleTable<u32> = HandleTable::new(KIND_MESSAGE);
        let h = t.insert(5)?;
        assert!(h > 0);
        assert_eq!(kind_of(h), KIND_MESSAGE);
        assert_eq!(*t.get(h)?.lock(), 5);
        t.remove(h)?;
        assert!(t.get(h).is_err());
        assert!(t.remove(h).is_err());
        let l: HandleTable<u32> = HandleTable::new(KIND_LIST);
        let lh = l.insert(1)?;
        let e = t
            .get(lh)
            .err()
            .ok_or_else(|| Error::internal("wrong kind accepted"))?;
        assert!(e.message.contains("not a message handle"), "{}", e.message);
        assert!(t.get(0).is_err());
        assert!(t.get(-5).is_err());
        // The highest value of the highest kind is still a positive int32.
        let top: HandleTable<u32> = HandleTable::new(15);
        assert!(top.pack(SERIAL_MAX) > 0);
        Ok(())
    }

    #[test]
    fn a_freed_value_is_not_issued_again_for_a_million_cycles() -> Result<()> {
        let t: HandleTable<u32> = HandleTable::new(KIND_MESSAGE);
        let kept = t.insert(0)?;
        let old = t.insert(1)?;
        t.remove(old)?;
        for i in 0..1_000_001 {
            let h = t.insert(i)?;
            assert!(h != old && h != kept, "value reused after {i} cycles");
            t.remove(h)?;
        }
        assert!(t.get(old).is_err());
        assert_eq!(*t.get(kept)?.lock(), 0);
        assert_eq!(t.live(), 1);
        Ok(())
    }

    #[test]
    fn counting_again_skips_live_values() -> Result<()> {
        let t: HandleTable<u32> = HandleTable::with_serial_max(KIND_MESSAGE, 8);
        let live: Vec<i32> = (0..3).map(|i| t.insert(i)).collect::<Result<_>>()?;
        let mut seen = Vec::new();
        for i in 0..40 {
            let h = t.insert(100 + i)?;
            assert!(!live.contains(&h), "live value {h} issued twice");
            seen.push(h);
            t.remove(h)?;
        }
        // Only the five free serial numbers came round, in turn.
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 5);
        for (i, h) in live.iter().enumerate() {
            assert_eq!(*t.get(*h)?.lock(), i as u32);
        }
        // Full: an error, not a loop.
        let more: Vec<i32> = (0..5).map(|i| t.insert(i)).collect::<Result<_>>()?;
        assert!(t.insert(9).is_err());
        assert_eq!(more.len() + live.len(), t.live());
        Ok(())
    }
}
