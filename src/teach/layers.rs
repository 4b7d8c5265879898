//! The four layers of TCP/IP, in plain words, and which one is at work in each step.

use crate::fetch::Step;

/// The layers of TCP/IP, from the one closest to the program to the one closest to the wire.
/// Each layer hands its work to the one below it, like a letter put in an envelope, then in a mailbag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Application,
    Transport,
    Internet,
    Link,
}

impl Layer {
    /// Top to bottom.
    pub const ALL: [Self; 4] = [Self::Application, Self::Transport, Self::Internet, Self::Link];

    pub fn name(self) -> &'static str {
        match self {
            Self::Application => "Application layer",
            Self::Transport => "Transport layer",
            Self::Internet => "Internet layer",
            Self::Link => "Link layer",
        }
    }

    /// What the layer does, in two short sentences.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Application => {
                "What the programs say to each other, such as the request and the reply, written in HTTP. \
                 Looking up a name with DNS happens at this layer too."
            }
            Self::Transport => {
                "Keeps a reliable line between two programs, using TCP. \
                 It numbers the pieces of a message, sends again any that are lost, and puts them back in order."
            }
            Self::Internet => {
                "Carries each packet from one computer to another, across many networks, using IP addresses. \
                 It works like the post: it reads the address on each envelope and passes it on."
            }
            Self::Link => {
                "Moves the signals over one stretch of the way: a cable, Wi-Fi, or a phone mast. \
                 For 127.0.0.1 the packets never leave this computer: it is a shortcut inside it."
            }
        }
    }
}

/// The layer doing the main work of `step`. The layers below it take part whenever a step sends
/// something over the network.
pub fn layer_at_work(step: Step) -> Layer {
    match step {
        Step::Socket | Step::Connect => Layer::Transport,
        // TLS sits just below HTTP: the layer it serves is the application's.
        Step::Resolve | Step::Handshake | Step::Send | Step::Receive => Layer::Application,
    }
}

/// One sentence on why [`layer_at_work`] is the layer at work in `step`.
pub fn layer_note(step: Step) -> &'static str {
    match step {
        Step::Socket => "A socket is the program's way in to TCP, the transport layer.",
        Step::Resolve => "DNS, the internet's phone book, is a service at the application layer.",
        Step::Connect => {
            "The handshake is the work of TCP, at the transport layer; the layers below carry its packets."
        }
        Step::Handshake => super::tls::LAYER_NOTE,
        Step::Send => "The request is written in HTTP, at the application layer; TCP carries it below.",
        Step::Receive => "The reply is written in HTTP, at the application layer; TCP delivers it in pieces.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_and_step_has_a_text() {
        for layer in Layer::ALL {
            assert!(!layer.name().is_empty() && !layer.explanation().is_empty(), "{layer:?}");
            assert!(layer.explanation().len() <= 300, "{layer:?} is too long to read aloud");
        }
        for step in Step::ALL {
            let note = layer_note(step);
            assert!(!note.is_empty() && note.len() <= 160, "{step:?}: {note:?}");
            let layer = layer_at_work(step);
            let word = layer.name().split(' ').next().unwrap_or_default().to_lowercase();
            assert!(note.contains(&format!("{word} layer")), "{step:?}: the note should name the {word} layer");
        }
    }

    #[test]
    fn connecting_is_transport_work_and_the_request_is_application_work() {
        assert_eq!(layer_at_work(Step::Connect), Layer::Transport);
        assert_eq!(layer_at_work(Step::Send), Layer::Application);
    }
}
