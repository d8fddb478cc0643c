//! Shutdown signals for the binaries that serve the emulator until they are told to stop.

/// SIGINT and (on Unix) SIGTERM, listened for from the moment of [`ShutdownSignals::install`] on.
#[derive(Debug)]
pub struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    /// Installs the handlers; from here on these signals wait for [`ShutdownSignals::recv`] instead of killing us.
    #[cfg(unix)]
    pub fn install() -> std::io::Result<ShutdownSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(ShutdownSignals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    #[cfg(not(unix))]
    pub fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals {})
    }

    /// Resolves when SIGINT or SIGTERM has arrived since installation or the last call.
    #[cfg(unix)]
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    pub async fn recv(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
