//! The steps of a fetch, which every part of the engine names: the tutorial's five and the TLS handshake.

/// The steps of a fetch, in the order they run: the tutorial's five, and for HTTPS the TLS
/// handshake between connect and send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Socket,
    Resolve,
    Connect,
    Handshake,
    Send,
    Receive,
}

impl Step {
    /// Every step there is; [`Step::index`] is a step's place here.
    pub const ALL: [Self; 6] = [Self::Socket, Self::Resolve, Self::Connect, Self::Handshake, Self::Send, Self::Receive];
    /// The five steps of a plain http fetch, the tutorial's.
    pub const PLAIN: [Self; 5] = [Self::Socket, Self::Resolve, Self::Connect, Self::Send, Self::Receive];

    /// The steps a fetch runs: six over TLS, five without.
    pub fn of_fetch(tls: bool) -> &'static [Self] {
        if tls { &Self::ALL } else { &Self::PLAIN }
    }

    /// The step's number as a person sees it in a fetch over TLS or not, counting from 1.
    pub fn number(self, tls: bool) -> usize {
        Self::of_fetch(tls).iter().position(|s| *s == self).map_or(self.index() + 1, |i| i + 1)
    }

    /// The tutorial's progress line for this step, without the leading `# `.
    pub fn tutorial_line(self) -> &'static str {
        match self {
            Self::Socket => "Setting up the socket",
            Self::Resolve => "Resolving server IP address",
            Self::Connect => "Establishing connection to server",
            Self::Handshake => "Securing the connection (TLS handshake)",
            Self::Send => "Transmitting request to server",
            Self::Receive => "Retrieving data from server",
        }
    }

    /// A short name for headings and error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Socket => "socket",
            Self::Resolve => "name lookup",
            Self::Connect => "connect",
            Self::Handshake => "secure handshake",
            Self::Send => "send",
            Self::Receive => "receive",
        }
    }

    /// The step's place in [`Step::ALL`], for arrays of per-step state.
    pub fn index(self) -> usize {
        self as usize
    }
}
