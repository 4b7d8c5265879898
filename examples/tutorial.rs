//! Fetch a web page over a raw TCP socket, in the five steps of the classic sockets tutorial,
//! using only Rust's standard library.
//!
//! Run it:  cargo run --example tutorial -- HOST [PORT]
//! Progress goes to stderr; the server's reply goes to stdout, byte for byte.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;

/// Asks `host` at `port` for its page `/` and returns the whole reply, as the server sent it.
pub fn fetch(host: &str, port: u16) -> io::Result<Vec<u8>> {
    eprintln!("# Setting up the socket");
    // Rust has no separate "make a socket" call: TcpStream::connect, further down, makes the
    // socket and connects it in one go. Here we only name the place that will hold it.
    let mut stream: TcpStream; // step: socket

    eprintln!("# Resolving server IP address");
    // Like the tutorial's gethostbyname, keep the first IPv4 address found.
    let not_found = || io::Error::new(io::ErrorKind::NotFound, format!("the host name {host} could not be resolved"));
    let mut found = (host, port).to_socket_addrs().map_err(|_| not_found())?; // step: resolve
    let address = found.find(SocketAddr::is_ipv4).ok_or_else(not_found)?; // step: resolve

    eprintln!("# Establishing connection to {host} at IP: {}", address.ip());
    stream = TcpStream::connect(address).map_err(explain("could not connect"))?; // step: socket, connect

    eprintln!("# Transmitting request to server");
    // The Host line names the site we want: one server often holds many sites.
    // Its port is written only when it is not the usual 80.
    let site = if port == 80 { host.to_owned() } else { format!("{host}:{port}") };
    let request = format!("GET / HTTP/1.0\r\nHost: {site}\r\n\r\n"); // step: send
    stream.write_all(request.as_bytes()).map_err(explain("could not send the request"))?; // step: send

    eprintln!("# Retrieving data from server");
    // The reply may come in many pieces: read_to_end reads them all, until the server hangs up.
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).map_err(explain("the reply was cut off"))?; // step: receive
    Ok(reply)
}

/// Turns an error into one that says what we were doing, then the system's own words for it.
fn explain(doing: &str) -> impl Fn(io::Error) -> io::Error + '_ {
    move |error| io::Error::new(error.kind(), format!("{doing}: {error}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, port) = match args.as_slice() {
        [host] => (host, "80"), // 80: the usual port for web pages
        [host, port] => (host, port.as_str()),
        _ => return stop("usage: cargo run --example tutorial -- HOST [PORT]"),
    };
    let port = match port.parse::<u16>() {
        Ok(number) if number > 0 => number,
        _ => return stop("the port must be a number from 1 to 65535, such as 80"),
    };
    match fetch(host, port) {
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
