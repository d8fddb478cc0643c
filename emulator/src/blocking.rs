//! A handle for callers without an async runtime (the Python and Node bindings, plain `fn main`): the emulator
//! runs on its own tokio runtime, and every blocking step runs on a separate thread, so the handle also works
//! when its owner happens to be inside another runtime.

use std::io;
use std::net::SocketAddr;
use std::ops::Deref;

use tokio::runtime::Runtime;

use crate::config::Config;
use crate::emulator::Emulator;

/// An emulator running on its own runtime. Dereferences to [`Emulator`] for `inject`, `journal`, `reset`, ….
/// Dropping it stops the emulator like [`BlockingEmulator::stop`].
#[derive(Debug)]
pub struct BlockingEmulator {
    emulator: Option<Emulator>,
    runtime: Option<Runtime>,
}

/// Starts an emulator on `addr` (port 0 picks a free port) on a new two-thread runtime and returns once it
/// listens.
///
/// ```
/// use langdock_emulator::{Config, run_blocking};
/// let emulator = run_blocking(Config::default(), "127.0.0.1:0".parse().unwrap()).unwrap();
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// emulator.stop();
/// ```
pub fn run_blocking(config: Config, addr: SocketAddr) -> io::Result<BlockingEmulator> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("langdock-emulator")
        .enable_all()
        .build()?;
    let emulator = off_thread(|| runtime.block_on(Emulator::start_on(config, addr)))??;
    Ok(BlockingEmulator { emulator: Some(emulator), runtime: Some(runtime) })
}

/// Runs `f` on a fresh thread and waits: `block_on` and dropping a runtime panic inside an async context.
fn off_thread<T: Send>(f: impl FnOnce() -> T + Send) -> io::Result<T> {
    std::thread::scope(|scope| {
        scope.spawn(f).join().map_err(|_| io::Error::other("the emulator's runtime thread panicked"))
    })
}

impl BlockingEmulator {
    /// The emulator.
    pub fn emulator(&self) -> &Emulator {
        // Present from construction until `stop`/`drop`, which consume or end the handle.
        self.emulator.as_ref().unwrap_or_else(|| unreachable!("emulator is present until stop"))
    }

    /// Stops gracefully (state flushed) and shuts the runtime down.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        let (Some(emulator), Some(runtime)) = (self.emulator.take(), self.runtime.take()) else {
            return;
        };
        let _ = off_thread(move || {
            runtime.block_on(emulator.shutdown());
            drop(runtime);
        });
    }
}

impl Deref for BlockingEmulator {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        self.emulator()
    }
}

impl Drop for BlockingEmulator {
    fn drop(&mut self) {
        self.stop_inner();
    }
}
