//! A run that runs out of memory (a `ulimit -v` too small for its data, a machine without
//! overcommit) ends with exit 2 and a line saying so, not by SIGABRT (exit 134, which cron
//! logs as a crash): Rust aborts when an allocation fails, and no stable hook replaces
//! that, so the allocator notes each refused allocation and a SIGABRT handler that finds
//! one noted ends the process with the documented code. An allocation refused to a caller
//! that copes (`try_reserve`) leaves only the note (memory is short, so a later abort is
//! told as running out of it). An abort with no refusal noted (a stack overflow, a panic
//! while panicking) stays an abort, and so does a SIGABRT sent from outside. Like `kill -9`, the end leaves a staging folder
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

/// Turns an abort after a refused allocation into [`MESSAGE`] and exit 2, and so a panic
/// for a thread that could not start (see [`no_thread`]). Called once by the binary, with
/// [`Allocator`] as its global allocator.
#[cfg(unix)]
pub fn install() {
    on_thread_refused();
    // SAFETY: the handler only reads an atomic and the signal's sender, writes a constant,
    // and calls `_exit`, `signal` and `raise`, all async-signal-safe; a zeroed sigaction
    // with an empty mask and SA_SIGINFO is a plain three-argument handler.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abort
            as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
            as libc::sighandler_t;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
pub fn install() {
    on_thread_refused();
}

/// A panic because the system would start no more threads (memory or `ulimit -u` spent:
/// std's `thread::spawn`, rayon's and tokio's pools panic then) ends the run as running out
/// of memory does; any other panic is reported as before.
fn on_thread_refused() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        if text.is_some_and(no_thread) {
            crate::stderr_line!(
                "supportlens: error: out of memory: a thread could not start; check `ulimit \
                 -v`, `ulimit -u` and the machine's free memory, then run again (the previous \
                 report and snapshot are whole)"
            );
            std::process::exit(2);
        }
        if text.is_some_and(no_memory_in_c) {
            crate::stderr_line!(
                "supportlens: error: out of memory: the Parquet codec could not allocate; \
                 check `ulimit -v` and the machine's free memory, then run again (the \
                 previous report and snapshot are whole)"
            );
            std::process::exit(2);
        }
        previous(info);
    }));
}

/// True when a panic's text is zstd's for a context it could not allocate: zstd allocates
/// with C's malloc, out of [`Allocator`]'s sight, and returns null only when that fails.
fn no_memory_in_c(text: &str) -> bool {
    text.contains("zstd returned null pointer")
}

/// True when a panic's text says a thread could not start for want of resources: EAGAIN
/// (os error 11, what `pthread_create` answers when the stack cannot be mapped or the
/// process may start no more threads) or ENOMEM (12), while spawning or building a pool.
fn no_thread(text: &str) -> bool {
    let spawning = text.contains("spawn") || text.contains("ThreadPoolBuild");
    let resources = ["os error 11", "code: 11,", "os error 12", "code: 12,"]
        .iter()
        .any(|t| text.contains(t));
    spawning && resources
}

/// SIGABRT: [`MESSAGE`] and exit 2 when this process aborted itself after a refused
/// allocation; any other SIGABRT (another abort of ours, or one sent from outside: `kill
/// -ABRT`, a service manager's watchdog, `timeout -s ABRT`) ends the process by the signal,
/// as without this handler. Returning would let an outside sender's signal go unheeded.
#[cfg(unix)]
extern "C" fn on_abort(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: `info` is the kernel's siginfo for this SA_SIGINFO handler; reading its
    // sender, getpid, write, _exit, signal and raise are async-signal-safe.
    unsafe {
        let from_self = !info.is_null() && (*info).si_pid() == libc::getpid();
        if from_self && REFUSED.load(Ordering::SeqCst) {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(2);
        }
        libc::signal(libc::SIGABRT, libc::SIG_DFL);
        libc::raise(libc::SIGABRT);
    }
}

/// The number of KiB a `/proc` file gives on its line starting with `name`.
pub fn kib(path: &str, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(name))?;
    line[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// This process's resident memory in KiB, where `/proc` says it (Linux).
pub fn resident_kib() -> Option<u64> {
    kib("/proc/self/status", "VmRSS:")
}

#[cfg(test)]
mod tests {
    use super::{kib, no_thread};

    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_memory_is_read() {
        assert!(kib("/proc/self/status", "VmRSS:").is_some_and(|k| k > 0));
        assert!(kib("/proc/meminfo", "MemAvailable:").is_some_and(|k| k > 0));
        assert_eq!(kib("/proc/self/status", "NoSuchLine:"), None);
        assert!(super::resident_kib().is_some_and(|k| k > 0));
    }

    #[test]
    fn a_codec_out_of_memory_is_told_from_other_panics() {
        assert!(super::no_memory_in_c(
            "zstd returned null pointer when creating new context"
        ));
        assert!(!super::no_memory_in_c("index out of bounds"));
    }

    #[test]
    fn thread_panics_for_want_of_resources_are_told_from_others() {
        for text in [
            "failed to spawn thread: Os { code: 11, kind: WouldBlock, message: \"Resource \
             temporarily unavailable\" }",
            "OS can't spawn worker thread: Resource temporarily unavailable (os error 11)",
            "The global thread pool has not been initialized.: ThreadPoolBuildError { kind: \
             IOError(Os { code: 11, kind: WouldBlock, message: \"Resource temporarily \
             unavailable\" }) }",
            "failed to spawn thread: Os { code: 12, kind: OutOfMemory, message: \"Cannot \
             allocate memory\" }",
        ] {
            assert!(no_thread(text), "{text}");
        }
        for text in [
            "index out of bounds: the len is 11 but the index is 12",
            "failed to spawn thread: Os { code: 1, kind: PermissionDenied }",
            "called `Option::unwrap()` on a `None` value",
        ] {
            assert!(!no_thread(text), "{text}");
        }
    }
}
