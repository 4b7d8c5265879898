//! The window's session with no window at all: a fetch is folded, frozen and recorded in the
//! history when it ends, though no frame is ever drawn.

use std::sync::Arc;
use std::time::{Duration, Instant};

use socket_fetch::demo_server::DemoServer;
use socket_fetch::fetch::Target;
use socket_fetch::history::News;
use socket_fetch::session::{FetchPlan, Session};
use socket_fetch::ui::Limits;

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn a_fetch_that_ends_undrawn_is_folded_frozen_and_recorded() {
    let server = DemoServer::start(0).unwrap();
    let dir = std::env::temp_dir().join(format!("socket-fetch-session-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut session = Session::new(Some(dir.clone()));
    let (woken, wakes) = crossbeam_channel::unbounded();
    let wake: socket_fetch::fetch::Waker = Arc::new(move || {
        let _ = woken.send(());
    });
    assert_eq!(session.attach(&wake).unwrap(), None, "the history started");
    let target = Target::parse("127.0.0.1/bytes/1000", &server.addr().port().to_string()).unwrap();
    let limits = Limits::default().for_job().unwrap();
    session.start(FetchPlan { target, payload: None, limits, step_through: false }).unwrap();

    let start = Instant::now();
    let entries = loop {
        assert!(start.elapsed() < LIMIT, "the fetch was never recorded");
        match session.history().unwrap().try_news() {
            Some(News::Entries(now)) if !now.entries.is_empty() => break now.entries,
            Some(News::Failed(e)) => panic!("{e}"),
            _ => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let view = session.view().unwrap();
    assert!(!view.is_running(), "folded to its end with no frame drawn");
    let frozen = view.reply.frozen().expect("the reply frozen at the end");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].reply_size, frozen.bytes().len() as u64);
    assert!(entries[0].reply_kept, "the reply itself went to the history");
    assert!(frozen.bytes().len() > 1000, "the head and the 1,000 bytes of the body");
    drop(view);
    assert!(wakes.try_recv().is_ok(), "the window would have been woken");
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
}
