//! The Node binding of the `langdock` client: conversions between JavaScript values and the Rust core,
//! nothing more. Every decision (retries, defaults, validation, timeouts) is the core's.
//!
//! The native module is not meant to be used directly: the JavaScript facade in `lib/` wraps it in the
//! `Langdock` class, its resources and the error classes. Each file here mirrors one concept:
//! - [`client`]: `NativeClient`, one method per endpoint, each turning a core call into a Promise;
//! - [`calls`]: how a core future becomes a Promise that an `AbortSignal` can cancel;
//! - [`wake`]: one event-loop wake-up settles every call that finished meanwhile;
//! - [`options`]: client and per-call options from JavaScript;
//! - [`body`]: a call's body from JavaScript to JSON;
//! - [`outcome`]: successful answers to JavaScript;
//! - [`errors`]: the one place where errors become JavaScript error objects;
//! - [`emulator`]: `NativeEmulator`, the in-process emulator behind `langdock/testing`;
//! - [`logging`]: `LANGDOCK_LOG` to stderr;
//! - [`sandbox`]: `runSandbox`, the local runner of integration code behind `langdock/sandbox`;
//! - `debug` (debug builds only): a switch that makes the next call panic, for the tests of panic handling.

#![deny(missing_docs)]

mod body;
mod calls;
mod client;
#[cfg(debug_assertions)]
mod debug;
mod emulator;
mod errors;
mod logging;
mod options;
mod outcome;
mod sandbox;
mod wake;

/// The build profile, as a marker that `npm pack` looks for in the addon's bytes (`scripts/check-addon.cjs`), so a
/// debug build (60+ MB, slow) cannot be packed: a marker works for ELF, Mach-O and PE alike, and for addons built for
/// another machine, which the packing machine cannot load. Exported, so no linker drops it.
#[cfg(debug_assertions)]
#[unsafe(no_mangle)]
pub static LANGDOCK_BUILD_PROFILE: [u8; 28] = *b"langdock-build-profile:debug";
/// The build profile, as a marker that `npm pack` looks for in the addon's bytes (see the debug one above).
#[cfg(not(debug_assertions))]
#[unsafe(no_mangle)]
pub static LANGDOCK_BUILD_PROFILE: [u8; 30] = *b"langdock-build-profile:release";
