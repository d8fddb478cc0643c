//! The HTTPS mode: a certificate authority generated at start, a leaf for the loopback names signed by it, and
//! the acceptor that serves with them. A fresh CA per run means nothing secret is ever checked in, and a client
//! trusts the emulator only when it is handed this run's CA (`ca_pem`, `LANGDOCK_CA_BUNDLE`).

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the leaf certificate is valid for: every way a local client spells the loopback address.
const LEAF_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "::1"];

/// The TLS side of a running emulator.
pub(crate) struct Tls {
    /// The acceptor each connection is handshaken with.
    pub acceptor: TlsAcceptor,
    /// The CA certificate, PEM: what a client must trust.
    pub ca_pem: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// Generates a CA and a leaf signed by it, and builds the server configuration (HTTP/1.1 only, as served).
    pub fn generate() -> io::Result<Tls> {
        let ca_key = KeyPair::generate().map_err(io::Error::other)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io::Error::other)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.distinguished_name.push(DnType::CommonName, "langdock-emulator local CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).map_err(io::Error::other)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_key = KeyPair::generate().map_err(io::Error::other)?;
        let mut leaf_params =
            CertificateParams::new(LEAF_NAMES.map(str::to_owned).to_vec()).map_err(io::Error::other)?;
        leaf_params.distinguished_name.push(DnType::CommonName, "langdock-emulator");
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(io::Error::other)?;

        let chain = vec![leaf_cert.der().clone(), CertificateDer::from(ca_cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let mut config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(io::Error::other)?;
        // The server speaks HTTP/1.1 only; saying so keeps an HTTP/2-capable client from trying h2.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(config)), ca_pem: ca_cert.pem() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_start_gets_its_own_ca() {
        let (a, b) = (Tls::generate().unwrap(), Tls::generate().unwrap());
        assert!(a.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"), "{}", a.ca_pem);
        assert_ne!(a.ca_pem, b.ca_pem);
    }
}
