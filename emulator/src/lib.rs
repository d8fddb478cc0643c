//! A local emulator of the Langdock Integrations API, for tests and offline development.
//!
//! It serves every endpoint of the API contract (`/integrations/v1/…`) with in-memory state, optionally
//! persisted to a JSON file ([`Config::state_file`]: written atomically and durably before each change is
//! answered, so it survives even `SIGKILL`); checks API keys and scopes; enforces the API's limits; and lets a
//! test script failures (statuses, latency, dropped connections, truncated or malformed answers), a rate limit
//! and read a journal of the requests it received. The same controls are reachable over HTTP under
//! `/_emulator/`, and faults and chaos can also be set from the start ([`Config::faults`], [`Config::chaos`];
//! `--fault`, `--chaos` on the command line).
//!
//! With [`Config::tls`] it serves HTTPS instead, with a certificate authority generated at start
//! ([`Emulator::ca_pem`]), so that a client's custom-CA path is exercised for real.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use langdock_emulator::{Config, Emulator, Fault, Operation, DEFAULT_API_KEY};
//!
//! let emulator = Emulator::start(Config::default()).await?;
//! // The next create-action call fails with 503 and is not applied.
//! emulator.inject(Fault::new(Operation::CreateAction).status(503).header("Retry-After", "1"));
//! println!("point the client at {} with key {DEFAULT_API_KEY}", emulator.base_url());
//! assert!(emulator.journal().is_empty());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod app;
mod args;
mod blocking;
mod body;
mod config;
mod control;
mod emulator;
mod faults;
mod inject;
mod journal;
mod operation;
mod persist;
mod pipeline;
mod ratelimit;
mod reply;
mod router;
mod routes;
mod seed;
mod server;
mod signals;
mod state;
mod sync;
mod time;
mod tls;
mod validate;
mod views;

pub use args::EmulatorArgs;
pub use blocking::{BlockingEmulator, run_blocking};
pub use config::{ApiKey, Config, DEFAULT_API_KEY, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT_PER_MINUTE, Scope};
pub use emulator::Emulator;
pub use faults::{Chaos, DropPoint, Fault, FaultKind, FaultTarget};
pub use journal::{JOURNAL_CAPACITY, JournalEntry};
pub use operation::Operation;
pub use seed::SEEDED_INTEGRATION_IDS;
pub use signals::ShutdownSignals;
