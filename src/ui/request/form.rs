//! The form: Host, Port, the Secure (HTTPS) toggle, Fetch/Cancel, Use demo server, and the
//! step-through switch.

use egui::{Key, TextStyle, Ui};

use crate::fetch::limits::{self, LimitError, Wait};
use crate::fetch::{self, DEFAULT_PORT, HTTPS_PORT, Target, window_label};
use crate::session::{FetchView, JobLimits};
use crate::teach::SKIP_CHECK;
use crate::ui::frame::layout::{button_width, checkbox_width, spares_that_fit, text_width};

/// The Secure toggle's words: one compact widget, so the top bar keeps to two rows.
pub const SECURE_LABEL: &str = window_label::SECURE;
/// Its words in a narrower bar (a projector's zoom), the most first, down to the padlock alone (see
/// [`FormRow::fit`]); the hover text always says it whole.
const SECURE_LABELS: [&str; 3] = [SECURE_LABEL, "🔒 HTTPS", PADLOCK];
const PADLOCK: &str = "🔒";

/// Where the current fetch is, as the form and the keys see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchState {
    /// No fetch under way: Fetch starts one.
    Idle,
    /// A fetch under way: Fetch is Cancel.
    Running,
    /// A step-through waiting for Next step (Cancel still works).
    Paused,
}

impl FetchState {
    pub fn of(view: Option<&FetchView>) -> Self {
        match view {
            Some(view) if view.paused_before().is_some() => Self::Paused,
            Some(view) if view.is_running() => Self::Running,
            _ => Self::Idle,
        }
    }
}

/// What the person asked for this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    None,
    Fetch,
    Cancel,
    UseDemo,
    Next,
}

pub struct FormFields {
    pub host: String,
    pub port: String,
    /// Fetch over HTTPS (TLS). Kept in step with the host and port by [`FormFields::host_changed`],
    /// [`FormFields::port_changed`] and [`FormFields::secure_toggled`].
    pub secure: bool,
    pub step_through: bool,
    pub limits: Limits,
}

/// The demo server's two ports, while it runs: the Secure toggle moves the form between its plain
/// address (127.0.0.1) and its HTTPS one (localhost, so the server name is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoPorts {
    pub plain: u16,
    pub https: u16,
}

/// The demo's plain and HTTPS hosts.
pub const DEMO_PLAIN_HOST: &str = "127.0.0.1";
pub const DEMO_HTTPS_HOST: &str = crate::demo_server::tls::DEMO_HOST;

impl FormFields {
    /// The address the form says, over HTTPS when Secure is ticked.
    pub fn target(&self) -> Result<Target, fetch::InputError> {
        let mut target = Target::parse(&self.host, &self.port)?;
        // The toggle follows the host's scheme and port 443, and says HTTPS on any other port.
        target.secure = self.secure;
        Ok(target)
    }

    /// A fetch of `target` starts: a port written in the host (a pasted URL) is the one used, and
    /// the Port field shows it.
    pub fn fetching(&mut self, target: &Target) {
        self.port = target.port.to_string();
    }

    /// A redirect is followed to `url`, at `port`: the form shows the new address.
    pub fn followed(&mut self, url: &url::Url, port: u16) {
        self.host = url.to_string();
        self.port = port.to_string();
        self.host_changed();
    }

    /// The demo server runs at `demo`: the form takes its address, its https one when Secure is
    /// ticked (the name localhost, so the server name is sent). A path typed after the host
    /// (127.0.0.1/bytes/100) is kept.
    pub fn use_demo(&mut self, demo: DemoPorts) {
        let path = self.host.find('/').map(|i| self.host[i..].to_owned()).unwrap_or_default();
        let path = if self.host.contains("://") { String::new() } else { path };
        let (host, port) = if self.secure { (DEMO_HTTPS_HOST, demo.https) } else { (DEMO_PLAIN_HOST, demo.plain) };
        self.host = format!("{host}{path}");
        self.port = port.to_string();
    }

    /// The host was typed, pasted or filled in: an explicit `https://` ticks Secure, `http://` unticks it.
    pub fn host_changed(&mut self) {
        match scheme(&self.host) {
            Some(Scheme::Https) => self.secure = true,
            Some(Scheme::Http) => self.secure = false,
            None => {}
        }
    }

    /// The port was typed or filled in: 443, the port of https, ticks Secure.
    pub fn port_changed(&mut self) {
        if self.port.trim() == HTTPS_PORT.to_string() {
            self.secure = true;
        }
    }

    /// The Secure toggle was clicked (`secure` is already its new state): a scheme written in the
    /// host follows it, the demo's address changes to its other one, and port 80 becomes 443 (and
    /// back).
    pub fn secure_toggled(&mut self, demo: Option<DemoPorts>) {
        let (from, to) = if self.secure { ("http://", "https://") } else { ("https://", "http://") };
        if scheme(&self.host) == Some(if self.secure { Scheme::Http } else { Scheme::Https }) {
            // The scheme's letters are ASCII, so its length in bytes is where the rest starts.
            self.host = format!("{to}{}", &self.host.trim_start()[from.len()..]);
        }
        let (host, path) = split_path(&self.host);
        let port = self.port.trim().parse::<u16>().ok();
        let demo_switch = demo.and_then(|demo| match (self.secure, host, port) {
            (true, DEMO_PLAIN_HOST, Some(p)) if p == demo.plain => Some((DEMO_HTTPS_HOST, demo.https)),
            (false, DEMO_HTTPS_HOST, Some(p)) if p == demo.https => Some((DEMO_PLAIN_HOST, demo.plain)),
            _ => None,
        });
        if let Some((host, port)) = demo_switch {
            self.host = format!("{host}{path}");
            self.port = port.to_string();
        } else if self.secure && port == Some(DEFAULT_PORT) {
            self.port = HTTPS_PORT.to_string();
        } else if !self.secure && port == Some(HTTPS_PORT) {
            self.port = DEFAULT_PORT.to_string();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

/// The scheme written at the start of the host field, if any (in any case, as URLs allow).
fn scheme(host: &str) -> Option<Scheme> {
    let lower: String = host.trim_start().chars().take("https://".len()).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("https://") {
        Some(Scheme::Https)
    } else if lower.starts_with("http://") {
        Some(Scheme::Http)
    } else {
        None
    }
}

/// A host field without a scheme, split before its path: `127.0.0.1/bytes/10` → (`127.0.0.1`, `/bytes/10`).
fn split_path(host: &str) -> (&str, &str) {
    host.find('/').map_or((host, ""), |i| host.split_at(i))
}

/// How long to wait and how much to keep, as set in the Limits menu; read into a job's limits by
/// [`Limits::for_job`], with the terminal's rules (0 s is no limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub connect_timeout_s: f64,
    pub read_timeout_s: f64,
    /// The whole fetch's limit, as the terminal's `--max-time`: 0 (no limit) by default.
    pub max_time_s: f64,
    pub max_mib: u64,
    /// Over HTTPS, accept any certificate (curl's `-k`): off by default and at every start, since
    /// limits are never remembered.
    pub skip_cert_check: bool,
}

impl Limits {
    /// The limits checked, or why one cannot be used (a value from elsewhere than the menu's
    /// bounded fields: the command line, a test).
    pub fn for_job(&self) -> Result<JobLimits, LimitError> {
        Ok(JobLimits {
            connect_timeout: limits::wait_from_seconds(Wait::Connect, self.connect_timeout_s)?,
            read_timeout: limits::wait_from_seconds(Wait::Read, self.read_timeout_s)?,
            max_time: limits::wait_from_seconds(Wait::Whole, self.max_time_s)?,
            max_bytes: limits::keep_from_mib(self.max_mib)?,
            skip_cert_check: self.skip_cert_check,
        })
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect_timeout_s: crate::fetch::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(),
            read_timeout_s: crate::fetch::DEFAULT_READ_TIMEOUT.as_secs_f64(),
            max_time_s: 0.0,
            max_mib: crate::fetch::DEFAULT_MAX_BYTES / (1024 * 1024),
            skip_cert_check: false,
        }
    }
}

/// The form's controls set before a fetch and less used during one, the most needed first: in the
/// form's row while it has room, else in the top bar's More menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    UseDemo,
    StepThrough,
    Limits,
}

impl Extra {
    pub const ALL: [Self; 3] = [Self::UseDemo, Self::StepThrough, Self::Limits];

    fn width(self, ui: &Ui, fields: &FormFields) -> f32 {
        match self {
            Self::UseDemo => button_width(ui, USE_DEMO),
            Self::StepThrough => checkbox_width(ui, STEP_THROUGH),
            Self::Limits => button_width(ui, limits_title(fields)),
        }
    }

    /// Draws this control; `running`: a fetch is under way, so it cannot change.
    pub fn ui(self, ui: &mut Ui, fields: &mut FormFields, running: bool) -> FormAction {
        match self {
            Self::UseDemo => {
                if ui
                    .add_enabled(!running, egui::Button::new(USE_DEMO))
                    .on_hover_text(
                        "Start the web server built into socket-fetch and fill in its address: its https address \
                         when 🔒 Secure (HTTPS) is ticked (tick or untick it to switch)",
                    )
                    .clicked()
                {
                    return FormAction::UseDemo;
                }
            }
            Self::StepThrough => {
                ui.add_enabled(!running, egui::Checkbox::new(&mut fields.step_through, STEP_THROUGH));
            }
            Self::Limits => {
                let hover = "How long to wait for the server, how much of its reply to keep, and the certificate check";
                let title = limits_title(fields);
                if running {
                    ui.add_enabled(false, egui::Button::new(title)).on_disabled_hover_text(hover);
                } else {
                    ui.menu_button(title, |ui| limits_ui(ui, &mut fields.limits)).response.on_hover_text(hover);
                }
            }
        }
        FormAction::None
    }
}

/// While the certificate check is skipped, the Limits button says so: it is unsafe, and easy to forget.
fn limits_title(fields: &FormFields) -> &'static str {
    if fields.limits.skip_cert_check { "⚙ Limits ⚠" } else { "⚙ Limits" }
}

const USE_DEMO: &str = window_label::USE_DEMO;
const STEP_THROUGH: &str = "Pause before each step";
const FETCH: &str = "▶ Fetch";
const CANCEL: &str = "⏹ Cancel";
const NEXT: &str = "⏭ Next step";

/// The host field's widths: it gives up width down to `HOST_COMFORT` before the Secure toggle gives
/// up words or an extra moves out of the row, and down to `HOST_MIN` (the text scrolls inside it)
/// before the toggle moves into More.
const HOST_MAX: f32 = 260.0;
const HOST_COMFORT: f32 = 160.0;
const HOST_MIN: f32 = 64.0;

/// How the form's row is shared out in `room` points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormRow {
    /// The Secure toggle's words in the row, or `None`: it is in More.
    secure: Option<&'static str>,
    host_width: f32,
    port_width: f32,
    /// How many of [`Extra::ALL`] stay in the row.
    extras: usize,
}

impl FormRow {
    pub fn fit(ui: &Ui, fields: &FormFields, state: FetchState, room: f32) -> Self {
        let gap = ui.spacing().item_spacing.x;
        // Five digits, the field's margins and the cursor.
        let port_width = text_width(ui, "65535", TextStyle::Body) + 18.0;
        let fetch = button_width(ui, if state == FetchState::Idle { FETCH } else { CANCEL });
        // Next step's room is kept for the whole step-through, so the row does not change at each pause.
        let next = if fields.step_through || state == FetchState::Paused { gap + button_width(ui, NEXT) } else { 0.0 };
        let taken = text_width(ui, "Host", TextStyle::Body)
            + text_width(ui, "Port", TextStyle::Body)
            + port_width
            + fetch
            + next
            + 4.0 * gap;
        let toggle = |label| gap + checkbox_width(ui, label);
        // The most words that leave the host field its comfortable width; the padlock alone down to
        // its narrowest; else the toggle goes into More (a step-through at 250 % on 1024×768).
        let secure = SECURE_LABELS
            .into_iter()
            .find(|label| taken + toggle(label) + HOST_COMFORT <= room)
            .or_else(|| (taken + toggle(PADLOCK) + HOST_MIN <= room).then_some(PADLOCK));
        let taken = taken + secure.map_or(0.0, toggle);
        let extras: Vec<f32> = Extra::ALL.iter().map(|e| gap + e.width(ui, fields)).collect();
        let kept = spares_that_fit(room, taken + HOST_COMFORT, &extras);
        let host_width = (room - taken - extras[..kept].iter().sum::<f32>()).clamp(HOST_MIN, HOST_MAX);
        Self { secure, host_width, port_width, extras: kept }
    }

    /// The extras that do not fit in the row, for the More menu.
    pub fn moved(self) -> &'static [Extra] {
        &Extra::ALL[self.extras..]
    }

    /// The Secure toggle is in More.
    pub fn secure_moved(self) -> bool {
        self.secure.is_none()
    }
}

/// The Secure toggle, with `label` for its words; `demo`: the demo server's ports, while it runs.
pub fn secure_ui(ui: &mut Ui, fields: &mut FormFields, running: bool, label: &str, demo: Option<DemoPorts>) {
    if ui
        .add_enabled(!running, egui::Checkbox::new(&mut fields.secure, label))
        .on_hover_text("Secure (HTTPS): the TLS handshake comes first, and the reply travels encrypted")
        .changed()
    {
        fields.secure_toggled(demo);
    }
}

/// Draws the form in `row`: Fetch is Cancel while a fetch is under way, and Next step shows while it
/// is paused. `demo`: the demo server's ports, while it runs.
pub fn form_ui(
    ui: &mut Ui,
    fields: &mut FormFields,
    state: FetchState,
    focus_host: bool,
    row: FormRow,
    demo: Option<DemoPorts>,
) -> FormAction {
    let mut action = FormAction::None;
    let running = state != FetchState::Idle;
    ui.horizontal_wrapped(|ui| {
        // Before the address, as a browser's padlock is, and out of the way of Tab's Host → Port → Fetch.
        if let Some(label) = row.secure {
            secure_ui(ui, fields, running, label, demo);
        }
        let label = ui.label("Host");
        let host = ui.add(
            egui::TextEdit::singleline(&mut fields.host)
                .desired_width(row.host_width)
                .hint_text("example.com or 127.0.0.1")
                .id_salt("host"),
        );
        let host = host.labelled_by(label.id);
        if focus_host {
            host.request_focus();
        }
        let label = ui.label("Port");
        let port = ui
            .add(
                egui::TextEdit::singleline(&mut fields.port)
                    .desired_width(row.port_width)
                    .hint_text("80")
                    .id_salt("port"),
            )
            .labelled_by(label.id);
        if host.changed() || port.changed() {
            if host.changed() {
                fields.host_changed();
            }
            if port.changed() {
                fields.port_changed();
            }
            // The toggle, drawn before the fields, shows what they set on the next frame.
            ui.ctx().request_repaint();
        }
        let enter = (host.lost_focus() || port.lost_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
        if running {
            if ui.button(CANCEL).on_hover_text("Stop this fetch (Escape)").clicked() {
                action = FormAction::Cancel;
            }
        } else if ui.button(FETCH).on_hover_text("Fetch the page (Enter)").clicked() || enter {
            action = FormAction::Fetch;
        }
        if state == FetchState::Paused
            && ui
                .button(NEXT)
                .on_hover_text("Run the step shown as paused (Page Down, Right arrow, Space or Enter)")
                .clicked()
        {
            action = FormAction::Next;
        }
        // No scopes here (add_enabled_ui): a scope at the end of a row is as narrow as what is left
        // of it, and its button's text would wrap a letter a line instead of the button moving down.
        for extra in &Extra::ALL[..row.extras] {
            let chosen = extra.ui(ui, fields, running);
            if chosen != FormAction::None {
                action = chosen;
            }
        }
    });
    action
}

fn limits_ui(ui: &mut Ui, limits: &mut Limits) {
    let max_wait = limits::MAX_WAIT.as_secs_f64();
    // The fields cannot hold a value the engine refuses: 0 (no limit) up to one day, and a keep limit
    // the window can hold.
    egui::Grid::new("limits").num_columns(2).show(ui, |ui| {
        ui.label(window_label::CONNECT_WAIT);
        ui.add(wait_field(&mut limits.connect_timeout_s, max_wait));
        ui.end_row();
        ui.label(window_label::READ_WAIT);
        ui.add(wait_field(&mut limits.read_timeout_s, max_wait));
        ui.end_row();
        ui.label(window_label::WHOLE_WAIT);
        ui.add(wait_field(&mut limits.max_time_s, max_wait));
        ui.end_row();
        ui.label(window_label::KEEP);
        ui.add(egui::DragValue::new(&mut limits.max_mib).range(1..=limits::MAX_KEEP_MIB).suffix(" MiB"));
        ui.end_row();
    });
    ui.label(egui::RichText::new("A wait of 0 s means no limit.").weak());
    ui.separator();
    ui.checkbox(&mut limits.skip_cert_check, SKIP_CHECK);
    let warning = "Unsafe: over HTTPS, any certificate is accepted. The line is still encrypted, but nobody \
                   checks who is at the other end. Off again at the next start.";
    ui.label(egui::RichText::new(warning).color(ui.visuals().warn_fg_color));
    if ui.button("Back to the defaults").clicked() {
        *limits = Limits::default();
    }
}

fn wait_field(seconds: &mut f64, max: f64) -> egui::DragValue<'_> {
    egui::DragValue::new(seconds)
        .range(0.0..=max)
        .speed(0.1)
        // Dragging adds 0.1 steps in binary floating point: show milliseconds at most, not 0.30000000000000004.
        .custom_formatter(
            |s, _| if s == 0.0 { "no limit".to_owned() } else { format!("{} s", (s * 1000.0).round() / 1000.0) },
        )
        .custom_parser(|text| match text.trim().trim_end_matches('s').trim() {
            "no limit" => Some(0.0),
            number => number.parse().ok(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(host: &str, port: &str, secure: bool) -> FormFields {
        FormFields {
            host: host.to_owned(),
            port: port.to_owned(),
            secure,
            step_through: false,
            limits: Limits::default(),
        }
    }

    #[test]
    fn a_scheme_or_port_443_sets_the_toggle() {
        let mut form = fields("https://example.invalid/x", "80", false);
        form.host_changed();
        assert!(form.secure);
        form.host = "HTTP://example.invalid".to_owned();
        form.host_changed();
        assert!(!form.secure);
        form.host = "example.invalid".to_owned();
        form.host_changed();
        assert!(!form.secure, "a bare host leaves it as it was");
        form.port = " 443".to_owned();
        form.port_changed();
        assert!(form.secure);
        form.port = "8443".to_owned();
        form.port_changed();
        assert!(form.secure, "another port leaves it as it was");
    }

    #[test]
    fn ticking_moves_port_80_to_443_and_back() {
        let mut form = fields("example.invalid", "80", true);
        form.secure_toggled(None);
        assert_eq!(form.port, "443");
        form.secure = false;
        form.secure_toggled(None);
        assert_eq!(form.port, "80");
        let mut other = fields("example.invalid", "8080", true);
        other.secure_toggled(None);
        assert_eq!(other.port, "8080");
    }

    #[test]
    fn ticking_rewrites_a_written_scheme() {
        let mut form = fields(" HTTP://example.invalid/a", "80", true);
        form.secure_toggled(None);
        assert_eq!((form.host.as_str(), form.port.as_str()), ("https://example.invalid/a", "443"));
        form.secure = false;
        form.secure_toggled(None);
        assert_eq!((form.host.as_str(), form.port.as_str()), ("http://example.invalid/a", "80"));
    }

    #[test]
    fn ticking_moves_between_the_demos_two_addresses() {
        let demo = Some(DemoPorts { plain: 4000, https: 4001 });
        let mut form = fields("127.0.0.1/bytes/10", "4000", true);
        form.secure_toggled(demo);
        assert_eq!((form.host.as_str(), form.port.as_str()), ("localhost/bytes/10", "4001"));
        form.secure = false;
        form.secure_toggled(demo);
        assert_eq!((form.host.as_str(), form.port.as_str()), ("127.0.0.1/bytes/10", "4000"));
        let mut elsewhere = fields("127.0.0.1", "5000", true);
        elsewhere.secure_toggled(demo);
        assert_eq!((elsewhere.host.as_str(), elsewhere.port.as_str()), ("127.0.0.1", "5000"));
    }
}
