//! The window's layout at projector zooms, driven headless with `egui_kittest` (widget rectangles
//! come from the AccessKit tree): at 75 % to 250 % on 1024×768, 1280×800 and 1920×1080, with the demo
//! fetched (its reply and its On the wire tab), paused in a step-through and with an error card, no two
//! labelled widgets overlap, the key controls are in view, the reply is at least 30 characters wide (or
//! a tab away), the top bar is at most two rows, and the pictures' words stay inside their boxes.
#![allow(clippy::unwrap_used)] // a test that cannot go on should fail loudly, here and in its helpers

#[path = "common/window_harness.rs"]
mod window_harness;

use std::collections::HashSet;

use egui::{FontId, Rect, Shape, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{AccessKitNode, NodeT as _, Queryable};
use socket_fetch::demo_server::DemoServer;
use socket_fetch::ui::{SocketFetchApp, StartOptions};
use window_harness::{demo_options, fetch, harness_sized, shows_text, step_until};

const SIZES: [[f32; 2]; 3] = [[1024.0, 768.0], [1280.0, 800.0], [1920.0, 1080.0]];
const ZOOMS: [f32; 5] = [0.75, 1.0, 1.5, 2.0, 2.5];

/// A labelled widget: its text, the parts of it in view (a rectangle per row of its painted text, cut
/// to its scroll area and panel), and the widgets it is inside.
struct Shown {
    text: String,
    /// Its AccessKit rectangle, inside the window.
    rect: Rect,
    pieces: Vec<Rect>,
    visible: Rect,
    id: u128,
    ancestors: HashSet<u128>,
}

fn rect_of(node: &AccessKitNode<'_>, ppp: f32) -> Option<Rect> {
    #[allow(clippy::cast_possible_truncation)] // screen coordinates
    node.bounding_box()
        .map(|r| Rect::from_min_max(pos2(r.x0 as f32, r.y0 as f32), pos2(r.x1 as f32, r.y1 as f32)) / ppp)
}

/// A text painted last frame: what it says, its rows where they are drawn, and the rectangle it was
/// cut to. AccessKit's rectangles are not cut, and a wrapped label's covers what is beside its first
/// row: the painted rows are what a person sees.
struct Painted {
    text: String,
    bounds: Rect,
    rows: Vec<Rect>,
}

fn painted_texts(harness: &Harness<'_, SocketFetchApp>, window: Rect) -> Vec<Painted> {
    fn collect(shape: &Shape, clip: Rect, out: &mut Vec<Painted>) {
        match shape {
            Shape::Text(text) => out.push(Painted {
                text: text.galley.text().trim().to_owned(),
                bounds: text.visual_bounding_rect(),
                rows: text
                    .galley
                    .rows
                    .iter()
                    .filter_map(|row| {
                        // Where its glyphs are: a wrapped label's first row starts after what is beside it.
                        let first = row.row.glyphs.first()?;
                        let last = row.row.glyphs.last()?;
                        let x = (row.pos.x + first.pos.x)..=(row.pos.x + last.pos.x + last.advance_width);
                        let drawn = Rect::from_x_y_ranges(x, row.rect().y_range());
                        Some(drawn.translate(text.pos.to_vec2()).intersect(clip))
                    })
                    .filter(Rect::is_positive)
                    .collect(),
            }),
            Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, clip, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, clipped.clip_rect.intersect(window), &mut out);
    }
    out
}

fn shown(harness: &Harness<'_, SocketFetchApp>) -> Vec<Shown> {
    let ppp = harness.ctx.pixels_per_point();
    let window = harness.ctx.content_rect();
    let painted = painted_texts(harness, window);
    harness
        .query_all_by(|node| {
            node.role() != egui::accesskit::Role::TextRun
                && node.label().or_else(|| node.value()).is_some_and(|t| !t.trim().is_empty())
        })
        .filter_map(|node| {
            let node = node.accesskit_node();
            let text = node.label().or_else(|| node.value()).unwrap_or_default();
            let rect = rect_of(&node, ppp)?;
            let pieces: Vec<Rect> = painted
                .iter()
                .filter(|p| p.text == text.trim() && rect.expand(1.0).contains_rect(p.bounds))
                .flat_map(|p| p.rows.iter().copied())
                .collect();
            let visible = pieces.iter().copied().fold(Rect::NOTHING, Rect::union);
            let mut ancestors = HashSet::new();
            let mut parent = node.parent();
            while let Some(p) = parent {
                ancestors.insert(u128::from(p.id()));
                parent = p.parent();
            }
            Some(Shown { text, rect: rect.intersect(window), pieces, visible, id: u128::from(node.id()), ancestors })
        })
        .collect()
}

/// A row of the reply view, as it labels them: number, two spaces, what is laid out.
fn is_reply_row(text: &str) -> bool {
    let (number, rest) = text.trim_start().split_once("  ").unwrap_or_default();
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty()
}

fn in_view(widget: &Shown) -> bool {
    widget.visible.width() > 0.5 && widget.visible.height() > 0.5
}

/// Every failure of the layout rules at this moment, in words.
fn layout_faults(harness: &Harness<'_, SocketFetchApp>, case: &str) -> Vec<String> {
    let widgets: Vec<Shown> = shown(harness).into_iter().filter(in_view).collect();
    let mut faults = Vec::new();
    for (i, a) in widgets.iter().enumerate() {
        for b in &widgets[i + 1..] {
            if a.ancestors.contains(&b.id) || b.ancestors.contains(&a.id) {
                continue; // a label's text runs are inside the label
            }
            for pa in &a.pieces {
                for pb in &b.pieces {
                    let overlap = pa.intersect(*pb);
                    if overlap.width() > 1.0 && overlap.height() > 1.0 {
                        faults.push(format!("{case}: {:?} overlaps {:?} ({overlap:?})", a.text, b.text));
                    }
                }
            }
        }
    }
    // Texts painted with no widget of their own (the pictures' labels) must not overlap either; the
    // reply view's rows are left out: it paints its marks for bytes on top of its rows on purpose.
    let reply = shown(harness).iter().filter(|w| is_reply_row(&w.text)).fold(Rect::NOTHING, |r, w| r.union(w.rect));
    let rows: Vec<(String, Rect)> = painted_texts(harness, harness.ctx.content_rect())
        .into_iter()
        .flat_map(|p| p.rows.into_iter().map(move |r| (p.text.clone(), r)))
        .filter(|(_, r)| !reply.intersects(*r))
        .collect();
    for (i, (a, ra)) in rows.iter().enumerate() {
        for (b, rb) in &rows[i + 1..] {
            let overlap = ra.intersect(*rb);
            if overlap.width() > 1.0 && overlap.height() > 1.0 {
                faults.push(format!("{case}: the painted {a:?} overlaps {b:?} ({overlap:?})"));
            }
        }
    }
    for needed in ["Host", "Port", "A+", "🎓 Explain", "Steps"] {
        if !widgets.iter().any(|w| w.text == needed) {
            faults.push(format!("{case}: {needed:?} is not in view"));
        }
    }
    faults
}

/// The rows the top bar's controls take: a row starts where a control begins below all of the row above.
fn top_bar_rows(harness: &Harness<'_, SocketFetchApp>) -> usize {
    let host = shown(harness).into_iter().find(|w| w.text == "Host").unwrap();
    let bar = shown(harness).into_iter().filter(|w| {
        w.ancestors.len() >= 2 && !w.text.is_empty() && w.visible.top() <= host.visible.bottom() + 1.0 && in_view(w)
    });
    let mut tops: Vec<Rect> = bar.map(|w| w.visible).collect();
    tops.sort_by(|a, b| a.top().total_cmp(&b.top()));
    let mut rows = 0;
    let mut bottom = f32::NEG_INFINITY;
    for rect in tops {
        if rect.top() >= bottom - 2.0 {
            rows += 1;
            bottom = rect.bottom();
        } else {
            bottom = bottom.max(rect.bottom());
        }
    }
    rows
}

/// What is painted, unclipped: each text's words and where the whole of it is, and each filled box.
fn painted_geometry(harness: &Harness<'_, SocketFetchApp>) -> (Vec<(String, Rect)>, Vec<Rect>) {
    fn collect(shape: &Shape, texts: &mut Vec<(String, Rect)>, boxes: &mut Vec<Rect>) {
        match shape {
            Shape::Text(text) => texts.push((text.galley.text().to_owned(), text.visual_bounding_rect())),
            Shape::Rect(rect) => boxes.push(rect.rect),
            Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, texts, boxes)),
            _ => {}
        }
    }
    let (mut texts, mut boxes) = (Vec::new(), Vec::new());
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, &mut texts, &mut boxes);
    }
    (texts, boxes)
}

/// The pictures (found by what they say to a screen reader) and their words: each text whole inside
/// its picture, inside a box or clear of it but never across its edge, and clear of the others.
/// Measured unclipped, so a picture scrolled out of view is checked all the same.
fn picture_faults(harness: &Harness<'_, SocketFetchApp>, case: &str) -> Vec<String> {
    let ppp = harness.ctx.pixels_per_point();
    let pictures: Vec<(String, Rect)> = harness
        .query_all_by(|node| node.label().is_some_and(|l| l.starts_with("Picture of")))
        .filter_map(|node| {
            let node = node.accesskit_node();
            Some((node.label().unwrap_or_default(), rect_of(&node, ppp)?))
        })
        .collect();
    let mut faults = Vec::new();
    if pictures.len() != 2 {
        faults.push(format!("{case}: {} pictures found, not 2", pictures.len()));
    }
    let (texts, boxes) = painted_geometry(harness);
    for (picture, area) in pictures {
        // Any text on the picture's ground is one of its own (or a fault of the layout's).
        let words: Vec<&(String, Rect)> = texts.iter().filter(|(_, r)| area.shrink(0.5).intersects(*r)).collect();
        let boxes: Vec<Rect> = boxes.iter().copied().filter(|b| area.expand(0.5).contains_rect(*b)).collect();
        if words.is_empty() || boxes.is_empty() {
            faults.push(format!("{case}: {picture:?} shows {} texts and {} boxes", words.len(), boxes.len()));
        }
        for (i, (text, rect)) in words.iter().enumerate() {
            if !area.expand(0.5).contains_rect(*rect) {
                faults.push(format!("{case}: {text:?} ({rect:?}) is cut by the edge of {picture:?} ({area:?})"));
            }
            for b in &boxes {
                if !b.expand(0.5).contains_rect(*rect) && b.shrink(0.5).intersects(*rect) {
                    faults.push(format!("{case}: {text:?} ({rect:?}) crosses the edge of a box ({b:?})"));
                }
            }
            for (other, other_rect) in &words[i + 1..] {
                let overlap = rect.intersect(*other_rect);
                if overlap.width() > 0.5 && overlap.height() > 0.5 {
                    faults.push(format!("{case}: {text:?} overlaps {other:?} in {picture:?}"));
                }
            }
        }
    }
    faults
}

/// The reply's rows in view are at least 30 characters wide, the row number's gutter left out.
fn reply_is_30_characters_wide(harness: &Harness<'_, SocketFetchApp>) -> Result<(), String> {
    let size = harness.ctx.global_style().text_styles[&egui::TextStyle::Monospace].size;
    let char_width = harness.ctx.fonts_mut(|f| f.glyph_width(&FontId::monospace(size), '0'));
    // The view labels each row for screen readers, with its rectangle cut to the view.
    let row = shown(harness)
        .into_iter()
        .find(|w| w.text.trim_start().starts_with("1  HTTP/"))
        .ok_or("no reply row in view")?;
    let digits = 2.0; // the demo page has fewer than 100 rows
    let text_width = row.rect.width() - (digits + 2.0) * char_width;
    if text_width >= 30.0 * char_width {
        Ok(())
    } else {
        Err(format!("the reply is {:.0} characters wide", text_width / char_width))
    }
}

fn window(options: StartOptions, zoom: f32, size: [f32; 2]) -> Harness<'static, SocketFetchApp> {
    let mut harness = harness_sized(StartOptions { zoom: Some(zoom), ..options }, size);
    harness.run_steps(3); // the zoom is set on the first frame and takes effect on the next
    harness
}

#[test]
fn the_demo_fetched_lays_out_without_overlap_at_every_zoom_and_size() {
    let server = DemoServer::start(0).unwrap();
    let mut faults = Vec::new();
    for size in SIZES {
        for zoom in ZOOMS {
            let case = format!("{}x{} at {} %", size[0], size[1], zoom * 100.0);
            let mut harness = fetch(window(demo_options(&server, ""), zoom, size));
            faults.extend(layout_faults(&harness, &format!("{case}, explanation shown")));
            faults.extend(picture_faults(&harness, &case));
            if !shows_text(&harness, "Copy reply") {
                harness.get_by_label("Reply").click(); // the explanation is the tab in front
                harness.run_steps(3);
            }
            faults.extend(layout_faults(&harness, &format!("{case}, reply shown")));
            if let Err(e) = reply_is_30_characters_wide(&harness) {
                faults.push(format!("{case}: {e}"));
            }
            faults.extend(top_bar_faults(&harness, &case));
            harness.get_by_label("On the wire").click();
            harness.run_steps(3);
            assert!(shows_text(&harness, "in all"), "{case}: the wire's totals are shown");
            faults.extend(layout_faults(&harness, &format!("{case}, on the wire")));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

fn top_bar_faults(harness: &Harness<'_, SocketFetchApp>, case: &str) -> Vec<String> {
    let rows = top_bar_rows(harness);
    assert!(rows >= 2, "{case}: the title and the form are rows of their own, counted {rows}");
    if rows > 2 { vec![format!("{case}: the top bar takes {rows} rows")] } else { Vec::new() }
}

/// Paused in a step-through, the form has the most in it: Cancel and Next step beside Host and Port.
#[test]
fn a_paused_step_through_keeps_the_top_bar_to_two_rows_at_every_zoom_and_size() {
    let server = DemoServer::start(0).unwrap();
    let mut faults = Vec::new();
    for size in SIZES {
        for zoom in ZOOMS {
            let case = format!("{}x{} at {} %, paused", size[0], size[1], zoom * 100.0);
            let mut harness = window(StartOptions { step_through: true, ..demo_options(&server, "") }, zoom, size);
            harness.get_by_label("▶ Fetch").click();
            step_until(&mut harness, "the first pause", |app| app.view().is_some_and(|v| v.paused_before().is_some()));
            assert!(shows_text(&harness, "⏭ Next step"), "{case}: Next step is shown");
            faults.extend(top_bar_faults(&harness, &case));
            faults.extend(layout_faults(&harness, &case));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn an_error_card_lays_out_without_overlap_at_every_zoom_and_size() {
    let mut faults = Vec::new();
    for size in SIZES {
        for zoom in ZOOMS {
            let case = format!("{}x{} at {} %, error card", size[0], size[1], zoom * 100.0);
            let options = StartOptions {
                host: Some("127.0.0.1".to_owned()),
                port: Some("1".to_owned()),
                ..StartOptions::default()
            };
            let mut harness = fetch(window(options, zoom, size));
            if !shows_text(&harness, "Copy reply") {
                harness.get_by_label("Reply").click();
                harness.run_steps(3);
            }
            assert!(shows_text(&harness, "The fetch did not finish"), "{case}: the card is shown");
            faults.extend(layout_faults(&harness, &case));
            faults.extend(top_bar_faults(&harness, &case));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// The height of the explanation's heading once the fetch has ended.
fn heading_height(harness: &Harness<'_, SocketFetchApp>) -> f32 {
    shown(harness).into_iter().find(|w| w.text == "The reply has arrived" && in_view(w)).unwrap().visible.height()
}

#[test]
fn the_presenter_view_shows_the_steps_and_a_larger_explanation_then_comes_back() {
    let server = DemoServer::start(0).unwrap();
    let full = fetch(window(demo_options(&server, ""), 1.0, [1280.0, 800.0]));
    let mut faults = Vec::new();
    for (i, (zoom, size)) in
        [(1.0, [1280.0, 800.0]), (1.5, [1024.0, 768.0]), (2.0, [1280.0, 800.0])].into_iter().enumerate()
    {
        let case = format!("{}x{} at {} %, presenter view", size[0], size[1], zoom * 100.0);
        let mut harness = fetch(window(StartOptions { presenter: true, ..demo_options(&server, "") }, zoom, size));
        faults.extend(layout_faults(&harness, &case));
        assert!(
            !shows_text(&harness, "Copy reply") && !shows_text(&harness, "Timing"),
            "{case}: the reply is set aside"
        );
        assert!(shows_text(&harness, "1. Set up the socket"), "{case}: the steps are shown");
        if i == 0 {
            // At the same zoom and size as the whole window above.
            let (large, normal) = (heading_height(&harness), heading_height(&full));
            assert!(large > normal * 1.3, "{case}: the explanation is larger ({large} against {normal})");
        }
        harness.get_by_label("Presenter view").click();
        harness.run_steps(3);
        assert!(shows_text(&harness, "Timing"), "{case}: the whole window is back");
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}
