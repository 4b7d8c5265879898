//! HTTPS: the TLS handshake over the job's own socket, and the reply read through it.
//!
//! rustls with its ring provider does the cryptography; this module only moves its records over the
//! socket in the job's 20 ms slices (so Cancel still acts mid-handshake), says what the handshake
//! agreed, and turns what can go wrong into plain-word [`FetchError`]s.

use std::io::{self, Read, Write};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use super::error::{CertProblem, FetchError};
use super::slice::is_slice_timeout;
use super::wire::{Direction, Tap};

/// The only application protocol offered: this tool sends HTTP/1.x.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// Which certificates the server's is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Mozilla's roots, bundled by webpki-roots: the same on every machine.
    Bundled,
    /// The bundled roots and these too (the demo server's certificate authority, for its run).
    BundledAnd(Vec<CertificateDer<'static>>),
    /// Only these (curl's `--cacert FILE`).
    Only(Vec<CertificateDer<'static>>),
    /// No check of who the server is (curl's `-k`): the connection is encrypted, but to anyone.
    Insecure,
}

/// One certificate of the server's chain, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// The names (and addresses) it is valid for.
    pub names: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    /// The same two dates in seconds since 1970 (UTC), so "expires in 89 days" can be computed from
    /// them; `None` when the certificate could not be read.
    pub validity_unix: Option<(i64, i64)>,
    /// "RSA 2048 bits", "EC 256 bits", ...
    pub key: String,
}

/// What the handshake agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreed {
    /// "TLS 1.3", "TLS 1.2".
    pub version: String,
    pub cipher_suite: String,
    pub key_exchange: Option<String>,
    pub alpn: Option<String>,
    /// The name sent (SNI); never sent for an IP address.
    pub server_name: Option<String>,
    /// The server's certificates, its own first.
    pub certificates: Vec<CertificateInfo>,
    /// False when the server's identity was not checked (`-k`).
    pub verified: bool,
    /// Bytes of TLS records written and read during the handshake: what anyone on the way sees of it.
    pub wire_sent: u64,
    pub wire_received: u64,
}

/// Why PEM text gave no certificates. Each reads as the end of a sentence about the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemProblem {
    #[error("no certificate (-----BEGIN CERTIFICATE-----) in it")]
    NoCertificate,
    /// The PEM reader's own words.
    #[error("it is not readable PEM ({0})")]
    Unreadable(String),
}

/// Reads certificates from PEM text (curl's `--cacert` file, the demo server's CA).
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, PemProblem> {
    use rustls::pki_types::pem::PemObject as _;
    let found: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    match found {
        Ok(found) if found.is_empty() => Err(PemProblem::NoCertificate),
        Ok(found) => Ok(found),
        Err(e) => Err(PemProblem::Unreadable(e.to_string())),
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn config(trust: &Trust) -> Result<ClientConfig, FetchError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_setup_error(&e))?;
    let mut roots = RootCertStore::empty();
    if matches!(trust, Trust::Bundled | Trust::BundledAnd(_)) {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    if let Trust::BundledAnd(extra) | Trust::Only(extra) = trust {
        for certificate in extra {
            roots.add(certificate.clone()).map_err(|e| tls_setup_error(&e))?;
        }
    }
    let mut config = builder.with_root_certificates(roots).with_no_client_auth();
    if *trust == Trust::Insecure {
        let algorithms = provider.signature_verification_algorithms;
        config.dangerous().set_certificate_verifier(Arc::new(AnyServer { algorithms }));
    }
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(config)
}

fn tls_setup_error(e: &dyn std::fmt::Display) -> FetchError {
    FetchError::TlsOther { detail: format!("the encryption could not be set up ({e})") }
}

/// `-k`: accepts any certificate for any name, but still checks that the server holds the key of the
/// certificate it shows (the signatures), as curl's `-k` does.
#[derive(Debug)]
struct AnyServer {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A tapped socket carrying TLS, keeping the first bytes read (they tell whether the other side
/// speaks TLS at all).
#[derive(Debug)]
struct Wire {
    tap: Tap,
    first: Vec<u8>,
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.tap.read(buf)?;
        if self.first.len() < 2 {
            let take = (2 - self.first.len()).min(n);
            self.first.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tap.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tap.flush()
    }
}

/// The connection a job talks over after step 3: the tapped socket, or TLS on it.
#[derive(Debug)]
pub enum Link {
    Plain(Box<Tap>),
    Tls(Box<TlsLink>),
}

#[derive(Debug)]
pub struct TlsLink {
    connection: ClientConnection,
    wire: Wire,
    /// An error met while filling a read that already had reply bytes: told by the next read.
    pending: Option<io::Error>,
}

/// Starts a TLS session to `host` on `tap`'s socket: nothing is sent until [`TlsLink::handshake_turn`].
pub fn begin(tap: Tap, host: &str, trust: &Trust) -> Result<TlsLink, FetchError> {
    // TLS sends small records back to back (the handshake's last, then the request): waiting for the
    // first to be acknowledged (Nagle's algorithm) would add the server's delayed ACK, often 40 ms.
    tap.stream().set_nodelay(true).map_err(|e| tls_setup_error(&e))?;
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| FetchError::TlsOther { detail: format!("\"{host}\" cannot be named to the server ({e})") })?;
    let connection = ClientConnection::new(Arc::new(config(trust)?), name).map_err(|e| tls_error(&e, None))?;
    Ok(TlsLink { connection, wire: Wire { tap, first: Vec::new() }, pending: None })
}

/// What one turn of the handshake did.
pub enum Turn {
    /// Still handshaking; `progress` when bytes moved.
    Going {
        progress: bool,
    },
    Done,
}

impl TlsLink {
    /// Moves the handshake on by what the socket allows within one read slice.
    pub fn handshake_turn(&mut self) -> Result<Turn, FetchError> {
        let mut progress = false;
        while self.connection.wants_write() {
            match self.connection.write_tls(&mut self.wire) {
                Ok(_) => progress = true,
                Err(e) if is_slice_timeout(&e) => break,
                Err(e) => return Err(self.cut_off(&e)),
            }
        }
        if !self.connection.is_handshaking() {
            return Ok(Turn::Done);
        }
        match self.connection.read_tls(&mut self.wire) {
            Ok(0) => return Err(self.cut_off(&io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => {
                progress = true;
                if let Err(e) = self.connection.process_new_packets() {
                    // Tell the server why (an alert), as a browser does; it may have gone already.
                    let _ = self.connection.write_tls(&mut self.wire);
                    return Err(tls_error(&e, Some(&self.wire.first)));
                }
            }
            Err(e) if is_slice_timeout(&e) => {}
            Err(e) => return Err(self.cut_off(&e)),
        }
        Ok(if self.connection.is_handshaking() || self.connection.wants_write() {
            Turn::Going { progress }
        } else {
            Turn::Done
        })
    }

    /// The server hung up or reset mid-handshake: a plain server that answered with HTTP, or a cut.
    fn cut_off(&self, e: &io::Error) -> FetchError {
        if !self.wire.first.is_empty() && !starts_like_tls(&self.wire.first) {
            return FetchError::NotTls;
        }
        FetchError::HandshakeCut { kind: e.kind(), os_text: e.to_string() }
    }

    /// What the finished handshake agreed.
    #[allow(clippy::wildcard_enum_match_arm, reason = "rustls's ServerName grows: only a DNS name is a name")]
    pub fn agreed(&self, host: &str, trust: &Trust) -> Agreed {
        let c = &self.connection;
        let version = match c.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
            Some(other) => other.as_str().map_or_else(|| format!("unknown ({:#06x})", u16::from(other)), str::to_owned),
            None => "unknown".to_owned(),
        };
        let server_name = ServerName::try_from(host).ok().and_then(|name| match name {
            ServerName::DnsName(name) => Some(name.as_ref().to_owned()),
            _ => None,
        });
        Agreed {
            version,
            cipher_suite: c.negotiated_cipher_suite().map_or_else(String::new, |s| {
                let suite = s.suite();
                suite.as_str().map_or_else(|| format!("unknown ({:#06x})", u16::from(suite)), str::to_owned)
            }),
            key_exchange: c.negotiated_key_exchange_group().map(|g| {
                let group = g.name();
                group.as_str().map_or_else(|| format!("unknown ({:#06x})", u16::from(group)), str::to_owned)
            }),
            alpn: c.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned()),
            server_name,
            certificates: c.peer_certificates().unwrap_or_default().iter().map(|der| certificate_info(der)).collect(),
            verified: *trust != Trust::Insecure,
            wire_sent: self.wire.tap.total(Direction::Sent),
            wire_received: self.wire.tap.total(Direction::Received),
        }
    }

    /// Writes the TLS records waiting to go, once; `Ok(false)` when none wait.
    pub fn push(&mut self) -> io::Result<bool> {
        if !self.connection.wants_write() {
            return Ok(false);
        }
        self.connection.write_tls(&mut self.wire)?;
        Ok(true)
    }
}

impl Read for TlsLink {
    /// Decrypted reply bytes. `Ok(0)`: the server ended the session properly (`close_notify`);
    /// `UnexpectedEof`: it hung up without saying so; `WouldBlock` (a slice timeout): no reply bytes
    /// yet. At most one socket read happens per call, so records that carry no reply bytes (session
    /// tickets, a record trickled a byte at a time) come back as "nothing yet": the caller's read
    /// timeout, Cancel and wire report act between them.
    ///
    /// Once reply bytes came, the records the socket already holds are decrypted into the rest of
    /// `buf` without waiting, so a read hands over as much as a plain socket's does (rustls takes in
    /// 4 KiB a socket read and gives out a record at a time), for at most `buf.len()` more bytes.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let n = match self.read_once(buf) {
            Ok(n) if n > 0 => n,
            other => return other,
        };
        Ok(self.fill(buf, n))
    }
}

impl TlsLink {
    /// Decrypted bytes already there, or else one socket read (up to one slice) and what it gave.
    fn read_once(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.connection.reader().read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            done => return done,
        }
        if self.connection.read_tls(&mut self.wire)? > 0 {
            self.connection.process_new_packets().map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        }
        self.connection.reader().read(buf)
    }

    /// Adds to the `n` reply bytes in `buf` what the socket holds now, without waiting; the total.
    /// The end of the reply and errors are left for the next read to tell.
    fn fill(&mut self, buf: &mut [u8], mut n: usize) -> usize {
        let socket = self.wire.tap.stream();
        if socket.set_nonblocking(true).is_err() {
            return n;
        }
        let mut budget = buf.len();
        while n < buf.len() {
            match self.connection.reader().read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(more) => {
                    n += more;
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
            if budget == 0 {
                break;
            }
            match self.connection.read_tls(&mut self.wire) {
                Ok(0) => break,
                Ok(got) => budget = budget.saturating_sub(got),
                Err(e) => {
                    if !is_slice_timeout(&e) {
                        self.pending = Some(e);
                    }
                    break;
                }
            }
            if let Err(e) = self.connection.process_new_packets() {
                self.pending = Some(io::Error::new(io::ErrorKind::InvalidData, e));
                break;
            }
        }
        // Back to reads that wait a slice; should that fail, the next read says so.
        if let Err(e) = self.wire.tap.stream().set_nonblocking(false) {
            self.pending.get_or_insert(e);
        }
        n
    }
}

impl Write for TlsLink {
    /// Takes plain bytes in; they leave as records by [`TlsLink::push`].
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.connection.writer().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        while self.push()? {}
        Ok(())
    }
}

impl TlsLink {
    pub fn tap_mut(&mut self) -> &mut Tap {
        &mut self.wire.tap
    }
}

impl Link {
    /// The socket's tap, which notes every byte that crosses it.
    pub fn tap_mut(&mut self) -> &mut Tap {
        match self {
            Self::Plain(tap) => tap,
            Self::Tls(tls) => tls.tap_mut(),
        }
    }

    /// After a complete reply, what one slice's look at the line says: `Some(true)` when the server
    /// still talks (more bytes), `Some(false)` when it has hung up, reset or, over TLS, said
    /// `close_notify`; `None` when nothing came in the slice.
    pub fn line_state(&mut self) -> Option<bool> {
        let looked = match self {
            Self::Plain(tap) => tap.stream().peek(&mut [0; 1]),
            Self::Tls(tls) => tls.read(&mut [0; 1]),
        };
        match looked {
            Ok(n) => Some(n > 0),
            Err(e) if is_slice_timeout(&e) => None,
            Err(_) => Some(false),
        }
    }

    /// Writes waiting TLS records once; `Ok(false)` when none wait (always, for a plain socket).
    pub fn push(&mut self) -> io::Result<bool> {
        match self {
            Self::Plain(_) => Ok(false),
            Self::Tls(tls) => tls.push(),
        }
    }
}

impl Read for Link {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tap) => tap.read(buf),
            Self::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Link {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tap) => tap.write(buf),
            Self::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(tap) => tap.flush(),
            Self::Tls(tls) => tls.flush(),
        }
    }
}

/// A TLS record starts with its type (0x14 to 0x18) and version 3.x: an alert (0x15) or a handshake
/// (0x16) is what a TLS server sends first, also in answer to plain HTTP.
pub fn starts_like_tls(bytes: &[u8]) -> bool {
    matches!(bytes, [0x15 | 0x16, 0x03, ..] | [0x15 | 0x16])
}

/// The rustls error inside an I/O error from reading a TLS session, as a [`FetchError`].
pub fn read_error(e: &io::Error) -> Option<FetchError> {
    let inner = e.get_ref()?.downcast_ref::<rustls::Error>()?;
    Some(tls_error(inner, None))
}

/// A rustls error in plain words. `first`: the first bytes the server sent, when known.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "rustls's errors are its own and grow: those not named here are told in its own words"
)]
fn tls_error(e: &rustls::Error, first: Option<&[u8]>) -> FetchError {
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(problem) => match problem {
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                FetchError::CertWrongName
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => FetchError::CertExpired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => FetchError::CertNotYetValid,
            CertificateError::UnknownIssuer => FetchError::CertUntrusted,
            CertificateError::Revoked => FetchError::CertRejected { problem: CertProblem::Revoked },
            CertificateError::BadSignature => FetchError::CertRejected { problem: CertProblem::BadSignature },
            CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                FetchError::CertRejected { problem: CertProblem::UnsupportedSignature }
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                FetchError::CertRejected { problem: CertProblem::WrongPurpose }
            }
            CertificateError::BadEncoding => FetchError::CertRejected { problem: CertProblem::BadEncoding },
            // rustls may add faults: they are told in its own words (its Display, meant for people).
            other => FetchError::CertRejected { problem: CertProblem::Other(other.to_string()) },
        },
        E::AlertReceived(alert) => FetchError::TlsAlert { alert: alert_words(*alert) },
        E::InvalidMessage(_) | E::InappropriateMessage { .. } if first.is_some_and(|b| !starts_like_tls(b)) => {
            FetchError::NotTls
        }
        other => FetchError::TlsOther { detail: other.to_string() },
    }
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "TLS has dozens of alerts: those not worded here are told by their name"
)]
fn alert_words(alert: AlertDescription) -> String {
    match alert {
        AlertDescription::HandshakeFailure => {
            "handshake failure: no way of encrypting that both sides accept".to_owned()
        }
        AlertDescription::ProtocolVersion => "protocol version: no TLS version that both sides speak".to_owned(),
        AlertDescription::UnrecognisedName => "unrecognised name: it holds no site by the name sent".to_owned(),
        AlertDescription::InternalError => "internal error: something failed inside the server".to_owned(),
        AlertDescription::CertificateRequired => "certificate required: it wants a certificate from you".to_owned(),
        other => other.as_str().map_or_else(|| format!("alert number {}", u8::from(other)), str::to_owned),
    }
}

/// One certificate's fields, read with x509-parser; what cannot be read says so.
fn certificate_info(der: &CertificateDer<'_>) -> CertificateInfo {
    let Ok((_, cert)) = X509Certificate::from_der(der.as_ref()) else {
        let unreadable = "(not readable)".to_owned();
        return CertificateInfo {
            subject: unreadable.clone(),
            issuer: unreadable.clone(),
            names: Vec::new(),
            not_before: unreadable.clone(),
            not_after: unreadable.clone(),
            validity_unix: None,
            key: unreadable,
        };
    };
    let names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DNSName(dns) => Some((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => ip_text(bytes),
                    // A certificate for a web server names it by DNS name or address; other kinds of
                    // name (e-mail, URI, ...) say nothing about which server this is.
                    GeneralName::OtherName(..)
                    | GeneralName::RFC822Name(_)
                    | GeneralName::X400Address(_)
                    | GeneralName::DirectoryName(_)
                    | GeneralName::EDIPartyName(_)
                    | GeneralName::URI(_)
                    | GeneralName::RegisteredID(_)
                    | GeneralName::Invalid(..) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let key = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => format!("RSA {} bits", rsa.key_size()),
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => format!("EC {} bits", ec.key_size()),
        Ok(other) => format!("{} bits", other.key_size()),
        Err(_) => format!("{}", cert.public_key().algorithm.algorithm),
    };
    let validity = cert.validity();
    CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        names,
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        validity_unix: Some((validity.not_before.timestamp(), validity.not_after.timestamp())),
        key,
    }
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(|b| std::net::Ipv4Addr::from(b).to_string()),
        16 => <[u8; 16]>::try_from(bytes).ok().map(|b| std::net::Ipv6Addr::from(b).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_records_are_told_from_plain_text() {
        assert!(starts_like_tls(&[0x15, 0x03, 0x01]));
        assert!(starts_like_tls(&[0x16, 0x03, 0x03]));
        assert!(!starts_like_tls(b"HTTP/1.1 400 Bad Request"));
        assert!(!starts_like_tls(&[0x16, 0x02]));
        assert!(!starts_like_tls(&[]));
    }

    #[test]
    fn a_file_without_certificates_is_refused_in_words() {
        assert!(certificates_from_pem(b"hello").is_err());
    }
}
