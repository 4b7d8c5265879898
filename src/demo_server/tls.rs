//! The demo server's HTTPS side: a certificate authority and a certificate for `localhost` made at
//! start with rcgen, so the whole TLS story works offline. The app trusts this authority for the
//! run only (it is handed to the job as an extra root); `serve-demo --ca-out FILE` writes it for curl.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, date_time_ymd};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// The name the demo's HTTPS address uses: a name, so the server name (SNI) is sent and shown.
pub const DEMO_HOST: &str = "localhost";

/// A certificate authority and one server certificate it signed.
#[derive(Debug)]
pub struct Pki {
    /// The authority's certificate, to trust.
    pub ca: CertificateDer<'static>,
    /// The same, as PEM text (what curl's `--cacert` reads).
    pub ca_pem: String,
    /// The server's certificate, then the authority's.
    pub chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
    /// The chain and the key as PEM text, for another TLS server (`openssl s_server`) to show.
    chain_pem: String,
    key_pem: String,
}

impl Pki {
    /// An authority and a server certificate for `names` (DNS names or IP addresses), valid from
    /// 1 January of `years.0` to 1 January of `years.1`.
    pub fn issue(names: &[&str], years: (i32, i32)) -> Result<Self, rcgen::Error> {
        let mut ca_params = CertificateParams::new(Vec::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "socket-fetch demo authority");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;
        let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())?;
        params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("socket-fetch demo"));
        params.not_before = date_time_ymd(years.0, 1, 1);
        params.not_after = date_time_ymd(years.1, 1, 1);
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &ca)?;
        Ok(Self {
            ca: ca.der().clone(),
            ca_pem: ca.pem(),
            chain: vec![cert.der().clone(), ca.der().clone()],
            key: key.serialize_der(),
            chain_pem: format!("{}{}", cert.pem(), ca.pem()),
            key_pem: key.serialize_pem(),
        })
    }

    /// The demo's own: for `localhost` and 127.0.0.1, valid for years around now.
    pub fn for_demo() -> Result<Self, rcgen::Error> {
        Self::issue(&[DEMO_HOST, "127.0.0.1"], (2020, 2100))
    }

    /// The server's chain and key as PEM text, as `openssl s_server -cert -key` read them.
    pub fn server_pem(&self) -> (&str, &str) {
        (&self.chain_pem, &self.key_pem)
    }

    /// A TLS server configuration that shows this chain (ring provider, TLS 1.2 and 1.3, ALPN http/1.1).
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, rustls::Error> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()));
        let mut config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), key)?;
        // What it speaks over TLS, agreed in the handshake (ALPN): HTTP/1.1, which HTTP/1.0 clients fit.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// A connection the demo serves: plain, or TLS over it.
pub trait Line: Read + Write {
    fn socket(&self) -> &TcpStream;
    /// Ends the conversation properly: TLS says so (`close_notify`); plain TCP needs nothing.
    fn finish(&mut self) -> io::Result<()>;
}

impl Line for TcpStream {
    fn socket(&self) -> &TcpStream {
        self
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The socket under a TLS connection, with a deadline on all that is read from it: the handshake
/// and the request head must have come by then, however the client trickles them, as a plain
/// client's head must. rustls reads on until a record is whole, so the
/// deadline has to be the socket's: a limit per read would restart with every byte.
pub struct Timed {
    socket: TcpStream,
    deadline: Instant,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.socket.set_read_timeout(Some(left))?;
        self.socket.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush()
    }
}

impl Line for StreamOwned<ServerConnection, Timed> {
    fn socket(&self) -> &TcpStream {
        &self.sock.socket
    }

    fn finish(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.flush()
    }
}

/// Wraps an accepted socket in TLS; the handshake happens on the first read, and it and the request
/// head must be done `within` from now.
pub fn accept(
    config: &Arc<ServerConfig>,
    stream: TcpStream,
    within: Duration,
) -> io::Result<StreamOwned<ServerConnection, Timed>> {
    // Each write is a TLS record of its own: sent at once, not held back for the last one's ACK.
    stream.set_nodelay(true)?;
    let connection = ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
    Ok(StreamOwned::new(connection, Timed { socket: stream, deadline: Instant::now() + within }))
}

/// What a client past the cap gets on the TLS port before any handshake: a fatal `internal_error`
/// alert, in a plain record as alerts before the handshake are. Plain text there would read as
/// "this server does not speak TLS".
pub const BUSY_ALERT: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 80];
