//! The request editor: a "Request" section under the form, closed by default so the teaching view
//! stays simple. Open, it shapes what a fetch sends: an HTTP request field by field (method, path,
//! version, headers, body), or raw bytes for any TCP service with a rule for when to stop reading;
//! below, "Exactly what will be sent", updated as you type. Closed, a fetch sends the tutorial's
//! request, as it always did.
//!
//! The engine decides what can be sent ([`RequestSpec::build`], [`raw_bytes`], [`StopRule::parse`]):
//! this module only draws the fields and says the engine's problem next to the field it names.

mod preview;

use egui::text::LayoutJob;
use egui::{RichText, TextFormat, Ui};

use crate::curl_command::curl_command;
use crate::fetch::{
    Field, HeaderField, Payload, RawProblem, Request, RequestProblem, RequestSpec, StopRule, Target, Version, raw_bytes,
};
use crate::format;

use crate::ui::palette;
use crate::ui::panels::notice::{Notice, Place};
use preview::{Piece, preview_lines};

/// The methods offered in the list; any other token can be typed.
const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"];
/// The preview shows at most this many lines, and this many bytes: a pasted megabyte body would
/// otherwise be laid out again every frame.
const PREVIEW_LINES: usize = 200;
const PREVIEW_BYTES: usize = 16 * 1024;
/// The most characters a field holds: a text field lays out every character each frame, so a
/// pasted megabyte would freeze the window. A larger body is the terminal's `--data-binary @FILE`.
const FIELD_CHARS: usize = 8 * 1024;
const BODY_CHARS: usize = 64 * 1024;
/// The section's title, also what tests click to open it.
const SECTION_TITLE: &str = "Request";
const PREVIEW_TITLE: &str = "Exactly what will be sent";
const CURL_BUTTON: &str = "Copy as curl command";

/// HTTP request or raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Http,
    Raw,
}

/// When a raw fetch stops reading, as chosen; its numbers are kept while another is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopChoice {
    Hangup,
    Quiet,
    Bytes,
}

/// A field of the editor cannot be sent; the editor says which, next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsendable;

pub struct RequestEditor {
    /// The section is open: only then does a fetch send what it says.
    open: bool,
    mode: Mode,
    /// The HTTP request's fields; its body is `body`, typed as text.
    spec: RequestSpec,
    body: String,
    /// The path and the Host value last filled in from the form: while the field still reads so,
    /// the person has not edited it, and it follows the form.
    followed_path: String,
    followed_host: String,
    raw_text: String,
    stop: StopChoice,
    quiet_seconds: f64,
    stop_bytes: u64,
    /// Fetch was pressed while a field could not be sent: said until the fields are fixed.
    refused: bool,
    /// A row just added: its name field takes the keyboard on the next frame, ready for typing.
    focus_new_row: bool,
}

/// Why the editor's fields cannot be sent.
#[derive(PartialEq)]
enum Problem {
    Request(RequestProblem),
    Raw(RawProblem),
}

impl Default for RequestEditor {
    fn default() -> Self {
        Self {
            open: false,
            mode: Mode::Http,
            spec: RequestSpec {
                method: "GET".to_owned(),
                path: "/".to_owned(),
                version: Version::Http10,
                headers: vec![HeaderField::new("Host", "")],
                body: Vec::new().into(),
            },
            body: String::new(),
            followed_path: "/".to_owned(),
            followed_host: String::new(),
            raw_text: String::new(),
            stop: StopChoice::Quiet,
            quiet_seconds: 2.0,
            stop_bytes: 1024,
            refused: false,
            focus_new_row: false,
        }
    }
}

impl RequestEditor {
    /// The form now says `target`: the path and the Host header follow it, unless edited.
    pub fn follow(&mut self, target: &Target) {
        if self.spec.path == self.followed_path {
            target.path.clone_into(&mut self.spec.path);
            target.path.clone_into(&mut self.followed_path);
        }
        let host = target.host_header();
        if let Some(row) = self.spec.headers.iter_mut().find(|h| h.name.trim().eq_ignore_ascii_case("Host"))
            && row.value == self.followed_host
        {
            host.clone_into(&mut row.value);
        }
        self.followed_host = host;
    }

    /// What a fetch of `target` sends: `None` for the tutorial's request, while the editor is
    /// closed. [`Unsendable`] when a field cannot be sent (nothing is, and the editor says so).
    pub fn payload(&mut self, target: &Target) -> Result<Option<Payload>, Unsendable> {
        if !self.open {
            return Ok(None);
        }
        self.follow(target);
        let payload = self.built();
        self.refused = payload.is_err();
        payload.map(Some).map_err(|_| Unsendable)
    }

    fn request(&self) -> Result<Request, RequestProblem> {
        RequestSpec { body: self.body.as_bytes().to_vec().into(), ..self.spec.clone() }.build()
    }

    fn built(&self) -> Result<Payload, Problem> {
        match self.mode {
            Mode::Http => self.request().map(Payload::Http).map_err(Problem::Request),
            Mode::Raw => {
                let stop = match self.stop {
                    StopChoice::Hangup => Ok(StopRule::Hangup),
                    StopChoice::Quiet => StopRule::parse(&format!("quiet={}", self.quiet_seconds)),
                    StopChoice::Bytes => StopRule::parse(&format!("bytes={}", self.stop_bytes)),
                };
                let bytes = raw_bytes(&self.raw_text).map_err(Problem::Raw)?;
                Ok(Payload::Raw { bytes, stop: stop.map_err(Problem::Raw)? })
            }
        }
    }

    /// Draws the section; `target`: the form's address, when it can be used; `notice`: shown under
    /// "Copy as curl command" when it speaks of it. Answers a curl command to put on the clipboard.
    pub fn ui(&mut self, ui: &mut Ui, target: Option<&Target>, notice: Option<&Notice>) -> Option<String> {
        let max_height = ui.available_height() * 0.5;
        let mut copy = None;
        let response = egui::CollapsingHeader::new(RichText::new(SECTION_TITLE).strong())
            .id_salt("request editor")
            .default_open(false)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("request editor scroll").max_height(max_height).show(ui, |ui| {
                    copy = self.body_ui(ui, target, notice);
                });
            });
        response.header_response.on_hover_text(
            "Shape what a fetch sends: method, path, version, headers and body, or raw bytes for any TCP \
             service. Closed, a fetch sends the tutorial's request.",
        );
        self.open = response.body_returned.is_some();
        copy
    }

    fn body_ui(&mut self, ui: &mut Ui, target: Option<&Target>, notice: Option<&Notice>) -> Option<String> {
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(&mut self.mode, Mode::Http, "HTTP request");
            ui.radio_value(&mut self.mode, Mode::Raw, "Raw (any TCP service)")
                .on_hover_text("Send bytes exactly as typed, to a service that need not be a web server");
        });
        // The problems are drawn beside the fields, so they are found before the fields take this
        // frame's typing: when that changes them, the next frame shows the new ones at once.
        let before = self.built().err();
        let request_problem = match &before {
            Some(Problem::Request(p)) => Some(p),
            _ => None,
        };
        match self.mode {
            Mode::Http => self.http_fields_ui(ui, request_problem),
            Mode::Raw => self.raw_fields_ui(ui, before.as_ref()),
        }
        let built = self.built();
        if built.as_ref().err() != before.as_ref() {
            ui.ctx().request_repaint();
        }
        if built.is_ok() {
            self.refused = false;
        }
        ui.add_space(6.0);
        let mut copy = None;
        let row = ui.horizontal_wrapped(|ui| {
            let size = match &built {
                Ok(Payload::Http(request)) => format!(" ({})", format::exact(request.bytes().len() as u64)),
                Ok(Payload::Raw { bytes, .. }) => format!(" ({})", format::exact(bytes.len() as u64)),
                _ => String::new(),
            };
            ui.label(RichText::new(format!("{PREVIEW_TITLE}{size}")).strong());
            copy = curl_button_ui(ui, target, built.as_ref());
        });
        Notice::ui(notice, ui, Place::Editor, row.response.rect);
        if self.refused {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "Nothing was sent: Fetch sends nothing while a field above cannot be sent.",
            );
        }
        match &built {
            Ok(Payload::Http(request)) => preview_ui(ui, &request.bytes()),
            Ok(Payload::Raw { bytes, .. }) => preview_ui(ui, bytes),
            _ => {
                ui.label(RichText::new("Nothing can be sent until the field marked above is fixed.").weak());
            }
        }
        copy
    }

    fn http_fields_ui(&mut self, ui: &mut Ui, problem: Option<&RequestProblem>) {
        let at = |field| problem.filter(|p| p.field() == field);
        // One row that does not wrap: the path takes the width the method leaves.
        ui.horizontal(|ui| {
            let label = ui.label("Method");
            ui.add(
                egui::TextEdit::singleline(&mut self.spec.method)
                    .desired_width(80.0)
                    .char_limit(FIELD_CHARS)
                    .id_salt("method"),
            )
            .labelled_by(label.id);
            // A list with no text of its own beside the field: its arrow says what it is.
            egui::ComboBox::from_id_salt("methods")
                .selected_text("")
                .width(12.0)
                .show_ui(ui, |ui| {
                    for method in METHODS {
                        if ui.selectable_label(self.spec.method == method, method).clicked() {
                            method.clone_into(&mut self.spec.method);
                        }
                    }
                })
                .response
                .on_hover_text("Choose a method, or type any other");
            let label = ui.label("Path");
            let width = (ui.available_width() - 4.0).clamp(80.0, 480.0);
            ui.add(
                egui::TextEdit::singleline(&mut self.spec.path)
                    .desired_width(width)
                    .char_limit(FIELD_CHARS)
                    .id_salt("path"),
            )
            .labelled_by(label.id)
            .on_hover_text("Follows the form's address until you edit it");
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Version");
            ui.radio_value(&mut self.spec.version, Version::Http10, "HTTP/1.0");
            ui.radio_value(&mut self.spec.version, Version::Http11, "HTTP/1.1")
                .on_hover_text("HTTP/1.1 adds \"Connection: close\" unless a Connection row is in the list");
        });
        problem_ui(ui, at(Field::Method));
        problem_ui(ui, at(Field::Path));
        ui.label(RichText::new("Headers").strong());
        let mut remove = None;
        let (name_label, value_label) = ui
            .horizontal(|ui| {
                ui.add_space(ui.spacing().interact_size.y + ui.spacing().item_spacing.x);
                let name = ui.add_sized([140.0, 14.0], egui::Label::new(RichText::new("Name").weak()));
                let value = ui.label(RichText::new("Value").weak());
                (name.id, value.id)
            })
            .inner;
        let rows = self.spec.headers.len();
        let focus_last = std::mem::take(&mut self.focus_new_row);
        for (row, header) in self.spec.headers.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                ui.add(egui::Checkbox::without_text(&mut header.on))
                    .on_hover_text("Send this header; unticked it is not sent, and none of its name is added for you");
                let name = ui
                    .add(
                        egui::TextEdit::singleline(&mut header.name)
                            .desired_width(140.0)
                            .char_limit(FIELD_CHARS)
                            .id_salt(("header name", row)),
                    )
                    .labelled_by(name_label);
                if focus_last && row + 1 == rows {
                    name.request_focus();
                }
                let width = (ui.available_width() - 40.0).max(120.0);
                ui.add(
                    egui::TextEdit::singleline(&mut header.value)
                        .desired_width(width)
                        .char_limit(FIELD_CHARS)
                        .id_salt(("header value", row)),
                )
                .labelled_by(value_label);
                if ui.button("✖").on_hover_text("Remove this header").clicked() {
                    remove = Some(row);
                }
            });
            problem_ui(ui, at(Field::Header(row)));
        }
        if let Some(row) = remove {
            self.spec.headers.remove(row);
        }
        if ui.button("+ Add header").clicked() {
            self.spec.headers.push(HeaderField::new("", ""));
            self.focus_new_row = true;
        }
        let label = ui.label(RichText::new("Body").strong());
        ui.add(
            egui::TextEdit::multiline(&mut self.body)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .char_limit(BODY_CHARS)
                .code_editor(),
        )
        .labelled_by(label.id)
        .on_hover_text(
            "Sent after the headers, with its Content-Length filled in for you; up to 65,536 characters \
                 (the terminal's --data-binary @FILE sends any size)",
        );
    }

    fn raw_fields_ui(&mut self, ui: &mut Ui, problem: Option<&Problem>) {
        let label = ui.label(RichText::new("Bytes to send").strong());
        ui.label(
            RichText::new(
                r"Sent exactly as typed; write \r\n for a line end, \t a tab, \\ a backslash, \xNN any byte.",
            )
            .weak(),
        );
        ui.add(
            egui::TextEdit::multiline(&mut self.raw_text)
                .char_limit(BODY_CHARS)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .code_editor()
                .hint_text(r"HELO me\r\n"),
        )
        .labelled_by(label.id);
        if let Some(Problem::Raw(problem)) = problem {
            problem_words_ui(ui, &problem.to_string(), problem.hint());
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Stop reading when");
            ui.radio_value(&mut self.stop, StopChoice::Hangup, "the server hangs up");
            ui.radio_value(&mut self.stop, StopChoice::Quiet, "it is quiet for");
            ui.add(egui::DragValue::new(&mut self.quiet_seconds).range(0.1..=86_400.0).speed(0.1).suffix(" s"));
            ui.radio_value(&mut self.stop, StopChoice::Bytes, "this many bytes came:");
            ui.add(egui::DragValue::new(&mut self.stop_bytes).range(1..=u64::MAX));
        });
    }
}

/// "Copy as curl command": the same request bytes, sent by curl. Answers the command when clicked.
fn curl_button_ui(ui: &mut Ui, target: Option<&Target>, built: Result<&Payload, &Problem>) -> Option<String> {
    let button = egui::Button::new(CURL_BUTTON);
    let request = match built {
        Ok(Payload::Http(request)) => request,
        Ok(Payload::Raw { .. }) => {
            ui.add_enabled(false, button).on_disabled_hover_text("curl speaks HTTP: raw bytes are not a request");
            return None;
        }
        _ => {
            ui.add_enabled(false, button).on_disabled_hover_text("A field above cannot be sent yet");
            return None;
        }
    };
    let Some(target) = target else {
        ui.add_enabled(false, button).on_disabled_hover_text("The host or port above cannot be used yet");
        return None;
    };
    ui.add(button)
        .on_hover_text("Put on the clipboard a curl command line that sends exactly these bytes")
        .clicked()
        .then(|| curl_command(target, request))
}

/// A problem's words and what to try, in the error colour, under the field it is about.
fn problem_ui(ui: &mut Ui, problem: Option<&RequestProblem>) {
    if let Some(problem) = problem {
        problem_words_ui(ui, &problem.to_string(), problem.hint());
    }
}

fn problem_words_ui(ui: &mut Ui, words: &str, hint: &str) {
    ui.indent("problem", |ui| {
        ui.colored_label(ui.visuals().error_fg_color, words);
        ui.label(RichText::new(hint).weak());
    });
}

/// The bytes, a line each, their line ends and other bytes that do not show as escapes in orange,
/// as the reply view marks what is not text. One label: its text, line breaks removed, is the
/// escaped bytes, which raw mode reads back as exactly them.
fn preview_ui(ui: &mut Ui, bytes: &[u8]) {
    let shown = &bytes[..bytes.len().min(PREVIEW_BYTES)];
    let (lines, more_lines) = preview_lines(shown, PREVIEW_LINES);
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let text_colour = ui.visuals().text_color();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if lines.is_empty() {
            ui.label(RichText::new("(nothing: no bytes are sent, and the other side speaks first)").weak());
        }
        let mut job = LayoutJob::default();
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 {
                // A real line feed is always shown as its escape, so this one is only the layout's.
                job.append("\n", 0.0, TextFormat::simple(font.clone(), text_colour));
            }
            for Piece { text, escape } in line {
                let colour = if escape { palette::NOW } else { text_colour };
                job.append(&text, 0.0, TextFormat::simple(font.clone(), colour));
            }
        }
        if !job.is_empty() {
            ui.label(job);
        }
        if more_lines || shown.len() < bytes.len() {
            ui.label(RichText::new("… the rest is sent too; the preview stops here.").weak());
        }
    });
}
