//! Fetch a web page over HTTPS: the classic sockets tutorial's five steps, with the TLS handshake
//! as one more step between connecting and sending, using rustls, and Mozilla's list of trusted
//! authorities from webpki-roots.
//!
//! Run it:  `cargo run --example tutorial_https -- HOST [PORT]`
//! Progress goes to stderr; the server's reply, decrypted, goes to stdout, byte for byte.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

/// Asks `host` at `port` for its page `/` over HTTPS, trusting the authorities in `roots`, and
/// returns the whole reply, decrypted, as the server sent it.
#[allow(clippy::needless_late_init)] // the socket step keeps a line of its own, as in the tutorial
pub fn fetch(host: &str, port: u16, roots: RootCertStore) -> io::Result<Vec<u8>> {
    eprintln!("# Setting up the socket");
    // As in the plain tutorial: TcpStream::connect, further down, makes the socket and connects it.
    let stream: TcpStream; // step: socket

    eprintln!("# Resolving server IP address");
    let not_found = || io::Error::new(io::ErrorKind::NotFound, format!("the host name {host} could not be resolved"));
    let mut found = (host, port).to_socket_addrs().map_err(|_| not_found())?; // step: resolve
    let address = found.find(SocketAddr::is_ipv4).ok_or_else(not_found)?; // step: resolve

    eprintln!("# Establishing connection to {host} at IP: {}", address.ip());
    stream = TcpStream::connect(address).map_err(explain("could not connect"))?; // step: socket, connect

    eprintln!("# Securing the connection (TLS handshake)");
    // The server shows its certificate, its ID card: rustls checks it against the authorities in
    // `roots`, and against the name asked for, which is also sent to the server (SNI).
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider) // step: handshake
        .with_safe_default_protocol_versions() // step: handshake
        .map_err(io::Error::other)? // step: handshake
        .with_root_certificates(roots) // step: handshake
        .with_no_client_auth(); // step: handshake
    let name = ServerName::try_from(host.to_owned()).map_err(io::Error::other)?; // step: handshake
    let connection = ClientConnection::new(Arc::new(config), name).map_err(io::Error::other)?; // step: handshake
    // From here on, `tls` encrypts what we write and decrypts what we read.
    let mut tls = StreamOwned::new(connection, stream); // step: handshake
    // rustls would shake hands on the first write; doing it now tells its failure as the handshake's.
    tls.conn.complete_io(&mut tls.sock).map_err(explain("the secure handshake failed"))?; // step: handshake

    eprintln!("# Transmitting request to server");
    // The Host line names the site we want: one server often holds many sites.
    // Its port is written only when it is not the usual 443.
    let site = if port == 443 { host.to_owned() } else { format!("{host}:{port}") };
    let request = format!("GET / HTTP/1.0\r\nHost: {site}\r\n\r\n"); // step: send
    tls.write_all(request.as_bytes()).map_err(explain("could not send the request"))?; // step: send

    eprintln!("# Retrieving data from server");
    // read_to_end reads every piece, until the server ends the encrypted session (close_notify).
    let mut reply = Vec::new();
    tls.read_to_end(&mut reply).map_err(explain("the reply was cut off"))?; // step: receive
    Ok(reply)
}

/// Turns an error into one that says what we were doing, then the library's own words for it.
fn explain(doing: &str) -> impl Fn(io::Error) -> io::Error + '_ {
    move |error| io::Error::new(error.kind(), format!("{doing}: {error}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, port) = match args.as_slice() {
        [host] => (host, "443"), // 443: the usual port for https
        [host, port] => (host, port.as_str()),
        _ => return stop("usage: cargo run --example tutorial_https -- HOST [PORT]"),
    };
    let port = match port.parse::<u16>() {
        Ok(number) if number > 0 => number,
        _ => return stop("the port must be a number from 1 to 65535, such as 443"),
    };
    let roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    match fetch(host, port, roots) {
        Ok(reply) => match io::stdout().lock().write_all(&reply) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => stop(&format!("could not write the reply: {e}")),
        },
        Err(e) => stop(&e.to_string()),
    }
}

/// Says what went wrong and stops; a non-zero exit code tells scripts it failed.
fn stop(message: &str) -> ExitCode {
    eprintln!("Error: {message}");
    ExitCode::FAILURE
}
