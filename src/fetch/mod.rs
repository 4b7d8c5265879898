//! The fetch engine: no GUI here. A [`Worker`] thread takes [`Job`]s and reports [`Event`]s.

mod chunk;
pub mod decode;
mod error;
mod event;
mod framing;
mod head;
mod hint;
mod job;
pub mod limits;
mod lookup;
mod media_type;
mod raw;
mod redirect;
mod reply;
mod request;
mod run;
mod slice;
mod step;
mod target;
mod timing;
mod tls;
pub mod wire;
mod worker;

pub use chunk::Chunk;
pub use error::{CertProblem, FetchError, InputError};
pub use event::{Event, EventKind, Summary};
pub use framing::{ChunkProblem, Dechunker};
pub use head::{Framing, HeadProblem, HeaderLine, MAX_HEAD, ReplyHead, header_name};
pub use hint::{Hint, Place, window_label};
pub use job::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BYTES, DEFAULT_READ_TIMEOUT, Job, JobId, Payload, Waker};
pub use media_type::MediaType;
pub use raw::{RawProblem, StopRule, raw_bytes, raw_text, raw_text_runs};
pub use redirect::{
    Carried, LocationProblem, MAX_REDIRECTS, Redirect, is_redirect_status, redirect_of, resolve_location, url_of,
};
pub use request::{
    Field, HeaderField, JOINED_BODY_MAX, Method, Outgoing, Request, RequestProblem, RequestSpec, Version,
    default_request,
};
pub use step::Step;
pub use target::{DEFAULT_PORT, HTTPS_PORT, MAX_HOST_LEN, Target, parse_path, parse_port};
pub use timing::{Phase, Timings};
pub use tls::{Agreed, CertificateInfo, PemProblem, Trust, certificates_from_pem, starts_like_tls};
pub use wire::{ContentType, Direction, Piece, WireLog, WireRecord};
pub use worker::{EVENT_QUEUE, ReplyWriter, Worker, event_channel};
