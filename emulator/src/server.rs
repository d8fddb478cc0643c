//! Accepts connections and serves each with hyper directly, so that a handler can close its connection
//! without answering (dropped-connection faults): each connection task waits on the connection and on a
//! per-connection signal, and dropping the connection future closes the socket unanswered. In HTTPS mode each
//! connection task first completes the TLS handshake, so a slow or broken handshake never holds up accepting.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::app::App;
use crate::inject::ConnSignal;
use crate::pipeline;

/// How long a graceful shutdown waits for open requests before cutting connections.
const GRACE: Duration = Duration::from_secs(5);
/// How long a client may take to complete the TLS handshake before its connection is closed.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves until `shutdown` turns true (or its sender is dropped), then stops accepting, lets open requests
/// finish for up to [`GRACE`], and closes what is left. With `tls`, every connection is HTTPS.
pub(crate) async fn run(
    listener: TcpListener,
    app: Arc<App>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Small JSON answers should not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    let (app, shutdown) = (Arc::clone(&app), shutdown.clone());
                    match &tls {
                        None => connections.spawn(serve(stream, app, shutdown)),
                        Some(acceptor) => connections.spawn(serve_tls(acceptor.clone(), stream, app, shutdown)),
                    };
                }
                Err(e) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(GRACE, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

/// Completes the TLS handshake, then serves the connection; a failed handshake (an untrusting client, plain
/// HTTP sent to the HTTPS port) only closes this connection.
async fn serve_tls(acceptor: TlsAcceptor, stream: TcpStream, app: Arc<App>, shutdown: watch::Receiver<bool>) {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => serve(stream, app, shutdown).await,
        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
        Err(_) => tracing::debug!("TLS handshake timed out"),
    }
}

/// Serves one connection (HTTP/1.1 with keep-alive).
async fn serve<S>(stream: S, app: Arc<App>, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let signal = Arc::new(Notify::new());
    let conn_signal = ConnSignal(Arc::clone(&signal));
    let service = service_fn(move |req| pipeline::handle(Arc::clone(&app), conn_signal.clone(), req));
    let connection = http1::Builder::new().timer(TokioTimer::new()).serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let mut closing = *shutdown.borrow();
    if closing {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            // A handler asked for the connection to be dropped: returning drops it unanswered.
            () = signal.notified() => return,
            _ = shutdown.changed(), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}
