//! The app: owns the form, the current fetch's view and the worker; lays out the panels.

mod autopilot;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use egui::{Key, Modifiers, RichText, Ui};

use crate::clipboard::{Copied, Copier, CopyError, CopyJob, Gather};
use crate::copy_rule::Form;
use crate::demo_server::DemoServer;
use crate::fetch::{
    self, DEFAULT_PORT, Event, FetchError, Job, JobId, Redirect, Target, Trust, Worker, is_redirect_status, redirect_of,
};
use crate::teach::hops;

use super::certificate_card::{CARD_TITLE, certificate_card_ui};
use super::code_panel::{CodePanel, code_ui};
use super::decoded_body::{Body, body_switch_ui, shown_reply_ui, with_body};
use super::error_card::{StartFailure, error_card_ui, start_failure_card_ui};
use super::explain_panel::explain_ui;
use super::fetch_view::FetchView;
use super::form::{DEMO_HTTPS_HOST, DEMO_PLAIN_HOST, DemoPorts, FetchState, FormAction, FormFields};
use super::hex_view::{HEX_COPY_CAP, HexCopy, HexViewState, Shown, hex_text, hex_ui, shown_switch_ui};
use super::history_panel::HistoryPanel;
use super::keys::{KeysHelp, presenter_keys};
use super::layout::{CENTRAL_MIN, Columns, EXPLAIN_MIN, STEPS_MIN, side_range};
use super::log_panel::log_ui;
use super::notice::{Notice, Place};
use super::redirect_bar::redirect_ui;
use super::reply_view::ReplyViewState;
use super::request_editor::{Outgoing, RequestEditor};
use super::save_dialog::{SaveAction, SaveDialog};
use super::start_options::{StartOptions, Tab, Theme};
use super::steps_panel::steps_ui;
use super::top_bar::TopBar;
use super::waker::repaint_waker;
use super::waterfall::waterfall_ui;
use super::window_fit::MonitorFit;
use super::wire_view::on_the_wire_ui;
use crate::format;
use crate::server_text::{one_line, visible};
use autopilot::Screenshot;

const HOST_KEY: &str = "host";
const PORT_KEY: &str = "port";
const TEACHING_KEY: &str = "teaching";
/// The most time a frame spends taking in the worker's events.
const EVENT_TIME_PER_FRAME: Duration = Duration::from_millis(8);

/// The least height (in points, under the top bar and the Request section) at which the one-column
/// layout opens the steps above the reply.
const STEPS_OPEN_MIN_HEIGHT: f32 = 240.0;

pub struct SocketFetchApp {
    form: FormFields,
    /// What a fetch sends, when its section under the form is open.
    editor: RequestEditor,
    /// Show the panel that explains each step (on by default: the first person to see the app
    /// is often a learner).
    teaching: bool,
    tab: Tab,
    code: CodePanel,
    /// What is selected in the reply (as byte offsets) and where it is scrolled to.
    selection: ReplyViewState,
    /// The raw reply or the decoded body, in the reply view; a new fetch shows the raw reply.
    body: Body,
    /// The reply as text or in hex.
    shown: Shown,
    /// What is selected in the hex view and where it is scrolled to.
    hex: HexViewState,
    /// The start option's body, until the first reply that has a decoded one.
    start_body: Option<Body>,
    view: Option<FetchView>,
    /// What the current fetch asked for: its reply's Location is read against it.
    target: Option<Target>,
    /// A host or port that could not be used; shown instead of starting a fetch.
    input_error: Option<FetchError>,
    /// A part of the window's own that could not start (the worker, the demo server).
    start_failure: Option<StartFailure>,
    worker: Option<Worker>,
    events_tx: Sender<Event>,
    events: Receiver<Event>,
    demo: Option<DemoServer>,
    notice: Option<Notice>,
    copier: Copier,
    copying: Option<Copying>,
    save: SaveDialog,
    /// The reply being gathered for a save, a slice per frame, before it is written.
    save_gather: Option<(JobId, Gather, PathBuf)>,
    first_frame: bool,
    monitor_fit: MonitorFit,
    keys_help: KeysHelp,
    /// The fetch whose certificate card has a window of its own, opened from the steps panel's
    /// handshake line: a new fetch closes it.
    card_of: Option<JobId>,
    /// The columns of the last frame: when the explanation becomes a tab, it is the tab shown.
    last_columns: Option<Columns>,
    fetch_now: bool,
    theme: Option<Theme>,
    stage: Stage,
    /// The zoom to set on the first frame, over the one eframe restored from last time.
    start_zoom: Option<f32>,
    remember: Remember,
    screenshot: Option<Screenshot>,
    history: HistoryPanel,
}

/// The whole window, or only what a presenter shows: the steps and the explanation in large text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Full,
    Presenter,
}

impl Stage {
    fn other(self) -> Self {
        match self {
            Self::Full => Self::Presenter,
            Self::Presenter => Self::Full,
        }
    }
}

/// How much larger the presenter view's explanation is than the window's text.
const PRESENTER_TEXT: f32 = 1.4;

/// The explanation alone, larger, in the room the reply had.
fn presenter_explain_ui(ui: &mut Ui, view: Option<&FetchView>) {
    for font in ui.style_mut().text_styles.values_mut() {
        font.size *= PRESENTER_TEXT;
    }
    egui::ScrollArea::vertical().id_salt("presenter explain").show(ui, |ui| explain_ui(ui, view));
}

/// Whether this run's choices (the form, the zoom, the window's size) are kept for the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Remember {
    Yes,
    /// A screenshot run: it must neither depend on nor change what normal runs remember.
    No,
}

/// A copy being made: its bytes gathered out of the reply, then handed to the `clipboard-copy` thread.
struct Copying {
    stage: CopyStage,
    /// "the reply" or "the selection", for the notice.
    what: &'static str,
    started: Instant,
    /// The longest the window's thread spent on one frame meanwhile.
    longest_frame: Duration,
}

enum CopyStage {
    /// Copying the bytes out of this fetch's reply (or its decoded body), a slice per frame.
    Gathering(JobId, Body, Gather),
    Running(CopyJob),
}

impl SocketFetchApp {
    /// A new app; `storage` holds the host and port of the last run.
    pub fn new(storage: Option<&dyn eframe::Storage>, options: StartOptions) -> Self {
        let remembered = |key| storage.and_then(|s| s.get_string(key));
        // Bounded: when the window falls behind a fast server, the worker waits instead of piling
        // chunks up in memory.
        let (events_tx, events) = fetch::event_channel();
        let host_given = options.host.is_some();
        let mut app = Self {
            form: FormFields {
                host: options.host.or_else(|| remembered(HOST_KEY)).unwrap_or_else(|| "example.com".to_owned()),
                port: options.port.or_else(|| remembered(PORT_KEY)).unwrap_or_else(|| DEFAULT_PORT.to_string()),
                secure: options.https,
                step_through: options.step_through,
                limits: options.limits.unwrap_or_default(),
            },
            editor: RequestEditor::default(),
            teaching: remembered(TEACHING_KEY).is_none_or(|v| v == "true"),
            tab: options.tab.unwrap_or(Tab::Reply),
            code: CodePanel::default(),
            selection: ReplyViewState::default(),
            body: Body::Raw,
            shown: if options.hex { Shown::Hex } else { Shown::Text },
            hex: HexViewState::default(),
            start_body: options.body,
            view: None,
            target: None,
            input_error: None,
            start_failure: None,
            worker: None,
            events_tx,
            events,
            demo: None,
            notice: None,
            copier: Copier::new(options.x11_clipboard),
            copying: None,
            save: SaveDialog::default(),
            save_gather: None,
            first_frame: true,
            // A screenshot run keeps its size, whatever the screen, so its pictures are reproducible.
            monitor_fit: MonitorFit::new(options.screenshot.is_none()),
            keys_help: KeysHelp::default(),
            card_of: None,
            last_columns: None,
            theme: options.theme,
            stage: if options.presenter { Stage::Presenter } else { Stage::Full },
            start_zoom: options.zoom.or(options.screenshot.is_some().then_some(1.0)),
            remember: if options.screenshot.is_some() { Remember::No } else { Remember::Yes },
            fetch_now: options.fetch_now || options.screenshot.is_some(),
            screenshot: options.screenshot.map(|path| Screenshot::new(path, options.pause_at)),
            history: HistoryPanel::new(options.history_dir),
        };
        app.form.host_changed();
        app.form.port_changed();
        if options.demo {
            if !host_given {
                // A path remembered from an earlier run must not follow into a fresh demo, nor its
                // scheme choose the demo's address.
                app.form.host.clear();
                app.form.secure = options.https;
            }
            app.use_demo_server();
        }
        app
    }

    /// The current fetch, if any (for tests and benchmarks).
    pub fn view(&self) -> Option<&FetchView> {
        self.view.as_ref()
    }

    /// The demo server the window started, if any (for tests: its HTTPS address is trusted).
    pub fn demo_server(&self) -> Option<&DemoServer> {
        self.demo.as_ref()
    }

    /// The History tab: the fetches remembered and the reply on show (for tests).
    pub fn history(&self) -> &HistoryPanel {
        &self.history
    }

    pub fn input_error(&self) -> Option<&FetchError> {
        self.input_error.as_ref()
    }

    /// The host and port fields, as they read now (for tests).
    pub fn form_fields(&self) -> (&str, &str) {
        (&self.form.host, &self.form.port)
    }

    /// Draws the whole window. Used by eframe and, headless, by the tests.
    pub fn ui(&mut self, ui: &mut Ui) {
        let frame_start = Instant::now();
        // A fast server can queue a whole large reply between two frames: take in what fits in a
        // few milliseconds and the rest on the next frames, so the window never stalls.
        let deadline = Instant::now() + EVENT_TIME_PER_FRAME;
        while let Ok(event) = self.events.try_recv() {
            if let Some(view) = &mut self.view {
                view.apply(event);
            }
            if Instant::now() > deadline {
                ui.ctx().request_repaint();
                break;
            }
        }
        self.history.step(ui.ctx(), self.view.as_ref());
        let state = FetchState::of(self.view.as_ref());
        // Before any widget: a focused button must not take Space or Enter from the presenter.
        let key_action = presenter_keys(ui.ctx(), state, self.selection.has_focus() || self.hex.has_focus());
        if state != FetchState::Idle && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            self.cancel();
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::C)) {
            self.copy_reply();
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::S)) {
            self.open_save();
        }
        self.copy_step(ui.ctx());
        self.save_step(ui.ctx());

        self.monitor_fit.step(ui.ctx());
        if let Some(zoom) = self.start_zoom.take() {
            ui.ctx().set_zoom_factor(zoom);
        }
        if let Some(theme) = self.theme.take() {
            ui.ctx().set_theme(theme.preference());
        }
        let mut action = key_action;
        egui::Panel::top("top").show(ui, |ui| {
            ui.add_space(4.0);
            let demo = self.demo.as_ref().map(|d| DemoPorts { plain: d.addr().port(), https: d.https_addr().port() });
            let bar = TopBar {
                form: &mut self.form,
                state,
                focus_host: self.first_frame,
                demo,
                teaching: &mut self.teaching,
                presenter: self.stage == Stage::Presenter,
                keys_help: &mut self.keys_help,
            };
            let clicked = bar.bar_ui(ui);
            if clicked.form != FormAction::None {
                action = clicked.form;
            }
            if clicked.toggle_presenter {
                self.stage = self.stage.other();
            }
            ui.add_space(4.0);
        });
        // A fetch asked for at start-up waits for the second frame: the first one (fonts, the GPU's
        // set-up) is slow, and the worker would wait on it with its first events, which the steps'
        // times would show as a slow network.
        if std::mem::take(&mut self.first_frame) {
            ui.ctx().request_repaint();
        } else if std::mem::take(&mut self.fetch_now) {
            action = FormAction::Fetch;
        }
        match action {
            FormAction::None => {}
            FormAction::Fetch => self.start_fetch(ui.ctx()),
            FormAction::Cancel => self.cancel(),
            FormAction::UseDemo => self.use_demo_server(),
            FormAction::Next => self.next_step(),
        }

        let width = ui.available_width();
        let columns = Columns::for_width(width, self.teaching);
        if columns != Columns::OneColumn {
            let others = CENTRAL_MIN + if columns == Columns::Three && self.teaching { EXPLAIN_MIN } else { 0.0 };
            let range = side_range(width, STEPS_MIN, others);
            egui::Panel::left("steps").default_size(340.0).size_range(range).resizable(true).show(ui, |ui| {
                ui.add_space(6.0);
                ui.heading("Steps");
                self.steps_and_log_ui(ui);
            });
        }
        if columns == Columns::Three && self.teaching && self.stage == Stage::Full {
            // What the steps panel left: its width may be anything in its range.
            let range = side_range(ui.available_width(), EXPLAIN_MIN, CENTRAL_MIN);
            egui::Panel::right("explain").default_size(360.0).size_range(range).resizable(true).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("explain").show(ui, |ui| {
                    explain_ui(ui, self.view.as_ref());
                });
            });
        }

        let mut follow = None;
        egui::CentralPanel::default_margins().show(ui, |ui| {
            if self.stage == Stage::Full {
                self.request_editor_ui(ui);
            }
            if columns == Columns::OneColumn {
                // The steps above the reply, in at most a quarter of the height, so the reply keeps room
                // under the tabs and its toolbar.
                let max_height = ui.available_height() / 4.0;
                // Shorter than this (a 1024×768 screen at 250 %), the steps start folded, or the reply
                // would get no row at all; a click on "Steps" opens them.
                let roomy = ui.available_height() >= STEPS_OPEN_MIN_HEIGHT;
                egui::CollapsingHeader::new(RichText::new("Steps").heading()).default_open(roomy).show(ui, |ui| {
                    egui::ScrollArea::vertical().id_salt("steps above").max_height(max_height).show(ui, |ui| {
                        self.steps_and_log_ui(ui);
                    });
                });
            }
            if let Some(failure) = &self.start_failure {
                start_failure_card_ui(ui, failure);
                ui.add_space(6.0);
            } else if let Some(error) = &self.input_error {
                error_card_ui(ui, error, 0);
                ui.add_space(6.0);
            } else if let Some(error) = self.view.as_ref().and_then(FetchView::error) {
                error_card_ui(ui, error, self.view.as_ref().map_or(0, FetchView::received));
                ui.add_space(6.0);
            }
            if let Some(redirect) = self.redirect() {
                if redirect_ui(ui, &redirect) {
                    follow = Some(redirect);
                }
                ui.add_space(6.0);
            }
            if self.stage == Stage::Presenter {
                presenter_explain_ui(ui, self.view.as_ref());
                return;
            }
            let explain_tab = columns.explain_is_a_tab() && self.teaching;
            if self.tab == Tab::Explain && !explain_tab {
                self.tab = Tab::Reply; // the explanation has its own panel again
            }
            let was_a_tab = self.last_columns.is_some_and(Columns::explain_is_a_tab);
            if explain_tab && !was_a_tab && self.tab == Tab::Reply {
                // The explanation was in view beside the reply: it stays in view, as the tab shown.
                self.tab = Tab::Explain;
            }
            self.last_columns = Some(columns);
            ui.horizontal_wrapped(|ui| {
                for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Explain || explain_tab) {
                    ui.selectable_value(&mut self.tab, tab, RichText::new(tab.label()).size(16.0));
                }
            });
            ui.separator();
            match self.tab {
                Tab::Explain => {
                    egui::ScrollArea::vertical().id_salt("explain").show(ui, |ui| {
                        explain_ui(ui, self.view.as_ref());
                    });
                }
                Tab::Reply => {
                    self.reply_toolbar_ui(ui, columns == Columns::OneColumn);
                    match self.view.as_ref().and_then(|v| v.decoded.as_ref()) {
                        Some(decoded) => {
                            if let Some(body) = self.start_body.take() {
                                self.body = body;
                            }
                            if body_switch_ui(ui, &mut self.body, decoded) {
                                // The other body has other offsets: what was selected means nothing there.
                                self.selection = ReplyViewState::default();
                                self.hex = HexViewState::default();
                            }
                        }
                        None => self.body = Body::Raw,
                    }
                    if self.shown == Shown::Hex {
                        let copy = match &self.view {
                            Some(view) => with_body(view, self.body, |bytes| hex_ui(ui, bytes, &mut self.hex)),
                            None => hex_ui(ui, &[], &mut self.hex),
                        };
                        if let Some(copy) = copy {
                            self.hex_copy(ui.ctx(), copy);
                        }
                    } else if let Some(range) = shown_reply_ui(ui, self.view.as_ref(), self.body, &mut self.selection) {
                        let what =
                            if self.body == Body::Raw { "the selection" } else { "the selection of the decoded body" };
                        self.start_copy(range, self.body, what);
                    }
                }
                Tab::Timing => {
                    let timings = self.view.as_ref().and_then(|v| v.summary.as_ref()).map(|s| &s.timings);
                    waterfall_ui(ui, timings);
                }
                Tab::Code => {
                    let view = self.view.as_ref();
                    code_ui(ui, &mut self.code, view.and_then(FetchView::current_step), view.is_some_and(|v| v.tls));
                }
                Tab::Wire => on_the_wire_ui(ui, self.view.as_ref()),
                Tab::History => self.history.ui(ui),
            }
        });

        if let Some(Redirect::Follow { url, target }) = follow {
            self.follow(ui.ctx(), &url, target);
        }
        self.save_dialog_ui(ui);
        self.keys_help.window_ui(ui);
        self.card_window_ui(ui);
        if let Some(notice) = &self.notice {
            let left = notice.time_left();
            if left.is_zero() {
                self.notice = None;
            } else {
                ui.ctx().request_repaint_after(left);
            }
        }
        self.screenshot_step(ui.ctx());
        if let Some(copying) = &mut self.copying {
            copying.longest_frame = copying.longest_frame.max(frame_start.elapsed());
        }
    }

    /// The server's certificate in a window of its own, while open and the fetch on screen has one.
    fn card_window_ui(&mut self, ui: &Ui) {
        let Some(view) = self.view.as_ref().filter(|v| Some(v.job) == self.card_of) else { return };
        let Some(agreed) = view.agreed.as_deref() else { return };
        let mut open = true;
        egui::Window::new(CARD_TITLE).open(&mut open).collapsible(false).resizable(true).default_width(520.0).show(
            ui.ctx(),
            |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| certificate_card_ui(ui, agreed));
            },
        );
        if !open {
            self.card_of = None;
        }
    }

    /// The steps, then the log with Copy log.
    fn steps_and_log_ui(&mut self, ui: &mut Ui) {
        if steps_ui(ui, self.view.as_ref()) {
            self.card_of = self.view.as_ref().map(|v| v.job);
        }
        ui.separator();
        if log_ui(ui, self.view.as_ref(), self.notice.as_ref())
            && let Some(view) = &self.view
        {
            let log = view.log_text();
            let text = format!(
                "Copied the log ({}) to the clipboard.",
                format::counted(view.log.len() as u64, "line", "lines")
            );
            self.notice = Some(Notice::new(Place::Log, text, true));
            ui.ctx().copy_text(log);
        }
    }

    /// `compact`: the window is one column, short of room; the tab above already says "Reply", and the
    /// save button says less, so the toolbar keeps to one row and the reply keeps its rows.
    fn reply_toolbar_ui(&mut self, ui: &mut Ui, compact: bool) {
        // Wrapped: a narrow panel moves whole buttons to the next row rather than cutting them.
        let toolbar = ui.horizontal_wrapped(|ui| {
            if !compact {
                ui.heading("Reply");
            }
            shown_switch_ui(ui, &mut self.shown);
            let reply_len = self.view.as_ref().map_or(0, |v| v.reply.bytes().len() as u64);
            if let Some(copying) = &self.copying {
                // Gathering is the first half of the way, the copy job the second.
                let progress = match &copying.stage {
                    CopyStage::Gathering(_, _, gather) => gather.progress() / 2.0,
                    CopyStage::Running(job) => 0.5 + job.progress() / 2.0,
                };
                let percent = (progress * 100.0).round();
                ui.add_enabled(false, egui::Button::new(format!("Copying… {percent} %")))
                    .on_disabled_hover_text("The copy is being made; the window stays usable meanwhile");
            } else if let Some(cap) = self.copier.cap().filter(|cap| reply_len > *cap) {
                // Said before copying: this clipboard path would lose the copy.
                ui.add_enabled(false, egui::Button::new(format!("Copy reply: over {} MiB", cap >> 20)))
                    .on_disabled_hover_text(format!(
                        "This clipboard carries up to {} reliably and the reply is {}: save it to a file instead",
                        format::bytes(cap),
                        format::bytes(reply_len)
                    ));
            } else if ui
                .add_enabled(reply_len > 0, egui::Button::new("Copy reply"))
                .on_hover_text("Put the whole raw reply on the clipboard (Ctrl+Shift+C)")
                .clicked()
            {
                self.copy_reply();
            }
            self.copy_decoded_ui(ui);
            let saving = self.saving();
            let save = egui::Button::new(match (saving, compact) {
                (true, _) => "Saving…",
                (false, true) => "Save…",
                (false, false) => "Save reply to file…",
            });
            if ui
                .add_enabled(reply_len > 0 && !saving, save)
                .on_hover_text("Write the raw reply, byte for byte, to a file (Ctrl+S)")
                .clicked()
            {
                self.open_save();
            }
            // Last, in the room the buttons leave: a long reason phrase is cut, never the buttons.
            if let Some(view) = &self.view {
                let status = view.head.as_ref().map(|h| format!("{} {} · ", h.status, h.reason)).unwrap_or_default();
                status_label_ui(ui, &format!("{}{}", one_line(&status), format::bytes(view.received())), &status);
            }
        });
        Notice::ui(self.notice.as_ref(), ui, Place::Reply, toolbar.response.rect);
    }

    fn saving(&self) -> bool {
        self.save.is_saving() || self.save_gather.is_some()
    }

    /// "Save reply to file…", from its button or Ctrl+S.
    fn open_save(&mut self) {
        match &self.view {
            _ if self.saving() => self.warn("A save is still being made: try again when it is done.".to_owned()),
            Some(view) if !view.reply.bytes().is_empty() => self.save.open(&view.host, view.port),
            _ => self.warn("Nothing to save yet: fetch something first.".to_owned()),
        }
    }

    /// The request editor under the form, following the form's address; its curl command goes on
    /// the clipboard.
    fn request_editor_ui(&mut self, ui: &mut Ui) {
        let target = self.form_target().ok();
        if let Some(target) = &target {
            self.editor.follow(target);
        }
        if let Some(command) = self.editor.ui(ui, target.as_ref(), self.notice.as_ref()) {
            let text = format!(
                "Copied the curl command ({} characters) to the clipboard: it sends the bytes shown.",
                format::count(command.chars().count() as u64)
            );
            ui.ctx().copy_text(command);
            self.notice = Some(Notice::new(Place::Editor, text, true));
        }
        ui.add_space(4.0);
    }

    /// The address the form says, over HTTPS when Secure is ticked.
    fn form_target(&self) -> Result<Target, fetch::InputError> {
        let mut target = Target::parse(&self.form.host, &self.form.port)?;
        // The toggle follows the host's scheme and port 443, and says HTTPS on any other port.
        target.secure = self.form.secure;
        Ok(target)
    }

    fn warn(&mut self, text: String) {
        self.tell(text, false);
    }

    /// Shows `text` by the reply's toolbar for a while; `good`: a success, else a warning.
    fn tell(&mut self, text: String, good: bool) {
        self.notice = Some(Notice::new(Place::Reply, text, good));
    }

    fn copy_reply(&mut self) {
        let len = self.view.as_ref().map_or(0, |v| v.reply.bytes().len());
        if len > 0 {
            self.start_copy(0..len, Body::Raw, "the reply");
        }
    }

    /// "Copy decoded body", beside "Copy reply" when the reply has one: its own button, so the raw
    /// reply is what "Copy reply" always copies.
    fn copy_decoded_ui(&mut self, ui: &mut Ui) {
        let Some(decoded) = self.view.as_ref().and_then(|v| v.decoded.as_ref()) else { return };
        let (done, len) = {
            let shared = decoded.lock();
            (shared.outcome.is_some(), shared.text.bytes().len())
        };
        let button = egui::Button::new("Copy decoded body");
        let clicked = if done {
            ui.add_enabled(len > 0 && self.copying.is_none(), button)
                .on_hover_text("Put the body with its chunk sizes removed and unzipped on the clipboard")
                .clicked()
        } else {
            ui.add_enabled(false, button).on_disabled_hover_text("The body is still being decoded");
            false
        };
        if clicked {
            self.start_copy(0..len, Body::Decoded, "the decoded body");
        }
    }

    /// A copy asked for in the hex view: as hex, made here (it is at most [`HEX_COPY_CAP`] bytes), or
    /// as bytes, by the copy rule as any other copy.
    fn hex_copy(&mut self, ctx: &egui::Context, copy: HexCopy) {
        let what = if self.body == Body::Raw { "the selection" } else { "the selection of the decoded body" };
        let range = match copy {
            HexCopy::Bytes(range) => return self.start_copy(range, self.body, what),
            HexCopy::Hex(range) => range,
        };
        if range.len() > HEX_COPY_CAP {
            return self.warn(format!(
                "Not copied: copy as hex takes up to {} and {what} is {}. Copy it as bytes, or save the reply.",
                format::bytes(HEX_COPY_CAP as u64),
                format::bytes(range.len() as u64)
            ));
        }
        let Some(view) = &self.view else { return };
        let text = with_body(view, self.body, |bytes| {
            hex_text(&bytes[range.start.min(bytes.len())..range.end.min(bytes.len())])
        });
        ctx.copy_text(text);
        self.tell(format!("Copied {what}, {}, to the clipboard as hex.", format::detailed(range.len() as u64)), true);
    }

    /// Starts copying `range` of the reply: gathered here a slice per frame, then deciding the form
    /// and escaping on the `clipboard-copy` thread, never on this one.
    fn start_copy(&mut self, range: std::ops::Range<usize>, body: Body, what: &'static str) {
        let Some(view) = &self.view else { return };
        if self.copying.is_some() {
            self.warn("A copy is still being made: try again when it is done.".to_owned());
            return;
        }
        if let Some(cap) = self.copier.cap().filter(|cap| range.len() as u64 > *cap) {
            self.warn(format!(
                "Not copied: {what} is {}, more than this clipboard carries reliably ({}). \
                 Save reply to file keeps all of it.",
                format::bytes(range.len() as u64),
                format::bytes(cap)
            ));
            return;
        }
        let stage = CopyStage::Gathering(view.job, body, Gather::new(range));
        self.copying = Some(Copying { stage, what, started: Instant::now(), longest_frame: Duration::ZERO });
    }

    /// Moves a copy on: the next slice of its bytes, the hand-over to the copy job, or its result.
    fn copy_step(&mut self, ctx: &egui::Context) {
        let Some(copying) = &mut self.copying else { return };
        let result = match &mut copying.stage {
            CopyStage::Gathering(job, body, gather) => {
                let Ok(gathered) = gather_step(self.view.as_ref(), *job, *body, gather) else {
                    self.copying = None;
                    self.warn("Not copied: a new fetch replaced the reply before the copy was made.".to_owned());
                    return;
                };
                if let Some(bytes) = gathered {
                    let wake = ctx.clone();
                    match self.copier.start(Arc::new(bytes), move || wake.request_repaint()) {
                        Ok(job) => copying.stage = CopyStage::Running(job),
                        Err(e) => {
                            self.copy_ended(Err(CopyError::Failed(format!("the copy could not start ({e})"))));
                        }
                    }
                }
                ctx.request_repaint();
                return;
            }
            CopyStage::Running(job) => {
                let Some(result) = job.try_result() else {
                    // Progress moves without events: look again soon.
                    ctx.request_repaint_after(Duration::from_millis(50));
                    return;
                };
                result
            }
        };
        let result = result.map(|mut copied| {
            if let Some(text) = copied.text.take() {
                ctx.copy_text(text);
            }
            copied
        });
        self.copy_ended(result);
    }

    /// Says how a copy ended.
    fn copy_ended(&mut self, result: Result<Copied, CopyError>) {
        let Some(copying) = self.copying.take() else { return };
        let what = copying.what;
        let (text, good) = match result {
            Ok(Copied { survey, .. }) => {
                let size = format::detailed(survey.bytes);
                let text = match survey.form() {
                    Form::Exact => format!("Copied {what}, {size}, to the clipboard, exactly as received."),
                    Form::Escaped => format!(
                        "Copied {what}, {size}: {} bytes that are not text were written as \\xNN and backslashes \
                         doubled, so the copy can be turned back into the exact bytes.",
                        format::count(survey.not_text)
                    ),
                };
                (text, true)
            }
            Err(e) => (format!("Not copied: {e} Save reply to file keeps all of it."), false),
        };
        // Also on stderr, with how long it took and how long the window was kept busy meanwhile:
        // a record for whoever started the window from a terminal, and what CI's clipboard test reads.
        eprintln!(
            "socket-fetch: {text} ({} ms; the longest frame meanwhile took {} ms)",
            copying.started.elapsed().as_millis(),
            copying.longest_frame.as_millis()
        );
        self.tell(text, good);
    }

    fn save_dialog_ui(&mut self, ui: &Ui) {
        let reply_len = self.view.as_ref().map_or(0, |v| v.reply.bytes().len());
        let SaveAction::Save(path) = self.save.ui(ui, reply_len as u64) else { return };
        let Some(view) = &self.view else { return };
        self.save_gather = Some((view.job, Gather::new(0..reply_len), path));
    }

    /// Moves a save on: the next slice of the reply, the hand-over to the writing thread, or its result.
    fn save_step(&mut self, ctx: &egui::Context) {
        if let Some((job, gather, _)) = &mut self.save_gather {
            if let Ok(gathered) = gather_step(self.view.as_ref(), *job, Body::Raw, gather) {
                if let Some(bytes) = gathered
                    && let Some((_, _, path)) = self.save_gather.take()
                {
                    let wake = ctx.clone();
                    self.save.start(path, bytes, move || wake.request_repaint());
                }
                ctx.request_repaint();
            } else {
                self.save_gather = None;
                self.warn("Not saved: a new fetch replaced the reply before it was saved.".to_owned());
            }
        }
        if let Some((text, good)) = self.save.result() {
            self.tell(text, good);
        }
    }

    /// A fetch of what the form says; an input error instead clears the stage, so nothing on screen
    /// belongs to an older fetch.
    fn start_fetch(&mut self, ctx: &egui::Context) {
        if self.view.as_ref().is_some_and(FetchView::is_running) {
            return; // Fetch is Cancel while running; Enter must not start a second fetch by accident
        }
        match self.form_target() {
            Ok(target) => {
                // A port written in the host (a pasted URL) is the one used: the Port field shows it.
                self.form.port = target.port.to_string();
                match self.editor.outgoing(&target) {
                    Some(outgoing) => self.launch(ctx, target, None, outgoing),
                    // The editor says which field, next to it.
                    None => self.clear_stage(None),
                }
            }
            Err(e) => self.clear_stage(Some(e.into())),
        }
    }

    /// The reply's redirect, once the fetch has ended: where it sends the client next.
    fn redirect(&self) -> Option<Redirect> {
        let view = self.view.as_ref().filter(|v| !v.is_running())?;
        let head = view.head.as_ref().filter(|h| is_redirect_status(h.status))?;
        redirect_of(head, self.target.as_ref()?)
    }

    /// Follows the current fetch's redirect to `url`: the form shows the new address, and the fetch
    /// is the next hop of the same story.
    fn follow(&mut self, ctx: &egui::Context, url: &url::Url, target: Target) {
        let Some(previous) = self.view.take() else { return };
        self.form.host = url.to_string();
        self.form.port = target.port.to_string();
        self.form.host_changed();
        let from = self.target.as_ref().and_then(|t| fetch::url_of(t).ok()).unwrap_or_else(|| url.clone());
        let line = format!("Hop {}: {}", previous.hop + 1, hops::hop_text(&from, url));
        // A redirect is followed with the tutorial's request, as a browser follows one with a GET.
        self.launch(ctx, target, Some((previous, line)), Outgoing::Default);
    }

    /// Nothing on screen from an earlier fetch: the steps, log, explanation, reply and notice go back
    /// to waiting, with `error` said instead.
    fn clear_stage(&mut self, error: Option<FetchError>) {
        self.view = None;
        self.target = None;
        self.selection = ReplyViewState::default();
        self.hex = HexViewState::default();
        self.input_error = error;
        self.start_failure = None;
        self.notice = None; // "Copied the reply ..." spoke of the reply now gone
    }

    /// Starts fetching `target` with the form's limits, sending `outgoing`; `hop`: the fetch it
    /// follows on from, and the line that says so.
    fn launch(&mut self, ctx: &egui::Context, target: Target, hop: Option<(FetchView, String)>, outgoing: Outgoing) {
        let limits = match self.form.limits.for_job() {
            Ok(limits) => limits,
            Err(e) => return self.clear_stage(Some(FetchError::Input(e.into()))),
        };
        if self.worker.is_none() {
            match repaint_waker(ctx.clone()).and_then(|wake| Worker::spawn(self.events_tx.clone(), wake)) {
                Ok(worker) => self.worker = Some(worker),
                Err(e) => {
                    self.clear_stage(None);
                    self.start_failure = Some(StartFailure::Worker(e));
                    return;
                }
            }
        }
        let Some(worker) = &mut self.worker else { return };
        let mut job = Job::new(target.clone());
        job.step_through = self.form.step_through;
        job.connect_timeout = limits.connect_timeout;
        job.read_timeout = limits.read_timeout;
        job.max_bytes = limits.max_bytes;
        let raw = outgoing.is_raw();
        outgoing.apply_to(&mut job);
        if limits.skip_cert_check {
            job.trust = Trust::Insecure;
        } else if let Some(demo) = &self.demo {
            // The demo server's HTTPS certificate is trusted while it runs, beside the bundled roots.
            job.trust = Trust::BundledAnd(vec![demo.ca().clone()]);
        }
        let id = worker.fetch(job);
        let (host, port) = (target.host.clone(), target.port);
        self.clear_stage(None);
        let mut view = match hop {
            Some((previous, line)) => FetchView::next_hop(previous, id, host, port, limits.max_bytes, line),
            None => FetchView::new(id, host, port, limits.max_bytes),
        };
        view.raw = raw;
        self.view = Some(view);
        self.target = Some(target);
    }

    fn cancel(&self) {
        if let (Some(worker), Some(view)) = (&self.worker, &self.view) {
            worker.cancel(view.job);
        }
    }

    /// Step-through mode: run the step the fetch is paused before.
    fn next_step(&self) {
        if let (Some(worker), Some(view)) = (&self.worker, &self.view) {
            worker.next(view.job);
        }
    }

    fn use_demo_server(&mut self) {
        if self.demo.is_none() {
            match DemoServer::start(0) {
                Ok(server) => self.demo = Some(server),
                Err(e) => {
                    self.clear_stage(None);
                    self.start_failure = Some(StartFailure::DemoServer(e));
                    return;
                }
            }
        }
        if let Some(server) = &self.demo {
            // A path typed after the host (127.0.0.1/bytes/100) is kept.
            let path = self.form.host.find('/').map(|i| self.form.host[i..].to_owned()).unwrap_or_default();
            let path = if self.form.host.contains("://") { String::new() } else { path };
            // Its https address when Secure is ticked: the name localhost, so the server name is sent.
            let (host, port) = if self.form.secure {
                (DEMO_HTTPS_HOST, server.https_addr().port())
            } else {
                (DEMO_PLAIN_HOST, server.addr().port())
            };
            self.form.host = format!("{host}{path}");
            self.form.port = port.to_string();
            self.input_error = None;
            self.start_failure = None;
        }
    }
}

impl eframe::App for SocketFetchApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        SocketFetchApp::ui(self, ui);
    }

    fn persist_egui_memory(&self) -> bool {
        self.remember == Remember::Yes // egui's memory holds the zoom
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.remember == Remember::No {
            return;
        }
        storage.set_string(HOST_KEY, self.form.host.clone());
        storage.set_string(PORT_KEY, self.form.port.clone());
        storage.set_string(TEACHING_KEY, self.teaching.to_string());
    }
}

/// The reply's status in the toolbar: the server chose the reason phrase, so the label takes only
/// the room the buttons leave, cut with "…", and the whole text (controls made visible) shows on hover.
/// A new fetch replaced the reply that a copy or a save was gathering.
struct Replaced;

/// The next slice of `gather`, taken from `body` of the reply of fetch `job`: all its bytes once they
/// are in (copy and save gather the same way).
fn gather_step(
    view: Option<&FetchView>,
    job: JobId,
    body: Body,
    gather: &mut Gather,
) -> Result<Option<Vec<u8>>, Replaced> {
    match view {
        Some(view) if view.job == job => Ok(with_body(view, body, |bytes| gather.step(bytes))),
        _ => Err(Replaced),
    }
}

fn status_label_ui(ui: &mut Ui, text: &str, full: &str) {
    ui.add(egui::Label::new(text).truncate()).on_hover_text(visible(full));
}
