//! The app: owns one [`Session`] and the panels that draw it, and lays them out. Each frame reads
//! the session's folded fetch under its lock, draws, and then acts on what was asked for.

use std::time::Instant;

use egui::{Key, Modifiers, RichText, Ui};

use crate::demo_server::DemoServer;
use crate::fetch::{DEFAULT_PORT, FetchError, Redirect};
use crate::session::{FetchView, Folded, Session, StartError};
use crate::ui::frame::arrangement::{Arrangement, Stage, presenter_explain_ui};
use crate::ui::frame::autopilot::Screenshot;
use crate::ui::frame::keys::{KeysHelp, presenter_keys};
use crate::ui::frame::layout::{CENTRAL_MIN, Columns, EXPLAIN_MIN, STEPS_MIN, side_range};
use crate::ui::frame::start_options::{StartOptions, Tab};
use crate::ui::frame::start_up::{Remember, StartUp};
use crate::ui::frame::top_bar::TopBar;
use crate::ui::frame::waker::repaint_waker;
use crate::ui::panels::code_panel::{CodePanel, code_ui};
use crate::ui::panels::error_card::{error_card_ui, start_failure_card_ui};
use crate::ui::panels::explain_panel::explain_ui;
use crate::ui::panels::history_panel::HistoryPanel;
use crate::ui::panels::notice::Notice;
use crate::ui::panels::redirect_bar::redirect_ui;
use crate::ui::panels::steps_column::StepsColumn;
use crate::ui::panels::waterfall::waterfall_ui;
use crate::ui::panels::wire_view::on_the_wire_ui;
use crate::ui::reply::hex_view::Shown;
use crate::ui::reply::reply_panel::ReplyPanel;
use crate::ui::request::form::{DemoPorts, FetchState, FormAction, FormFields};
use crate::ui::request::request_panel::{Refused, RequestPanel};

const HOST_KEY: &str = "host";
const PORT_KEY: &str = "port";
const TEACHING_KEY: &str = "teaching";

/// The least height (in points, under the top bar and the Request section) at which the one-column
/// layout opens the steps above the reply.
const STEPS_OPEN_MIN_HEIGHT: f32 = 240.0;

pub struct SocketFetchApp {
    session: Session,
    request: RequestPanel,
    reply: ReplyPanel,
    steps: StepsColumn,
    code: CodePanel,
    history: HistoryPanel,
    arrangement: Arrangement,
    /// Why no fetch is on show: an input that cannot be used, or a part that could not start.
    problem: Option<Problem>,
    notice: Option<Notice>,
    keys_help: KeysHelp,
    start_up: StartUp,
    screenshot: Option<Screenshot>,
}

/// Said instead of a fetch.
enum Problem {
    /// A host, port or limit that could not be used.
    Input(FetchError),
    /// A part of the window's own that could not start (the worker, the demo server).
    Start(StartError),
}

impl SocketFetchApp {
    /// A new app; `storage` holds the host and port of the last run.
    pub fn new(storage: Option<&dyn eframe::Storage>, options: StartOptions) -> Self {
        let remembered = |key| storage.and_then(|s| s.get_string(key));
        let host_given = options.host.is_some();
        let start_up = StartUp::new(&options);
        let mut form = FormFields {
            host: options.host.or_else(|| remembered(HOST_KEY)).unwrap_or_else(|| "example.com".to_owned()),
            port: options.port.or_else(|| remembered(PORT_KEY)).unwrap_or_else(|| DEFAULT_PORT.to_string()),
            secure: options.https,
            step_through: options.step_through,
            limits: options.limits.unwrap_or_default(),
        };
        form.host_changed();
        form.port_changed();
        let teaching = remembered(TEACHING_KEY).is_none_or(|v| v == "true");
        let mut app = Self {
            session: Session::new(options.history_dir),
            request: RequestPanel::new(form),
            reply: ReplyPanel::new(
                if options.hex { Shown::Hex } else { Shown::Text },
                options.body,
                options.x11_clipboard,
            ),
            steps: StepsColumn::default(),
            code: CodePanel::default(),
            history: HistoryPanel::default(),
            arrangement: Arrangement::new(teaching, options.tab.unwrap_or(Tab::Reply), options.presenter),
            problem: None,
            notice: None,
            keys_help: KeysHelp::default(),
            start_up,
            screenshot: options.screenshot.map(|path| Screenshot::new(path, options.pause_at)),
        };
        if options.demo {
            if !host_given {
                // A path remembered from an earlier run must not follow into a fresh demo, nor its
                // scheme choose the demo's address.
                app.request.form.host.clear();
                app.request.form.secure = options.https;
            }
            app.use_demo_server();
        }
        app
    }

    /// The current fetch, if any (for tests and benchmarks). Hold it briefly: the session's fold
    /// waits meanwhile.
    pub fn view(&self) -> Option<impl std::ops::Deref<Target = FetchView> + '_> {
        self.session.view()
    }

    /// The demo server the window started, if any (for tests: its HTTPS address is trusted).
    pub fn demo_server(&self) -> Option<&DemoServer> {
        self.session.demo()
    }

    /// The History tab: the fetches remembered and the reply on show (for tests).
    pub fn history(&self) -> &HistoryPanel {
        &self.history
    }

    pub fn input_error(&self) -> Option<&FetchError> {
        match &self.problem {
            Some(Problem::Input(error)) => Some(error),
            _ => None,
        }
    }

    /// The host and port fields, as they read now (for tests).
    pub fn form_fields(&self) -> (&str, &str) {
        (&self.request.form.host, &self.request.form.port)
    }

    /// Draws the whole window. Used by eframe and, headless, by the tests.
    pub fn ui(&mut self, ui: &mut Ui) {
        let frame_start = Instant::now();
        if self.start_up.is_first_frame() {
            self.attach(ui.ctx());
        }
        self.history.step(self.session.history());
        let action = self.top_ui(ui);
        match action {
            FormAction::None => {}
            FormAction::Fetch => self.start_fetch(),
            FormAction::Cancel => self.session.cancel(),
            FormAction::UseDemo => self.use_demo_server(),
            FormAction::Next => self.session.next_step(),
        }
        let follow = self.panels_ui(ui);
        if let Some(Redirect::Follow { url, target, .. }) = follow {
            self.request.form.followed(&url, target.port);
            self.problem = None;
            self.notice = None;
            if let Err(e) = self.session.follow(&url, target) {
                self.problem = Some(Problem::Start(e));
            }
        }
        if let Some(notice) = &self.notice {
            let left = notice.time_left();
            if left.is_zero() {
                self.notice = None;
            } else {
                ui.ctx().request_repaint_after(left);
            }
        }
        if let Some(shot) = &mut self.screenshot
            && shot.step(ui.ctx(), &self.session, self.problem.is_some())
        {
            self.screenshot = None;
        }
        self.reply.frame_took(frame_start.elapsed());
    }

    /// The session's threads and the history start with the first frame, which gives the waker.
    fn attach(&mut self, ctx: &egui::Context) {
        let attached =
            repaint_waker(ctx.clone()).map_err(StartError::Worker).and_then(|wake| self.session.attach(&wake));
        match attached {
            Ok(Some(failure)) => self.history.failed(failure),
            Ok(None) => {}
            Err(e) => self.problem = Some(Problem::Start(e)),
        }
    }

    /// The keys and the top bar, under a short read of the session; answers what they asked for.
    fn top_ui(&mut self, ui: &mut Ui) -> FormAction {
        let reader = self.session.reader();
        let folded = reader.read();
        let view = folded.view.as_ref();
        let state = FetchState::of(view);
        // Before any widget: a focused button must not take Space or Enter from the presenter.
        let mut action = presenter_keys(ui.ctx(), state, self.reply.has_focus());
        if state != FetchState::Idle && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            action = FormAction::Cancel;
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::C)) {
            self.reply.copy_reply(ui.ctx(), view, &mut self.notice);
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::S)) {
            self.reply.open_save(view, &mut self.notice);
        }
        self.reply.step(ui.ctx(), view, &mut self.notice);
        self.start_up.step(ui.ctx());
        egui::Panel::top("top").show(ui, |ui| {
            ui.add_space(4.0);
            let demo = self.session.demo().map(|d| DemoPorts { plain: d.addr().port(), https: d.https_addr().port() });
            let bar = TopBar {
                form: &mut self.request.form,
                state,
                focus_host: self.start_up.is_first_frame(),
                demo,
                teaching: &mut self.arrangement.teaching,
                presenter: self.arrangement.stage == Stage::Presenter,
                keys_help: &mut self.keys_help,
            };
            let clicked = bar.bar_ui(ui);
            if clicked.form != FormAction::None {
                action = clicked.form;
            }
            if clicked.toggle_presenter {
                self.arrangement.toggle_presenter();
            }
            ui.add_space(4.0);
        });
        if self.start_up.fetch_due(ui.ctx()) {
            action = FormAction::Fetch;
        }
        action
    }

    /// The steps, explanation and central panels, under one read of the session; answers a
    /// redirect to follow.
    fn panels_ui(&mut self, ui: &mut Ui) -> Option<Redirect> {
        let reader = self.session.reader();
        let folded = reader.read();
        let view = folded.view.as_ref();
        let teaching = self.arrangement.teaching;
        let width = ui.available_width();
        let columns = Columns::for_width(width, teaching);
        if columns != Columns::OneColumn {
            let others = CENTRAL_MIN + if columns == Columns::Three && teaching { EXPLAIN_MIN } else { 0.0 };
            let range = side_range(width, STEPS_MIN, others);
            egui::Panel::left("steps").default_size(340.0).size_range(range).resizable(true).show(ui, |ui| {
                ui.add_space(6.0);
                ui.heading("Steps");
                self.steps.ui(ui, view, &mut self.notice);
            });
        }
        if columns == Columns::Three && teaching && self.arrangement.stage == Stage::Full {
            // What the steps panel left: its width may be anything in its range.
            let range = side_range(ui.available_width(), EXPLAIN_MIN, CENTRAL_MIN);
            egui::Panel::right("explain").default_size(360.0).size_range(range).resizable(true).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("explain").show(ui, |ui| explain_ui(ui, view));
            });
        }
        let mut follow = None;
        egui::CentralPanel::default_margins().show(ui, |ui| {
            follow = self.central_ui(ui, &folded, columns);
        });
        self.reply.dialog_ui(ui, view, &mut self.notice);
        self.keys_help.window_ui(ui);
        self.steps.card_window_ui(ui, view);
        follow
    }

    /// The request editor, the steps in one column, the cards, then the tabs and the tab chosen.
    fn central_ui(&mut self, ui: &mut Ui, folded: &Folded, columns: Columns) -> Option<Redirect> {
        let view = folded.view.as_ref();
        if self.arrangement.stage == Stage::Full {
            self.request.editor_ui(ui, &mut self.notice);
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
                    self.steps.ui(ui, view, &mut self.notice);
                });
            });
        }
        self.problem_ui(ui, view);
        let mut follow = None;
        if let Some(redirect) = folded.redirect() {
            if redirect_ui(ui, &redirect) {
                follow = Some(redirect);
            }
            ui.add_space(6.0);
        }
        if self.arrangement.stage == Stage::Presenter {
            presenter_explain_ui(ui, view);
            return follow;
        }
        self.arrangement.tabs_ui(ui, columns);
        match self.arrangement.tab {
            Tab::Explain => {
                egui::ScrollArea::vertical().id_salt("explain").show(ui, |ui| explain_ui(ui, view));
            }
            Tab::Reply => self.reply.ui(ui, view, columns == Columns::OneColumn, &mut self.notice),
            Tab::Timing => waterfall_ui(ui, view.and_then(|v| v.summary.as_ref()).map(|s| &s.timings)),
            Tab::Code => {
                code_ui(ui, &mut self.code, view.and_then(FetchView::current_step), view.is_some_and(|v| v.tls));
            }
            Tab::Wire => on_the_wire_ui(ui, view),
            Tab::History => self.history.ui(ui, self.session.history()),
        }
        follow
    }

    /// The card for what went wrong, if anything did.
    fn problem_ui(&self, ui: &mut Ui, view: Option<&FetchView>) {
        match (&self.problem, view) {
            (Some(Problem::Start(failure)), _) => start_failure_card_ui(ui, failure),
            (Some(Problem::Input(error)), _) => error_card_ui(ui, error, 0),
            (None, Some(view)) => match view.error() {
                Some(error) => error_card_ui(ui, error, view.received()),
                None => return,
            },
            (None, None) => return,
        }
        ui.add_space(6.0);
    }

    /// A fetch of what the form says; a refusal instead clears the stage, so nothing on screen
    /// belongs to an older fetch.
    fn start_fetch(&mut self) {
        if self.session.view().is_some_and(|v| v.is_running()) {
            return; // Fetch is Cancel while running; Enter must not start a second fetch by accident
        }
        self.notice = None; // "Copied the reply ..." spoke of the reply now gone
        self.problem = None;
        match self.request.plan() {
            Ok(plan) => {
                if let Err(e) = self.session.start(plan) {
                    self.problem = Some(Problem::Start(e));
                }
            }
            Err(refused) => {
                self.session.clear();
                if let Refused::Input(error) = refused {
                    self.problem = Some(Problem::Input(error));
                }
            }
        }
    }

    fn use_demo_server(&mut self) {
        match self.session.use_demo() {
            Ok(server) => {
                let ports = DemoPorts { plain: server.addr().port(), https: server.https_addr().port() };
                self.request.form.use_demo(ports);
                self.problem = None;
            }
            Err(e) => {
                self.notice = None;
                self.problem = Some(Problem::Start(e));
            }
        }
    }
}

impl eframe::App for SocketFetchApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        SocketFetchApp::ui(self, ui);
    }

    fn persist_egui_memory(&self) -> bool {
        self.start_up.remember == Remember::Yes // egui's memory holds the zoom
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.start_up.remember == Remember::No {
            return;
        }
        storage.set_string(HOST_KEY, self.request.form.host.clone());
        storage.set_string(PORT_KEY, self.request.form.port.clone());
        storage.set_string(TEACHING_KEY, self.arrangement.teaching.to_string());
    }
}
