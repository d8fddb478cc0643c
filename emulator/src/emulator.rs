//! The running emulator: start, control from the test, stop.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::{ApiKey, Config};
use crate::faults::Fault;
use crate::journal::JournalEntry;
use crate::server;
use crate::tls::Tls;

/// A running emulator. Dropping it stops the server (the port is released); [`Emulator::shutdown`] stops it
/// gracefully and flushes the state file.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use langdock_emulator::{Config, Emulator};
/// let emulator = Emulator::start(Config::default()).await?;
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Emulator {
    app: Arc<App>,
    addr: SocketAddr,
    base_url: String,
    ca_pem: Option<String>,
    shutdown: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts on `127.0.0.1` with a free port. Must be called inside a tokio runtime.
    pub async fn start(config: Config) -> io::Result<Emulator> {
        Emulator::start_on(config, SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await
    }

    /// Starts on `addr` (port 0 picks a free port). Fails when the port is taken, the state file cannot be
    /// read, or (with [`Config::tls`]) the CA cannot be written to [`Config::ca_out`].
    pub async fn start_on(mut config: Config, addr: SocketAddr) -> io::Result<Emulator> {
        let tls = if config.tls { Some(Tls::generate()?) } else { None };
        if let (Some(tls), Some(path)) = (&tls, config.ca_out.take()) {
            let pem = tls.ca_pem.clone();
            tokio::task::spawn_blocking(move || {
                crate::persist::write_atomic(&path, pem.as_bytes()).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot write the CA certificate to {}: {e}", path.display()))
                })
            })
            .await
            .map_err(io::Error::other)??;
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base_url = base_url_for(addr, tls.is_some());
        let (faults, chaos) = (std::mem::take(&mut config.faults), config.chaos.take());
        let app = Arc::new(App::new(config, base_url.clone())?);
        for fault in faults {
            app.faults.push(fault);
        }
        app.faults.set_chaos(chaos);
        // Write the file once at start, so that it exists (and is valid) from the beginning.
        let persisted = Arc::clone(&app);
        tokio::task::spawn_blocking(move || persisted.persist()).await.map_err(io::Error::other)??;
        let (shutdown, receiver) = watch::channel(false);
        let ca_pem = tls.as_ref().map(|tls| tls.ca_pem.clone());
        let acceptor = tls.map(|tls| tls.acceptor);
        let task = tokio::spawn(server::run(listener, Arc::clone(&app), acceptor, receiver));
        tracing::info!(%base_url, "langdock-emulator started");
        Ok(Emulator { app, addr, base_url, ca_pem, shutdown: Some(shutdown), task: Some(task) })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://…` with [`Config::tls`]), without a trailing slash. An unspecified
    /// bind address (`0.0.0.0`, `::`) is reported as loopback, which is where a local client reaches it.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// With [`Config::tls`], the PEM of the certificate authority this run generated: give it to a client as
    /// its custom CA (`ca_pem`, `LANGDOCK_CA_BUNDLE`). `None` when serving plain HTTP.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Queues a fault, like `POST /_emulator/faults`. A fault that `POST` would refuse (see [`Fault::check`])
    /// still runs: an invalid status becomes 500 and invalid headers are skipped.
    pub fn inject(&self, fault: Fault) {
        if let Err(e) = fault.check() {
            tracing::warn!(error = %e, "injected fault has invalid parts");
        }
        self.app.faults.push(fault);
    }

    /// The pending faults, like `GET /_emulator/faults`.
    pub fn faults(&self) -> Vec<Fault> {
        self.app.faults.list()
    }

    /// Removes pending faults, like `DELETE /_emulator/faults`.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// The journal, like `GET /_emulator/journal`.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.app.journal.entries()
    }

    /// Random faults on a share of every API request (`None` stops them), like `POST /_emulator/chaos`.
    pub fn set_chaos(&self, chaos: Option<crate::faults::Chaos>) {
        self.app.faults.set_chaos(chaos);
    }

    /// Keeps (or stops keeping) each answered body in the journal's `response`, e.g. to check every answer
    /// against the OpenAPI description. Off by default: answers can be large and benchmarks make many.
    pub fn record_responses(&self, on: bool) {
        self.app.journal.set_record_responses(on);
    }

    /// Empties the journal, like `DELETE /_emulator/journal`.
    pub fn clear_journal(&self) {
        self.app.journal.clear();
    }

    /// Back to the seed, faults and journal cleared; the rate limit and keys stay. Writes the state file.
    pub fn reset(&self) {
        self.app.reset();
        self.app.persist_logged();
    }

    /// Sets or removes (`None`) the per-key rate limit; buckets start full.
    pub fn set_rate_limit(&self, per_minute: Option<u32>) {
        self.app.limiter.set(per_minute);
    }

    /// Adds a key, or changes the scopes of an existing one; with a state file, the key is kept there and
    /// accepted again after a restart. Writes the state file.
    pub fn add_key(&self, key: ApiKey) {
        self.app.add_key(key);
        self.app.persist_logged();
    }

    /// Stops accepting, lets open requests finish (up to 5 s), then writes the state file.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        let app = Arc::clone(&self.app);
        let _ = tokio::task::spawn_blocking(move || app.persist_logged()).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Aborting the accept task drops the listener and, through its JoinSet, every connection: nothing keeps
        // the port. The state file is already current (it is written after every change).
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn base_url_for(addr: SocketAddr, tls: bool) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}
