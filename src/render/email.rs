//! The email version of each update, made beside its page: the same KPI
//! cards, lists, letter and charts, laid out for mail clients (see
//! [`crate::email`]). Writes `updates/YYYY-MM/email.html` with its images
//! next to it, and `updates/YYYY-MM/update.eml`, the finished message.

use serde::Serialize;

use rayon::prelude::*;

use super::renderer::{Job, Medium, Renderer};
use super::sink::FileKind;
use super::{prose, widgets};
use crate::email::raster::{Png, Rasterizer};
use crate::email::{GREETING_SLOT, Image, Letter, image_slot, inline, mime};
use crate::load::Update;
use crate::model::Metric;
use crate::period::Month;

/// Colours of the figures: readable on white, and still apart from each
/// other when a mail client darkens the message.
const GOOD: &str = "#1a7f37";
const BAD: &str = "#c62828";
const PLAIN: &str = "#1f2328";

/// The width charts are shown at, in CSS pixels: the 360-unit charts at
/// a scale where their text reads at about 12 px.
const CHART_WIDTH: u32 = 400;

/// A KPI card as the email shows it.
#[derive(Serialize)]
struct Card {
    label: String,
    value: String,
    period: String,
    change: Option<String>,
    change_color: &'static str,
    attainment: Option<String>,
    attainment_color: &'static str,
    target: Option<String>,
    original: Option<String>,
    spark: Option<Picture>,
}

/// An image in the email: its slot, its size in CSS pixels, and its
/// figures in words for clients that block images.
#[derive(Serialize)]
struct Picture {
    src: String,
    width: u32,
    height: u32,
    alt: String,
}

/// A chart of the email.
#[derive(Serialize)]
struct EmailChart {
    label: String,
    picture: Picture,
    /// What each numbered marker on it stands for.
    events: Vec<String>,
}

/// Each update's letter, ready to mail: `email.html`, its images and
/// `update.eml`, beside the update's page (not in an encrypted build,
/// where they would be sealed and useless; `palanca send` makes its own).
pub struct Letters;

impl Job for Letters {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Letter]
    }

    fn render(&self, r: &Renderer) {
        r.model.updates.par_iter().with_max_len(1).for_each(|u| render(r, u));
    }
}

/// Writes the email files of update `u`.
fn render(r: &Renderer, u: &Update) {
    let letter = letter(r, u);
    let dir = format!("updates/{}", u.period);
    let html = letter.html_for(None, |image| image.name.clone());
    r.emit(FileKind::Letter, &format!("{dir}/email.html"), html);
    for image in &letter.images {
        r.emit(
            FileKind::Letter,
            &format!("{dir}/{}", image.name),
            image.png.bytes.clone(),
        );
    }
    let message = sender(r).map_err(|e| e.to_string()).and_then(|from| {
        let addressing = mime::Addressing {
            from: &from,
            to: None,
            date: mime::time_of(u.period.closing_time()),
            reply_to: None,
            message_id: None,
        };
        mime::message(&letter, &addressing).map_err(|e| e.to_string())
    });
    match message {
        Ok(message) => r.emit(FileKind::Letter, &format!("{dir}/update.eml"), message.formatted()),
        Err(e) => r.fail(crate::diagnostic::Diagnostic::error(
            crate::diagnostic::Code::Output,
            format!("{dir}/update.eml"),
            format!("cannot make the update's email: {e}"),
        )),
    }
}

/// Who `update.eml` is from: the `email.from` of site.yaml, else the
/// site's title at a placeholder address the author replaces on sending.
fn sender(r: &Renderer) -> Result<lettre::message::Mailbox, lettre::address::AddressError> {
    if let Some(configured) = r.model.site.email.as_ref().and_then(|e| e.from.parse().ok()) {
        return Ok(configured);
    }
    let address = lettre::Address::new("updates", "example.invalid")?;
    Ok(lettre::message::Mailbox::new(Some(r.model.site.title.clone()), address))
}

/// The update made into a letter: cards, lists, letter and charts as of
/// its month, images drawn as PNG.
pub fn letter(r: &Renderer, u: &Update) -> Letter {
    let model = r.model;
    let raster = Rasterizer::new().with_style(series_colours(r));
    let mut images = Vec::new();
    let metrics: Vec<&Metric> = model.kpi_ids(u).iter().filter_map(|id| model.metric(id)).collect();
    let cards: Vec<Card> = metrics
        .iter()
        .map(|m| card(r, m, u.period, &raster, &mut images))
        .collect();
    let charts: Vec<EmailChart> = metrics
        .iter()
        .filter_map(|m| chart(r, m, u.period, &raster, &mut images))
        .collect();
    let web = web_letter(r, u);
    let body = with_svg_as_images(&web, &raster, &mut images, "letter");
    let web_url = web_url(r, u);
    let mut ctx = tera::Context::new();
    ctx.insert("lang", model.site.language.code());
    ctx.insert("site_title", &model.site.title);
    ctx.insert("subject", &u.front.title);
    ctx.insert("period", &model.calendar.long(u.period));
    let lines = lines(r, u);
    let html = |i: usize| lines[i].iter().map(|(h, _)| h.clone()).collect::<Vec<_>>();
    ctx.insert("preheader", &lines[0].first().map(|(_, plain)| plain));
    ctx.insert("cards", &cards);
    ctx.insert("highlights", &html(0));
    ctx.insert("lowlights", &html(1));
    ctx.insert("asks", &html(2));
    let events: Vec<String> = events(r, u.period).iter().map(|e| crate::html::escape(e)).collect();
    ctx.insert("events", &events);
    ctx.insert("greeting", GREETING_SLOT);
    ctx.insert("letter", &inline::inline(&body));
    ctx.insert("charts", &charts);
    ctx.insert("web_url", &web_url);
    let html = match r.theme.render("email.html", &ctx) {
        Ok(html) => html,
        Err(d) => {
            r.fail(d);
            String::new()
        }
    };
    Letter {
        period: u.period,
        subject: u.front.title.clone(),
        text: text(r, u, &cards, &web, web_url.as_deref()),
        html,
        images,
        greeting_all: r.text("email_greeting_all"),
        greeting_named: r.text("email_greeting_named"),
        web_url,
    }
}

/// The letter's Markdown as the web page renders it.
fn web_letter(r: &Renderer, u: &Update) -> String {
    let path = format!("updates/{}/email.html", u.period);
    prose::markdown(
        r,
        u.body(),
        &u.shortcodes,
        &format!("u{}", u.period),
        &path,
        Some(u.period),
        Medium::Letter,
    )
}

/// The update's highlights, lowlights and asks, their figures filled in:
/// each line as HTML and as plain text.
fn lines(r: &Renderer, u: &Update) -> [Vec<(String, String)>; 3] {
    [&u.front.highlights, &u.front.lowlights, &u.front.asks]
        .map(|items| items.iter().map(|t| widgets::line(r, t, Some(u.period))).collect())
}

/// The update's page on the published site, when `base_url` says where.
fn web_url(r: &Renderer, u: &Update) -> Option<String> {
    let base = &r.model.site.base_url;
    (base.starts_with("https://") || base.starts_with("http://"))
        .then(|| format!("{base}updates/{}/index.html", u.period))
}

fn events(r: &Renderer, month: Month) -> Vec<String> {
    r.model
        .events
        .iter()
        .filter(|e| e.month == month)
        .map(|e| e.label.clone())
        .collect()
}

/// A card: the web card's figures, colours inline, the sparkline as PNG.
fn card(r: &Renderer, m: &Metric, month: Month, raster: &Rasterizer, images: &mut Vec<Image>) -> Card {
    let k = widgets::kpi(r, m, Some(month), "");
    let color = |class: &str| match class {
        "good" => GOOD,
        "bad" => BAD,
        _ => PLAIN,
    };
    let spark = cached_png(r, raster, &k.sparkline, None).map(|png| {
        let name = format!("spark-{}.png", m.id);
        let picture = picture(&name, &png, 2, trend_words(r, m, month));
        images.push(Image { name, png });
        picture
    });
    Card {
        change_color: color(k.change_class),
        attainment_color: color(k.attainment_class),
        label: k.label,
        value: k.value,
        period: k.period,
        change: k.change,
        attainment: k.attainment,
        target: k.target,
        original: k.original,
        spark,
    }
}

/// A chart of the metric as of the month, as PNG.
fn chart(r: &Renderer, m: &Metric, month: Month, raster: &Rasterizer, images: &mut Vec<Image>) -> Option<EmailChart> {
    let c = widgets::chart(r, m, "", super::lines::View::Recent(Some(month)));
    let png = cached_png(r, raster, &c.svg, Some(CHART_WIDTH))?;
    let name = format!("chart-{}.png", m.id);
    let picture = picture(&name, &png, 2, chart_words(r, m, month));
    images.push(Image { name, png });
    Some(EmailChart {
        events: c.event_keys(),
        label: c.label,
        picture,
    })
}

/// The theme's colours of the series (its light ones: a letter is read on
/// white), as CSS for the pictures: the same colours the pages give them,
/// so a letter's chart and its legend agree whatever the theme says.
fn series_colours(r: &Renderer) -> String {
    let css = r
        .theme
        .statics
        .iter()
        .find(|(path, _)| path == "assets/style.css")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    // The first value of each variable is the light one (`:root`).
    let var = |name: &str, fallback: &str| -> String {
        css.split(&format!("--{name}:"))
            .nth(1)
            .and_then(|rest| rest.split([';', '}']).next())
            .map(str::trim)
            .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || "#(),. %".contains(c)))
            .unwrap_or(fallback)
            .to_string()
    };
    let (actual, plan, grey) = (
        var("actual-line", "#0072b2"),
        var("plan-line", "#d55e00"),
        var("grey-line", "#787878"),
    );
    format!(
        ".s-actual{{stroke:{actual}}}.f-actual{{fill:{actual}}}.s-plan{{stroke:{plan}}}.f-plan{{fill:{plan}}}.s-original{{stroke:{grey}}}"
    )
}

/// `svg` as PNG, from `serve`'s cache when the same chart was drawn before.
fn cached_png(r: &Renderer, raster: &Rasterizer, svg: &str, css_width: Option<u32>) -> Option<Png> {
    let width = css_width.map_or_else(String::new, |w| w.to_string());
    let key = r.cache.key_text("png", &[svg, &width, raster.style()]);
    let bytes = r.cache.bytes(key, || {
        let png = match css_width {
            Some(w) => raster.png_at(svg, w),
            None => raster.png(svg),
        };
        png.map(|p| p.bytes).unwrap_or_default()
    });
    Png::from_bytes(bytes.to_vec())
}

fn picture(name: &str, png: &Png, density: u32, alt: String) -> Picture {
    Picture {
        src: image_slot(name),
        width: png.width / density,
        height: png.height / density,
        alt,
    }
}

/// A sparkline in words: the first and last actual it shows.
fn trend_words(r: &Renderer, m: &Metric, month: Month) -> String {
    let model = r.model;
    let shown: Vec<(&Month, &f64)> = m.actual.range(..=month).collect();
    match (shown.first(), shown.last()) {
        (Some((a, va)), Some((b, vb))) if a != b => format!(
            "{}: {} {} → {} {}",
            m.label,
            model.calendar.short(**a),
            model.style.format(**va, m.unit),
            model.calendar.short(**b),
            model.style.format(**vb, m.unit)
        ),
        (Some((a, va)), _) => format!(
            "{}: {} {}",
            m.label,
            model.calendar.short(**a),
            model.style.format(**va, m.unit)
        ),
        _ => m.label.clone(),
    }
}

/// A chart in words, for clients that block images: the actuals of its
/// last six months and the plan of the month.
fn chart_words(r: &Renderer, m: &Metric, month: Month) -> String {
    let model = r.model;
    let actuals: Vec<String> = m
        .actual
        .range(..=month)
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|(mo, v)| format!("{} {}", model.calendar.short(*mo), model.style.format(*v, m.unit)))
        .collect();
    let mut words = format!("{}. {}: {}", m.label, r.text("actual"), actuals.join(", "));
    if let Some(plan) = m.plan.get(&month) {
        words.push_str(&format!(
            ". {} {}: {}",
            r.text("target"),
            model.calendar.short(month),
            model.style.format(*plan, m.unit)
        ));
    }
    words
}

/// `html` with each `<svg>…</svg>` (a chart embedded in the letter by a
/// shortcode) drawn as PNG and replaced by an image carrying its title.
fn with_svg_as_images(html: &str, raster: &Rasterizer, images: &mut Vec<Image>, prefix: &str) -> String {
    replace_svgs(html, |svg| {
        let Some(png) = raster.png(svg) else {
            return String::new();
        };
        let name = format!("{prefix}-{}.png", images.len() + 1);
        let img = format!(
            "<img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
            image_slot(&name),
            png.width / 2,
            png.height / 2,
            crate::html::escape(&svg_title(svg))
        );
        images.push(Image { name, png });
        img
    })
}

/// `html` with each `<svg>…</svg>` replaced by what `with` makes of it.
fn replace_svgs(html: &str, mut with: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let Some(end) = rest[start..].find("</svg>").map(|e| start + e + "</svg>".len()) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&with(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text of an SVG's first `<title>`, unescaped for reuse.
fn svg_title(svg: &str) -> String {
    svg.split_once("<title")
        .and_then(|(_, after)| after.split_once('>'))
        .and_then(|(_, after)| after.split_once("</title>"))
        .map(|(title, _)| {
            title
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .unwrap_or_default()
}

/// The plain text alternative: the KPIs as aligned lines, the lists, the
/// greeting and the letter as text, and the link to the web version.
fn text(r: &Renderer, u: &Update, cards: &[Card], web_letter: &str, web_url: Option<&str>) -> String {
    let model = r.model;
    let mut out = format!("{}\n{}\n\n", u.front.title, model.calendar.long(u.period));
    let rows: Vec<Vec<String>> = cards
        .iter()
        .map(|k| {
            let attainment = k
                .attainment
                .as_ref()
                .map(|a| format!("{a} {}", r.text("vs_target")))
                .unwrap_or_default();
            vec![
                k.label.clone(),
                k.value.clone(),
                k.change.clone().unwrap_or_default(),
                attainment,
            ]
        })
        .collect();
    out.push_str(&crate::email::columns(&rows));
    let lines = lines(r, u);
    for (key, items) in ["highlights", "lowlights", "asks"].into_iter().zip(&lines) {
        if !items.is_empty() {
            out.push_str(&format!("\n{}\n", r.text(key)));
            for (_, plain) in items {
                out.push_str(&format!("- {plain}\n"));
            }
        }
    }
    let events = events(r, u.period);
    if !events.is_empty() {
        out.push_str(&format!("\n{}\n", r.text("events_of_month")));
        for e in events {
            out.push_str(&format!("- {e}\n"));
        }
    }
    out.push_str(&format!("\n{GREETING_SLOT}\n\n"));
    let letter = without_svg(web_letter);
    out.push_str(
        html2text::from_read(letter.as_bytes(), 72)
            .unwrap_or_default()
            .trim_end(),
    );
    out.push('\n');
    if let Some(url) = web_url {
        out.push_str(&format!("\n{}: {url}\n", r.text("email_web_version")));
    }
    out
}

/// `html` without its SVG charts, each left as its title in brackets.
fn without_svg(html: &str) -> String {
    replace_svgs(html, |svg| format!("[{}]", crate::html::escape(&svg_title(svg))))
}
