//! The trust roots every HTTP client of the project uses: the system's, the bundled Mozilla (webpki) roots, and
//! PEM bundles from the caller or `LANGDOCK_CA_BUNDLE`. One place, so the API client and the sandbox's
//! `ld.request` trust the same servers.

use std::path::PathBuf;

use crate::client::env;
use crate::error::Error;

/// Adds the project's trust roots to `builder`: each PEM in `ca_pem`, the PEM file at `ca_bundle` (else at
/// `LANGDOCK_CA_BUNDLE`), and the bundled Mozilla roots; the system's roots stay trusted.
///
/// Errors with an [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) error when the bundle cannot be
/// read or holds invalid PEM.
pub fn add_trust_roots(
    mut builder: reqwest::ClientBuilder,
    ca_pem: Vec<Vec<u8>>,
    ca_bundle: Option<PathBuf>,
) -> Result<reqwest::ClientBuilder, Error> {
    let mut pems = ca_pem;
    let ca_path = ca_bundle.or_else(|| std::env::var_os(env::CA_BUNDLE).map(Into::into));
    if let Some(path) = ca_path {
        let pem = std::fs::read(&path).map_err(|e| {
            Error::configuration(format!("cannot read the CA bundle {}: {e}", path.display())).with_source(e)
        })?;
        pems.push(pem);
    }
    for pem in pems {
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::configuration(format!("invalid PEM in the CA bundle: {e}")).with_source(e))?;
        builder = builder.tls_certs_merge(certificates);
    }
    Ok(builder.tls_certs_merge(bundled_roots()))
}

/// The bundled Mozilla roots (webpki), trusted beside the system's: a machine without a CA store (a slim
/// container) still reaches public servers, and one whose store lacks a root still trusts it.
pub(crate) fn bundled_roots() -> impl Iterator<Item = reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().filter_map(|der| reqwest::Certificate::from_der(der).ok())
}
