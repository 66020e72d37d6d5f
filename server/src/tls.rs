//! HTTPS: the server's certificate and key, and a listener whose connections are TLS,
//! each handshake on a task of its own (a slow or hostile client holds only its own), with
//! a time bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client may take over its TLS handshake.
const HANDSHAKE_BOUND: Duration = Duration::from_secs(10);

/// The TLS configuration of the PEM files `certificate` (the chain) and `key`.
pub fn configuration(
    certificate: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(certificate)
        .map_err(|_| format!("impossible de lire le certificat {}", certificate.display()))?
        .collect::<Result<_, _>>()
        .map_err(|_| {
            format!(
                "le certificat {} n'est pas un PEM valide",
                certificate.display()
            )
        })?;
    if chain.is_empty() {
        return Err(format!(
            "le fichier {} ne contient aucun certificat",
            certificate.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|_| format!("impossible de lire la clé privée {} (PEM)", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let configuration = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("configuration TLS impossible ({error})"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| format!("le certificat et la clé ne vont pas ensemble ({error})"))?;
    Ok(Arc::new(configuration))
}

/// Accepted TLS connections, handshaken in the background.
pub struct TlsListener {
    connections: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local_address: SocketAddr,
}

impl TlsListener {
    /// TLS over the connections `listener` accepts.
    pub fn new(listener: TcpListener, tls: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        let local_address = listener.local_addr()?;
        let acceptor = TlsAcceptor::from(tls);
        let (sender, connections) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (stream, address) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    // Too many open files, a connection reset before it was taken: wait a
                    // little, and go on.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if sender.is_closed() {
                    break;
                }
                let acceptor = acceptor.clone();
                let handshaken = sender.clone();
                tokio::spawn(async move {
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_BOUND, acceptor.accept(stream)).await
                    {
                        let _ = handshaken.send((stream, address)).await;
                    }
                });
            }
        });
        Ok(Self {
            connections,
            local_address,
        })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accepting task ended: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local_address)
    }
}
