//! The lists of messages that `fetch_all` fills (`EmailRecupereTout`, `EmailRecherche`):
//! their items, and how far a list filled in the background has come.

use crate::error::{Error, Result};

/// How far the fill of a list has come.
#[derive(Debug, Default)]
pub enum FillState {
    /// Every message is in: always for a list fetched at once.
    #[default]
    Complete,
    /// A thread of [`super::fetch_all_background`] is still adding messages.
    Filling,
    /// The fill stopped with this error; the messages before it stay.
    Stopped(Error),
}

impl FillState {
    /// The state of a fill that ended with `outcome`.
    pub fn ended(outcome: Result<()>) -> FillState {
        match outcome {
            Ok(()) => FillState::Complete,
            Err(e) => FillState::Stopped(e),
        }
    }
}

/// A list of messages, each item naming one (the C boundary's message handles).
#[derive(Debug, Default)]
pub struct MessageList<T> {
    pub items: Vec<T>,
    pub fill: FillState,
}

impl<T: Copy> MessageList<T> {
    /// A complete list of `items`.
    pub fn complete(items: Vec<T>) -> MessageList<T> {
        MessageList {
            items,
            fill: FillState::Complete,
        }
    }

    /// An empty list about to be filled in the background.
    pub fn filling() -> MessageList<T> {
        MessageList {
            items: Vec::new(),
            fill: FillState::Filling,
        }
    }

    /// The `index`-th (0-based) item; `WD_E_INVALID_ARGUMENT` out of range.
    pub fn item(&self, index: i32) -> Result<T> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.items.get(i).copied())
            .ok_or_else(|| {
                Error::invalid_arg(format!(
                    "index {index} is out of range for a list of {} message(s)",
                    self.items.len()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WD_E;

    #[test]
    fn items_and_fill() {
        let l = MessageList::complete(vec![7, 9]);
        assert_eq!(l.item(1).unwrap(), 9);
        assert_eq!(l.item(2).unwrap_err().code, WD_E::InvalidArgument);
        assert_eq!(l.item(-1).unwrap_err().code, WD_E::InvalidArgument);
        assert!(matches!(l.fill, FillState::Complete));
        let f = MessageList::<i32>::filling();
        assert!(f.items.is_empty() && matches!(f.fill, FillState::Filling));
        assert!(matches!(FillState::ended(Ok(())), FillState::Complete));
        let stopped = FillState::ended(Err(Error::invalid_arg("x")));
        assert!(matches!(stopped, FillState::Stopped(e) if e.message == "x"));
    }
}
