//! The process id without a system call per read. glibc's `getpid` asks the kernel every time (0.2 µs here),
//! and a call read it up to five times (its request id, and the Python binding's checks for a forked child).
//! Now it is read once per process: a forked child forgets its parent's in a `pthread_atfork` handler and reads
//! its own on first use.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The id read for this process; 0 until the first read, and again in a child just forked (no process has id 0).
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);

/// This process's id, as `std::process::id()` says it, read from the kernel once per process.
pub(crate) fn id() -> u32 {
    match PROCESS_ID.load(Ordering::Relaxed) {
        0 if forgotten_in_forked_children() => {
            // Read after the handler is in place: a fork from now on clears what is stored here.
            let id = std::process::id();
            PROCESS_ID.store(id, Ordering::Relaxed);
            id
        }
        0 => std::process::id(),
        id => id,
    }
}

/// Whether a forked child clears the stored id (the handler is installed on the first call).
#[cfg(unix)]
fn forgotten_in_forked_children() -> bool {
    // Runs in the child only, in the thread that forked, before `fork` returns there: an atomic store is
    // async-signal-safe.
    extern "C" fn forget() {
        PROCESS_ID.store(0, Ordering::Relaxed);
    }
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    // SAFETY: installs a handler that only stores to an atomic. It fails only without memory; ids are then read
    // from the kernel each time.
    *INSTALLED.get_or_init(|| unsafe { libc::pthread_atfork(None, None, Some(forget)) } == 0)
}

/// Whether a forked child clears the stored id: no fork here, but no handler either, so nothing is stored.
#[cfg(not(unix))]
fn forgotten_in_forked_children() -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn a_forked_child_reads_its_own_id() {
        let parent = super::id();
        assert_eq!(parent, std::process::id());
        assert_eq!(super::id(), parent, "stored");
        // SAFETY: the child calls only async-signal-safe functions (getpid, atomics) before `_exit`.
        match unsafe { libc::fork() } {
            0 => {
                let own = super::id() == std::process::id() && super::id() != parent;
                unsafe { libc::_exit(if own { 0 } else { 1 }) }
            }
            child => {
                assert!(child > 0, "fork failed");
                let mut status = 0;
                assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
                assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child saw its parent's id");
            }
        }
    }
}
