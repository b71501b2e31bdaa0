//! Generational handle tables: an `int32_t` handle packs a kind tag, a generation counter
//! and a slot index, so stale, double-freed and wrong-kind handles are detected.
//!
//! Layout of a handle (always positive, never 0): bit 31 = 0, bits 27..=30 = kind (1..15),
//! bits 18..=26 = generation (9 bits), bits 0..=17 = slot index.
//! The table lock is held only to look up or clone an `Arc`, never across I/O.

use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;

const INDEX_BITS: u32 = 18;
const GEN_BITS: u32 = 9;
const KIND_SHIFT: u32 = INDEX_BITS + GEN_BITS;
const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;
const GEN_MASK: u32 = (1 << GEN_BITS) - 1;
/// Most objects of one kind alive at once.
pub(crate) const MAX_LIVE: usize = 1 << INDEX_BITS;

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

struct Slot<T> {
    generation: u32,
    value: Option<Arc<Mutex<T>>>,
}

struct Inner<T> {
    slots: Vec<Slot<T>>,
    /// Free slots, oldest freed first, so a slot is reused as late as possible.
    free: VecDeque<u32>,
    live: usize,
}

/// A table of objects of one kind.
pub struct HandleTable<T> {
    kind: u32,
    inner: Mutex<Inner<T>>,
}

impl<T> HandleTable<T> {
    pub const fn new(kind: u32) -> HandleTable<T> {
        HandleTable {
            kind,
            inner: Mutex::new(Inner {
                slots: Vec::new(),
                free: VecDeque::new(),
                live: 0,
            }),
        }
    }

    fn pack(&self, index: u32, generation: u32) -> i32 {
        ((self.kind << KIND_SHIFT) | ((generation & GEN_MASK) << INDEX_BITS) | index) as i32
    }

    /// Stores `value` and returns its new handle.
    pub fn insert(&self, value: T) -> Result<i32> {
        let mut inner = self.inner.lock();
        let arc = Arc::new(Mutex::new(value));
        // Reuse a freed slot only when enough are free, so stale handles stay detectable.
        let reuse = inner.free.len() > 64 || inner.slots.len() >= MAX_LIVE;
        let index = if reuse {
            match inner.free.pop_front() {
                Some(i) => i,
                None => {
                    return Err(Error::invalid_arg(format!(
                        "too many {} objects alive (limit {MAX_LIVE})",
                        kind_name(self.kind)
                    )));
                }
            }
        } else {
            inner.slots.push(Slot {
                generation: 0,
                value: None,
            });
            (inner.slots.len() - 1) as u32
        };
        let slot = &mut inner.slots[index as usize];
        slot.value = Some(arc);
        let generation = slot.generation;
        inner.live += 1;
        Ok(self.pack(index, generation))
    }

    fn decode(&self, h: i32) -> Result<(u32, u32)> {
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
        let v = h as u32;
        Ok((v & INDEX_MASK, (v >> INDEX_BITS) & GEN_MASK))
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
        let (index, generation) = self.decode(h)?;
        let inner = self.inner.lock();
        match inner.slots.get(index as usize) {
            Some(slot) if slot.generation == generation => {
                slot.value.clone().ok_or_else(|| self.stale(h))
            }
            _ => Err(self.stale(h)),
        }
    }

    /// Removes a handle and returns its object (dropped by the caller, outside the lock).
    pub fn remove(&self, h: i32) -> Result<Arc<Mutex<T>>> {
        let (index, generation) = self.decode(h)?;
        let mut inner = self.inner.lock();
        let taken = match inner.slots.get_mut(index as usize) {
            Some(slot) if slot.generation == generation && slot.value.is_some() => {
                slot.generation = (slot.generation + 1) & GEN_MASK;
                slot.value.take()
            }
            _ => None,
        };
        match taken {
            Some(v) => {
                inner.free.push_back(index);
                inner.live -= 1;
                Ok(v)
            }
            None => Err(self.stale(h)),
        }
    }

    /// Number of live objects.
    pub fn live(&self) -> usize {
        self.inner.lock().live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_positive_tagged_and_generational() -> Result<()> {
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
        Ok(())
    }

    #[test]
    fn freed_slots_are_reused_late_with_new_generation() -> Result<()> {
        let t: HandleTable<u32> = HandleTable::new(KIND_MESSAGE);
        let first = t.insert(0)?;
        t.remove(first)?;
        let mut seen = std::collections::HashSet::new();
        seen.insert(first);
        for i in 0..2000 {
            let h = t.insert(i)?;
            assert!(seen.insert(h), "handle value reused too early");
            t.remove(h)?;
            if seen.len() > 500 {
                break;
            }
        }
        assert!(t.get(first).is_err());
        assert_eq!(t.live(), 0);
        Ok(())
    }
}
