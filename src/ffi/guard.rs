//! The guard around every exported body: clears the thread's error state, catches panics,
//! records errors and returns the function's failure sentinel.

/// `ffi_guard!("Name", sentinel, { body returning crate::error::Result<T> })`.
///
/// Clears the calling thread's error state, runs the body inside `catch_unwind`, and on
/// `Err(e)` or a panic records the error and returns `sentinel`.
macro_rules! ffi_guard {
    ($name:expr, $sentinel:expr, $body:block) => {{
        $crate::ffi::errstate::clear();
        let r = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::error::Result<_> { $body },
        ));
        match r {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                $crate::ffi::errstate::set(&e);
                $sentinel
            }
            Err(p) => {
                $crate::ffi::errstate::set_panic($name, p);
                $sentinel
            }
        }
    }};
}

/// Like `ffi_guard!` but leaves the error state alone (for the error queries themselves).
macro_rules! ffi_query_guard {
    ($sentinel:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(_) => $sentinel,
        }
    }};
}

/// Exports the English name of an export: `english!(EN = FR(args…) -> R)` defines the
/// `extern "C"` function `EN`, which calls `FR` with the same arguments (`unsafe EN = …`
/// when `FR` is an `unsafe` function). One line per name, written right after `FR`.
/// cbindgen does not expand macros: build.rs reads these lines and declares `EN` in the
/// header right after `FR`, with `FR`'s parameters.
macro_rules! english {
    (unsafe $en:ident = $fr:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[doc = concat!("English name of `", stringify!($fr), "`.")]
        #[doc = "# Safety"]
        #[doc = concat!("As `", stringify!($fr), "`.")]
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $en($($arg: $ty),*) -> $ret {
            // SAFETY: the caller keeps the contract of the French function.
            unsafe { $fr($($arg),*) }
        }
    };
    ($en:ident = $fr:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        #[doc = concat!("English name of `", stringify!($fr), "`.")]
        #[unsafe(no_mangle)]
        pub extern "C" fn $en($($arg: $ty),*) -> $ret {
            $fr($($arg),*)
        }
    };
}
