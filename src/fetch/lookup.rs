//! The name lookup through the system's resolver, keeping the resolver's own reason for a failure.
//!
//! The standard library's lookup folds every failure into one I/O error, so "this name does not
//! exist" and "this computer has no network" read alike. `getaddrinfo` tells them apart (`EAI_NONAME`,
//! `EAI_AGAIN`, ...), and a temporary failure is then looked at once more: with no route to any name
//! server, the computer is not on a network at all.

use std::fs;
use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket};

use dns_lookup::{AddrInfoHints, LookupErrorKind};

/// Why a lookup found no address, as the resolver said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LookupFailure {
    /// The name does not exist, or has no address (`EAI_NONAME`, `EAI_NODATA`).
    NoSuchName,
    /// A temporary failure (`EAI_AGAIN`): no name server answered in time.
    Temporary,
    /// Any other failure, in the system's own words.
    Other(String),
}

/// Every address of `host`, in the resolver's order.
pub(super) fn lookup(host: &str) -> Result<Vec<IpAddr>, LookupFailure> {
    // One row per address: without a socket type the resolver lists each address once per type.
    let hints = AddrInfoHints { socktype: stream_socket_type(), ..AddrInfoHints::default() };
    match dns_lookup::getaddrinfo(Some(host), None, Some(hints)) {
        Ok(found) => Ok(found.filter_map(Result::ok).map(|info| info.sockaddr.ip()).collect()),
        Err(e) => Err(failure_of(e.kind(), &io::Error::from(e).to_string())),
    }
}

/// `SOCK_STREAM`, as socket2 (already a dependency) names it.
fn stream_socket_type() -> i32 {
    socket2::Type::STREAM.into()
}

/// The resolver's kind of failure, in the three cases a person acts on differently.
pub(super) fn failure_of(kind: LookupErrorKind, os_text: &str) -> LookupFailure {
    match kind {
        LookupErrorKind::NoName | LookupErrorKind::NoData => LookupFailure::NoSuchName,
        LookupErrorKind::Again => LookupFailure::Temporary,
        LookupErrorKind::Fail
        | LookupErrorKind::Badflags
        | LookupErrorKind::Family
        | LookupErrorKind::Socktype
        | LookupErrorKind::Service
        | LookupErrorKind::Memory
        | LookupErrorKind::System
        | LookupErrorKind::Unknown
        | LookupErrorKind::IO => LookupFailure::Other(os_text.to_owned()),
    }
}

/// Whether this computer can reach none of its name servers: each one's route is missing. A UDP
/// `connect()` only looks the route up; it sends no packet.
pub(super) fn no_route_to_name_servers() -> bool {
    let servers = fs::read_to_string("/etc/resolv.conf").map(|text| name_servers(&text)).unwrap_or_default();
    !servers.is_empty() && servers.iter().all(|server| unreachable(SocketAddr::new(*server, 53)))
}

/// Whether the system has no route to `server`.
fn unreachable(server: SocketAddr) -> bool {
    let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    match UdpSocket::bind(local) {
        Ok(socket) => socket.connect(server).is_err_and(|e| e.kind() == io::ErrorKind::NetworkUnreachable),
        // With no IPv6 on this computer, an IPv6 name server cannot be reached either.
        Err(_) => server.is_ipv6(),
    }
}

/// The name servers a resolv.conf lists, in its order.
fn name_servers(resolv_conf: &str) -> Vec<IpAddr> {
    resolv_conf
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("nameserver")).then(|| words.next()).flatten()
        })
        // An IPv6 server may carry its interface ("fe80::1%eth0"): the route is looked up without it.
        .filter_map(|address| address.split('%').next().and_then(|a| a.parse().ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_resolver_kind_maps_to_what_a_person_acts_on() {
        assert_eq!(failure_of(LookupErrorKind::NoName, "Name or service not known"), LookupFailure::NoSuchName);
        assert_eq!(failure_of(LookupErrorKind::NoData, "No address associated"), LookupFailure::NoSuchName);
        assert_eq!(failure_of(LookupErrorKind::Again, "Temporary failure"), LookupFailure::Temporary);
        for kind in [LookupErrorKind::Fail, LookupErrorKind::Memory, LookupErrorKind::System] {
            assert_eq!(failure_of(kind, "its words"), LookupFailure::Other("its words".to_owned()));
        }
    }

    #[test]
    fn name_servers_are_read_from_resolv_conf() {
        let text =
            "# comment\nsearch lan\nnameserver 10.0.0.53\nnameserver fe80::1%eth0\nnameserver junk\noptions ndots:1\n";
        assert_eq!(name_servers(text), vec![IpAddr::from([10, 0, 0, 53]), IpAddr::from([0xfe80, 0, 0, 0, 0, 0, 0, 1])]);
    }

    #[test]
    fn a_loopback_name_server_always_has_a_route() {
        assert!(!unreachable(SocketAddr::from(([127, 0, 0, 1], 53))));
    }
}
