//! A run that runs out of memory (a `ulimit -v` too small for its data, a machine without
//! overcommit) ends with exit 2 and a line saying so, not by SIGABRT (exit 134, which cron
//! logs as a crash): Rust aborts when an allocation fails, and no stable hook replaces
//! that, so the allocator notes each refused allocation and a SIGABRT handler that finds
//! one noted ends the process with the documented code. An allocation refused to a caller
//! that copes (`try_reserve`) leaves only the note (memory is short, so a later abort is
//! told as running out of it). An abort with no refusal noted (a stack overflow, a panic
//! while panicking) stays an abort. Like `kill -9`, the end leaves a staging folder
//! or temporary files for the next run to remove; every replacement is atomic, so the
//! previous report and snapshot are whole.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once an allocation was refused.
static REFUSED: AtomicBool = AtomicBool::new(false);

/// mimalloc, noting refused allocations for [`install`]'s handler.
pub struct Allocator;

impl Allocator {
    fn noted(ptr: *mut u8) -> *mut u8 {
        if ptr.is_null() {
            REFUSED.store(true, Ordering::SeqCst);
        }
        ptr
    }
}

// SAFETY: every call is mimalloc's, unchanged; only a null result is noted.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Allocator::noted(unsafe { mimalloc::MiMalloc.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Allocator::noted(unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Allocator::noted(unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) })
    }
}

/// The line a run out of memory ends with (exit 2).
const MESSAGE: &[u8] = b"supportlens: error: out of memory: an allocation was refused; check \
`ulimit -v` and the machine's free memory, or report fewer weeks, then run again (the \
previous report and snapshot are whole)\n";

/// Turns an abort after a refused allocation into [`MESSAGE`] and exit 2. Called once by
/// the binary, with [`Allocator`] as its global allocator.
#[cfg(unix)]
pub fn install() {
    // SAFETY: the handler only reads an atomic, writes a constant and calls `_exit`, all
    // async-signal-safe; a zeroed sigaction with an empty mask is a plain handler.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abort as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
pub fn install() {}

#[cfg(unix)]
extern "C" fn on_abort(_: libc::c_int) {
    if REFUSED.load(Ordering::SeqCst) {
        // SAFETY: write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(2);
        }
    }
    // Returning lets abort() end the process by SIGABRT, as without this handler.
}
