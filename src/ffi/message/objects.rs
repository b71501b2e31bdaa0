//! Message and message-list handles: their tables, the calling thread's legacy `Email`
//! structure (handle 0), and the lookup every message function goes through.

use crate::error::{Error, Result, WD_E};
use crate::ffi::handles::{HandleTable, KIND_LIST, KIND_MESSAGE, kind_of};
use crate::registry::{self, MessageObj};
use parking_lot::Mutex;
use std::sync::Arc;

/// A message object as seen from C: the model plus the strings handed out to the caller.
pub type EmailObj = MessageObj;

/// A list of messages returned by `EmailRecupereTout`; its items are message handles.
pub struct MessageList {
    pub items: Vec<i32>,
}

pub static MESSAGES: HandleTable<EmailObj> = HandleTable::new(KIND_MESSAGE);
pub static LISTS: HandleTable<MessageList> = HandleTable::new(KIND_LIST);

thread_local! {
    static LEGACY: Arc<Mutex<EmailObj>> = Arc::new(Mutex::new(EmailObj::default()));
}

/// Resolves a message handle (0 is the calling thread's legacy `Email` structure) and
/// parses a message whose parsing was deferred (see [`EmailObj::ensure_parsed`]). Every
/// access to the fields goes through here.
pub fn resolve(h: i32) -> Result<Arc<Mutex<EmailObj>>> {
    let obj = resolve_raw(h)?;
    // Parsing may write a transcript note: its callback must not call into the message.
    let _held = crate::reentry::hold(&*obj, "the message")?;
    obj.lock().ensure_parsed();
    Ok(obj)
}

/// [`resolve`] without parsing: for the functions that read only the source or the
/// server fields (UID, number, size, seen, out), or replace the whole message.
///
/// Errors: `WD_E_INVALID_HANDLE`, `WD_E_RECURSIVE_CALL` from a callback of a call that
/// holds the message (parsing it, saving its attachment).
pub fn resolve_raw(h: i32) -> Result<Arc<Mutex<EmailObj>>> {
    let obj = if h == 0 {
        LEGACY
            .try_with(|l| l.clone())
            .map_err(|_| Error::internal("legacy Email structure unavailable (thread exiting)"))?
    } else {
        MESSAGES.get(h)?
    };
    crate::reentry::check(&*obj, &format!("message {h}"))?;
    Ok(obj)
}

/// [`resolve`], then completes a message read with headers only (for the body fields).
pub fn resolve_whole(h: i32) -> Result<Arc<Mutex<EmailObj>>> {
    let obj = resolve(h)?;
    registry::complete(&obj)?;
    Ok(obj)
}

/// Stores a new message and returns its handle.
pub fn new_handle(obj: EmailObj) -> Result<i32> {
    MESSAGES.insert(obj)
}

/// Frees a message, or a list and its messages (`EmailLibere`).
pub fn free(h: i32) -> Result<()> {
    if h == 0 {
        return Err(Error::new(
            WD_E::InvalidHandle,
            "handle 0 is the legacy Email structure and cannot be freed (use EmailRAZ)",
        ));
    }
    if kind_of(h) == KIND_LIST {
        crate::ffi::read::forget_fill(h);
        for item in std::mem::take(&mut LISTS.remove(h)?.lock().items) {
            let _ = MESSAGES.remove(item);
        }
    } else {
        MESSAGES.remove(h)?;
    }
    Ok(())
}
