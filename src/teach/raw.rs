//! The plain-word texts of raw mode: talking to a service that is not a web server.

use crate::fetch::StopRule;
use crate::format::exact;

/// What changes when the other side is not a web server, for the explain panel.
pub const RAW_MODE: &str = "Raw mode sends your bytes exactly as typed and shows whatever comes back. The \
    steps are the same (socket, name lookup, connect, send, receive), because every TCP service is \
    reached the same way; what changes is the conversation. There is no status line and there are no \
    headers: the two sides speak whatever language, or protocol, they agreed on. A mail server greets \
    first with a line like \"220 hello\", an echo server sends back what it got. Nothing in the reply \
    says where it ends, so you choose: when the server hangs up, after some seconds of quiet, or after \
    a number of bytes.";

/// Why reading stopped, in one sentence, for the log and the terminal.
pub fn raw_end(by: StopRule) -> String {
    match by {
        StopRule::Hangup => "The server hung up: everything it sent is kept.".to_owned(),
        StopRule::Quiet(quiet) => format!(
            "The server sent nothing for {} s, so socket-fetch stopped reading and hung up: everything it sent is kept.",
            quiet.as_secs_f64()
        ),
        StopRule::Bytes(n) => {
            format!("{} arrived, as many as asked for, so socket-fetch stopped reading and hung up.", exact(n))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_end_names_its_cause() {
        assert!(raw_end(StopRule::Hangup).contains("hung up"));
        assert!(raw_end(StopRule::Quiet(Duration::from_millis(1500))).contains("1.5 s"));
        assert!(raw_end(StopRule::Bytes(1)).starts_with("1 byte arrived"));
        assert!(raw_end(StopRule::Bytes(2048)).contains("2,048 bytes"));
    }
}
