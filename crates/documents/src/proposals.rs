//! Redaction proposals (issue 20, point 5): personal identifiers found in a PDF's text layer,
//! each with the boxes that would cover it, for the clerk to accept or reject one by one.
//! Nothing here redacts: an accepted proposal becomes a [`RedactBox`] like a drawn one. The
//! same matchers run on tables' cells ([`propose_table`]).
//!
//! The text and the glyphs' positions come from hayro's interpreter (the same one that renders
//! the pages for the burn-in, with the same font settings): every glyph shown on a page, with
//! its Unicode text (ToUnicode map, glyph names, or the character code of a font with a
//! predefined Unicode CMap) and its box on the page as shown (rotation and
//! crop box applied, origin at the top left, in points). Glyphs are joined into lines in the
//! order they are drawn, a line continuing while the next glyph stands where the previous one
//! ended; a gap wider than 0.15 em becomes a space, a jump back or to another baseline a line break.
//!
//! What is found: 18-digit 居民身份证号码 with a valid GB 11643 check digit and a plausible
//! date of birth; mainland mobile numbers (11 digits, 1[3-9]); bank card numbers (16–19 digits,
//! Luhn); e-mail addresses; and names the clerk enters. Full-width characters count as their
//! ASCII forms. Digits may be grouped by spaces or hyphens (138 0013 8000, 138-0013-8000) and
//! a number may be broken across two lines; a number inside a longer run of digits is not
//! proposed. Everything is linear in the text: each matcher looks at each character a bounded
//! number of times.

use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex};

use hayro::hayro_interpret::font::{Glyph, GlyphRun};
use hayro::hayro_interpret::hayro_cmap::{BfString, WritingMode};
use hayro::hayro_interpret::kurbo::{Affine, BezPath, Point, Rect, Vec2};
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, SoftMask, interpret_page,
};
use hayro::hayro_syntax::object::{Dict, Name};
use hayro::hayro_syntax::page::Page;

use calamine::{Data, Reader};

use crate::redact::{RedactBox, RedactError, RedactLimits, interpreter_settings, open_pdf};
use crate::tables::{TableError, TableLimits, csv_text, hidden_rows_and_columns, parse_csv};

/// How many characters a clerk's name may have (after removing white space): shorter names
/// would be found everywhere, longer ones are not names.
pub const NAME_CHARS: RangeInclusive<usize> = 2..=40;

/// How far (in points) a proposed box reaches past the glyphs it covers.
const PADDING: f64 = 1.0;

/// What a proposal is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProposalKind {
    /// 居民身份证号码 (GB 11643, 18 characters).
    IdNumber,
    /// Mainland mobile number.
    Mobile,
    /// Bank card number (Luhn).
    BankCard,
    /// E-mail address.
    Email,
    /// A name the clerk entered.
    Name,
}

impl ProposalKind {
    /// The label the clerk reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            ProposalKind::IdNumber => "身份证号码",
            ProposalKind::Mobile => "手机号码",
            ProposalKind::BankCard => "银行卡号",
            ProposalKind::Email => "电子邮箱",
            ProposalKind::Name => "姓名",
        }
    }

    /// A stable code for the API.
    pub fn code(self) -> &'static str {
        match self {
            ProposalKind::IdNumber => "id_number",
            ProposalKind::Mobile => "mobile",
            ProposalKind::BankCard => "bank_card",
            ProposalKind::Email => "email",
            ProposalKind::Name => "name",
        }
    }
}

/// One proposed box: page numbered from 1, in points with the origin at the top left of the
/// page as shown (as [`RedactBox`]), padded by about a point and inside the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub kind: ProposalKind,
    pub page: u32,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The text found (for a match broken across lines, the whole match, on each of its
    /// boxes).
    pub text: String,
    /// The boxes of one match share a group (a match broken across two lines has a box on
    /// each), so that the clerk accepts or rejects them together. Numbered from 0 in the file.
    pub group: u32,
}

impl Proposal {
    /// The box to burn in, once the clerk accepts the proposal.
    pub fn redact_box(&self) -> RedactBox {
        RedactBox {
            page: self.page,
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

/// The proposals for a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Proposals {
    /// In page order, then in the order the text is drawn.
    pub items: Vec<Proposal>,
    pub pages: u32,
    /// Pages whose text could not be read (numbered from 1): scans without a text layer,
    /// text drawn as outlines, fonts without a Unicode map (more than one glyph in ten
    /// unreadable). Nothing is proposed there with confidence: the clerk reads them by eye.
    pub pages_without_text: Vec<u32>,
}

/// Finds personal identifiers in the text layer of the PDF `bytes`, and the names in `names`
/// (each matched exactly, white space ignored; names outside [`NAME_CHARS`] are ignored).
/// The file is opened as for redaction: the same errors for encrypted, corrupt and too large
/// files.
pub fn propose_pdf(
    bytes: &[u8],
    names: &[String],
    limits: &RedactLimits,
) -> Result<Proposals, RedactError> {
    let pdf = open_pdf(Arc::new(bytes.to_vec()), limits)?;
    let names = prepared_names(names);
    let settings = interpreter_settings(Arc::new(Mutex::new(false)));
    let cache = InterpreterCache::new();
    let mut out = Proposals {
        pages: u32::try_from(pdf.pages().len()).unwrap_or(u32::MAX),
        ..Proposals::default()
    };
    let mut group = 0u32;
    for (i, page) in pdf.pages().iter().enumerate() {
        let number = i as u32 + 1;
        let (w, h) = page.render_dimensions();
        let bounds = Rect::new(0.0, 0.0, f64::from(w), f64::from(h));
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            bounds,
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut device = TextDevice::new(bounds, unicode_codes(page));
        interpret_page(page, &mut context, &mut device);
        let text = device.text;
        if text.readable == 0 || text.unreadable * 10 > text.readable {
            out.pages_without_text.push(number);
        }
        let chars: Vec<char> = text.chars.iter().map(|c| normalize(*c)).collect();
        let mut seen = HashSet::new();
        for found in find(&chars, &names) {
            let whole: String = text.chars[found.start..found.end]
                .iter()
                .filter(|c| !is_break(**c))
                .collect();
            let mut any = false;
            for rect in text.boxes(found.start, found.end, bounds) {
                let key = (
                    found.kind,
                    whole.clone(),
                    rect.x0.round() as i64,
                    rect.y0.round() as i64,
                    rect.x1.round() as i64,
                    rect.y1.round() as i64,
                );
                // The same text drawn twice at the same place (a fake bold, a shadow).
                if !seen.insert(key) {
                    continue;
                }
                any = true;
                out.items.push(Proposal {
                    kind: found.kind,
                    page: number,
                    x: rect.x0 as f32,
                    y: rect.y0 as f32,
                    w: rect.width() as f32,
                    h: rect.height() as f32,
                    text: whole.clone(),
                    group,
                });
            }
            if any {
                group += 1;
            }
        }
    }
    Ok(out)
}

/// The identifiers and names in a plain text (a table's cell, say), in order: the same
/// matchers as [`propose_pdf`], a line break in `text` counting as a break between lines.
pub fn identifiers_in(text: &str, names: &[String]) -> Vec<(ProposalKind, String)> {
    let original: Vec<char> = text
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .collect();
    let chars: Vec<char> = original.iter().map(|c| normalize(*c)).collect();
    find(&chars, &prepared_names(names))
        .into_iter()
        .map(|f| {
            let s = original[f.start..f.end]
                .iter()
                .filter(|c| !is_break(**c))
                .collect();
            (f.kind, s)
        })
        .collect()
}

/// The kind of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Xlsx,
    Csv,
}

/// An identifier found in a table's cell: positions as [`TableRedaction`](crate::TableRedaction) counts them (from
/// 0, in the source file, hidden rows and columns included), so that an accepted proposal is
/// a cell to redact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProposal {
    /// The sheet's name ("" for CSV).
    pub sheet: String,
    pub row: u32,
    pub column: u32,
    pub kind: ProposalKind,
    pub text: String,
}

/// Finds identifiers and `names` in the cells of an XLSX workbook's visible sheets (hidden
/// rows and columns left out: they are dropped from the released table anyway) or of a CSV
/// file, with the matchers of [`propose_pdf`]. A number stored as a number is read as its
/// digits (a mobile typed into Excel as 13800138000).
pub fn propose_table(
    bytes: &[u8],
    kind: TableKind,
    names: &[String],
    limits: &TableLimits,
) -> Result<Vec<CellProposal>, TableError> {
    crate::tables::check_size(bytes, limits)?;
    let names = prepared_names(names);
    let mut out = Vec::new();
    let mut cell = |sheet: &str, row: u32, column: u32, value: &str| {
        let original: Vec<char> = value
            .chars()
            .map(|c| if c == '\r' { '\n' } else { c })
            .collect();
        let chars: Vec<char> = original.iter().map(|c| normalize(*c)).collect();
        for f in find(&chars, &names) {
            out.push(CellProposal {
                sheet: sheet.to_owned(),
                row,
                column,
                kind: f.kind,
                text: original[f.start..f.end]
                    .iter()
                    .filter(|c| !is_break(**c))
                    .collect(),
            });
        }
    };
    match kind {
        TableKind::Csv => {
            let records = parse_csv(&csv_text(bytes)?)?;
            let cells: u64 = records.iter().map(|r| r.len() as u64).sum();
            if cells > limits.max_cells {
                return Err(TableError::TooManyCells {
                    cells,
                    max: limits.max_cells,
                });
            }
            for (r, record) in records.iter().enumerate() {
                for (c, value) in record.iter().enumerate() {
                    cell("", r as u32, c as u32, value);
                }
            }
        }
        TableKind::Xlsx => {
            let (mut book, visible) = crate::tables::open_workbook(bytes)?;
            let hidden = hidden_rows_and_columns(bytes)?;
            let mut cells = 0u64;
            for name in &visible {
                let range = book
                    .worksheet_range(name)
                    .map_err(|_| TableError::Corrupt("XLSX"))?;
                cells += range.get_size().0 as u64 * range.get_size().1 as u64;
                if cells > limits.max_cells {
                    return Err(TableError::TooManyCells {
                        cells,
                        max: limits.max_cells,
                    });
                }
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let none = (HashSet::new(), HashSet::new());
                let (hidden_rows, hidden_columns) = hidden.get(name).unwrap_or(&none);
                for (r, c, value) in range.used_cells() {
                    let (row, column) = (r0 + r as u32, c0 + c as u32);
                    if hidden_rows.contains(&row) || hidden_columns.contains(&column) {
                        continue;
                    }
                    let text = match value {
                        Data::String(s) => s.clone(),
                        Data::Int(i) => i.to_string(),
                        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => {
                            format!("{}", *f as i64)
                        }
                        _ => continue,
                    };
                    cell(name, row, column, &text);
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Text with positions.

/// A page's text as drawn: characters (line breaks included), and for each character the
/// box of the glyph it came from.
#[derive(Default)]
struct PageText {
    chars: Vec<char>,
    /// Index into `glyphs` for each character; none for breaks and white space.
    owner: Vec<Option<u32>>,
    glyphs: Vec<Rect>,
    readable: usize,
    unreadable: usize,
}

impl PageText {
    fn push(&mut self, c: char, glyph: Option<u32>) {
        self.chars.push(c);
        self.owner
            .push(if c.is_whitespace() { None } else { glyph });
    }

    /// A break before the next glyph: a space (not doubled), a tab (a wide gap on the same
    /// line) or a line break. Nothing at the start of the page.
    fn brk(&mut self, c: char) {
        match self.chars.last() {
            None => {}
            Some(last) if c == ' ' && last.is_whitespace() => {}
            Some(_) => self.push(c, None),
        }
    }

    /// The boxes covering characters `start..end`: one per line, padded, inside `page`.
    fn boxes(&self, start: usize, end: usize, page: Rect) -> Vec<Rect> {
        let mut out = Vec::new();
        let mut current: Option<Rect> = None;
        for k in start..end {
            if is_break(self.chars[k]) {
                out.extend(current.take());
                continue;
            }
            if let Some(g) = self.owner[k] {
                let r = self.glyphs[g as usize];
                current = Some(current.map_or(r, |c| c.union(r)));
            }
        }
        out.extend(current);
        out.into_iter()
            .map(|r| r.inflate(PADDING, PADDING).intersect(page))
            .filter(|r| r.width() > 0.0 && r.height() > 0.0)
            .collect()
    }
}

/// Where the previous glyph ended: the pen's position, the direction of writing, the em.
struct Pen {
    end: Point,
    dir: Vec2,
    em: f64,
}

/// A hayro device that draws nothing and keeps the glyphs' text and boxes.
struct TextDevice {
    page: Rect,
    text: PageText,
    pen: Option<Pen>,
    /// The last run's first glyph transform and length: a run drawn twice in a row (fill,
    /// then stroke) is read once.
    last_run: Option<([f64; 6], usize)>,
    /// Whether a glyph without a Unicode map may be read from its character code (see
    /// [`unicode_codes`]).
    codes_are_unicode: bool,
}

impl TextDevice {
    fn new(page: Rect, codes_are_unicode: bool) -> Self {
        TextDevice {
            page,
            codes_are_unicode,
            text: PageText::default(),
            pen: None,
            last_run: None,
        }
    }

    fn run(&mut self, run: &GlyphRun<'_, '_>, transform: Affine) {
        let glyphs = run.glyphs();
        let Some(first) = glyphs.first() else {
            return;
        };
        let key = ((transform * first.transform()).as_coeffs(), glyphs.len());
        if self.last_run == Some(key) {
            return;
        }
        self.last_run = Some(key);
        let vertical = run.writing_mode() == WritingMode::Vertical;
        for g in glyphs {
            let m = transform * g.transform();
            let origin = m * Point::ORIGIN;
            // Glyph space is in thousandths of an em.
            let em = (m * Point::new(0.0, 1000.0) - origin).hypot();
            if !(em.is_finite() && em > 1e-3) {
                continue;
            }
            let (advance, outline) = match &**g {
                Glyph::Outline(o) => (o.advance_width(), Some(o.outline().control_box())),
                Glyph::Type3(t) => (t.advance_width(), None),
            };
            let advance = advance
                .map(f64::from)
                .filter(|a| a.is_finite() && *a > 0.0)
                .or_else(|| outline.map(|b| b.x1).filter(|x| x.is_finite() && *x > 0.0))
                .unwrap_or(500.0);
            // The em box (descent 0.2, ascent 0.8) and the outline, whichever is larger,
            // within reason (a broken outline must not cover the page).
            let mut local = Rect::new(0.0, -200.0, advance, 800.0);
            if let Some(b) = outline.filter(|b| b.area() > 0.0 && b.is_finite()) {
                local =
                    local
                        .union(b)
                        .intersect(Rect::new(-1000.0, -1000.0, advance + 1000.0, 2000.0));
            }
            let rect = m.transform_rect_bbox(local);
            if !rect.is_finite() || rect.intersect(self.page).area() <= 0.0 {
                continue;
            }
            let step = if vertical {
                m * Point::new(0.0, -1000.0) - origin
            } else {
                m * Point::new(advance, 0.0) - origin
            };
            let dir = if step.hypot() > 1e-6 {
                step.normalize()
            } else {
                (m * Point::new(1.0, 0.0) - origin).normalize()
            };
            if let Some(pen) = &self.pen {
                let d = origin - pen.end;
                let e = em.max(pen.em);
                let along = d.dot(pen.dir);
                let across = d.cross(pen.dir).abs();
                if across > 0.5 * e || along < -0.5 * e {
                    self.text.brk('\n');
                } else if along > 3.0 * e {
                    self.text.brk('\t');
                } else if along > 0.15 * e {
                    self.text.brk(' ');
                }
            }
            let index = u32::try_from(self.text.glyphs.len()).ok();
            self.text.glyphs.push(rect);
            let unicode = g.as_unicode().or_else(|| {
                self.codes_are_unicode
                    .then(|| utf16_code(g.char_code()))
                    .flatten()
                    .map(BfString::Char)
            });
            let readable = match unicode {
                Some(BfString::Char(c)) if !c.is_control() => {
                    self.text.push(c, index);
                    true
                }
                Some(BfString::String(s)) if !s.is_empty() && !s.chars().any(char::is_control) => {
                    for c in s.chars() {
                        self.text.push(c, index);
                    }
                    true
                }
                _ => {
                    self.text.push('\u{FFFD}', index);
                    false
                }
            };
            if readable {
                self.text.readable += 1;
            } else {
                self.text.unreadable += 1;
            }
            self.pen = Some(Pen {
                end: origin + step,
                dir,
                em,
            });
        }
    }
}

/// Whether the page's composite fonts without a ToUnicode map all have a predefined Unicode
/// CMap (UniGB-UCS2-H, UniGB-UTF16-H and the like, common in Chinese office PDFs that name
/// 宋体 without embedding it): then a glyph's character code is its UTF-16 code, which hayro
/// does not map to Unicode itself. Fonts of form XObjects are not looked at.
fn unicode_codes(page: &Page<'_>) -> bool {
    let fonts = &page.resources().fonts;
    let mut unicode = false;
    for key in fonts.keys() {
        let Some(font) = fonts.get::<Dict<'_>>(key.as_ref()) else {
            continue;
        };
        let composite = font
            .get::<Name<'_>>(b"Subtype")
            .is_some_and(|n| n.as_ref() == b"Type0");
        if !composite || font.contains_key(b"ToUnicode") {
            continue;
        }
        let encoding = font.get::<Name<'_>>(b"Encoding");
        let named_unicode = encoding.is_some_and(|e| {
            let e = e.as_str();
            e.starts_with("Uni")
                && ["-UCS2-H", "-UCS2-V", "-UTF16-H", "-UTF16-V"]
                    .iter()
                    .any(|s| e.ends_with(s))
        });
        if !named_unicode {
            return false;
        }
        unicode = true;
    }
    unicode
}

/// A character from a UTF-16 code of two bytes, or of four (a surrogate pair).
fn utf16_code(code: u32) -> Option<char> {
    let units: Vec<u16> = if code > 0xFFFF {
        vec![(code >> 16) as u16, (code & 0xFFFF) as u16]
    } else {
        vec![code as u16]
    };
    let mut decoded = char::decode_utf16(units);
    let c = decoded.next()?.ok()?;
    (decoded.next().is_none() && !c.is_control()).then_some(c)
}

impl<'a> Device<'a> for TextDevice {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    /// Every run, invisible ones included: the text layer of an OCR'd scan is invisible
    /// text over the image, and what it says is on the image.
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        self.run(run, props.transform);
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

// ---------------------------------------------------------------------------------------------
// Matchers, on characters (normalized: see `normalize`).

/// A match: characters `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    kind: ProposalKind,
    start: usize,
    end: usize,
}

/// A line break or a wide gap: where a match is cut into boxes.
fn is_break(c: char) -> bool {
    c == '\n' || c == '\t'
}

/// Full-width ASCII as ASCII, the other spaces as a space, dashes as a hyphen: one character
/// for one, so that positions stay.
fn normalize(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\r' => '\n',
        _ => c,
    }
}

/// The names to look for, white space removed, those of a usable length.
fn prepared_names(names: &[String]) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    for name in names {
        let n: Vec<char> = name
            .chars()
            .map(normalize)
            .filter(|c| !c.is_whitespace())
            .collect();
        if NAME_CHARS.contains(&n.len()) && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Every match in `chars`, ordered by position.
fn find(chars: &[char], names: &[Vec<char>]) -> Vec<Found> {
    let mut out = Vec::new();
    numbers(chars, &mut out);
    emails(chars, &mut out);
    for name in names {
        name_matches(chars, name, &mut out);
    }
    out.sort_by_key(|f| (f.start, f.end, f.kind));
    out
}

/// How two groups of digits are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// By a space or a hyphen on the same line: the groups are the number's own grouping.
    Separator,
    /// By a line break: the number was broken, the two groups are one.
    Wrap,
}

/// A group of digits, `start..end`, perhaps ending in an ID number's X.
struct Atom {
    start: usize,
    end: usize,
}

/// After the digits ending at `p`: a separator (at most three spaces with at most one
/// hyphen, or a line break with spaces) followed by a digit; where the digit is.
fn join_after(chars: &[char], p: usize) -> Option<(Join, usize)> {
    let (mut q, mut hyphens, mut breaks) = (p, 0, 0);
    while q < chars.len() && q - p <= 3 {
        match chars[q] {
            ' ' => {}
            '-' => hyphens += 1,
            '\n' => breaks += 1,
            _ => break,
        }
        q += 1;
    }
    let digit_next = q > p && q < chars.len() && chars[q].is_ascii_digit();
    if !digit_next || hyphens > 1 || breaks > 1 || (breaks == 1 && hyphens == 1) {
        return None;
    }
    Some((
        if breaks == 1 {
            Join::Wrap
        } else {
            Join::Separator
        },
        q,
    ))
}

/// ID numbers, mobile numbers and bank cards: runs of digit groups, each tried from its
/// first group with the fewest groups that make a valid number of the greatest length (at
/// most 19 digits, so a bounded number of tries per group).
fn numbers(chars: &[char], out: &mut Vec<Found>) {
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut atoms = Vec::new();
        let mut joins = Vec::new();
        let mut p = i;
        loop {
            let s = p;
            while p < n && chars[p].is_ascii_digit() {
                p += 1;
            }
            let x = p < n
                && matches!(chars[p], 'X' | 'x')
                && !(p + 1 < n && chars[p + 1].is_ascii_alphanumeric());
            if x {
                p += 1;
            }
            atoms.push(Atom { start: s, end: p });
            if x {
                break;
            }
            match join_after(chars, p) {
                Some((join, next)) => {
                    joins.push(join);
                    p = next;
                }
                None => break,
            }
        }
        run_matches(chars, &atoms, &joins, out);
        i = p.max(i + 1);
    }
}

fn run_matches(chars: &[char], atoms: &[Atom], joins: &[Join], out: &mut Vec<Found>) {
    let mut a = 0;
    while a < atoms.len() {
        let mut digits: Vec<u8> = Vec::with_capacity(20);
        let mut groups: Vec<usize> = Vec::new();
        let mut best = None;
        for b in a..atoms.len() {
            let atom = &atoms[b];
            let len = atom.end - atom.start;
            match groups.last_mut() {
                Some(last) if joins[b - 1] == Join::Wrap => *last += len,
                _ => groups.push(len),
            }
            digits.extend(
                chars[atom.start..atom.end]
                    .iter()
                    .map(|c| c.to_ascii_uppercase() as u8),
            );
            if digits.len() > 19 {
                break;
            }
            if let Some(kind) = classify(&digits, &groups) {
                best = Some((kind, b));
            }
        }
        match best {
            Some((kind, b)) => {
                out.push(Found {
                    kind,
                    start: atoms[a].start,
                    end: atoms[b].end,
                });
                a = b + 1;
            }
            None => a += 1,
        }
    }
}

/// What a run of digits (grouped as `groups`) is, if anything.
fn classify(digits: &[u8], groups: &[usize]) -> Option<ProposalKind> {
    if valid_id(digits) {
        return Some(ProposalKind::IdNumber);
    }
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let len = digits.len();
    let card_grouping = match groups.split_last() {
        None => false,
        Some((last, rest)) => {
            rest.is_empty() || (rest.iter().all(|g| *g == 4) && (1..=4).contains(last))
        }
    };
    if (16..=19).contains(&len) && card_grouping && luhn(digits) {
        return Some(ProposalKind::BankCard);
    }
    if len == 11 && matches!(groups, [11] | [3, 4, 4] | [3, 8] | [7, 4]) && valid_mobile(digits) {
        return Some(ProposalKind::Mobile);
    }
    None
}

/// A 居民身份证号码 (GB 11643-1999): 17 digits, a date of birth from 1900 to 2099 that
/// exists, and the check character (digit or X) of ISO 7064 MOD 11-2.
pub(crate) fn valid_id(d: &[u8]) -> bool {
    if d.len() != 18 || !d[..17].iter().all(u8::is_ascii_digit) || d[0] == b'0' {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    if !(1900..=2099).contains(&year) || !(1..=12).contains(&month) {
        return false;
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return false;
    }
    d[17] == id_check_char(&d[..17])
}

/// The check character of the first 17 digits of an ID number.
pub(crate) fn id_check_char(first17: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// The Luhn check (ISO/IEC 7812) over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                let d = v * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A mainland mobile number: 11 digits, 1 then 3 to 9.
fn valid_mobile(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// E-mail addresses: around each @, the local part to the left and the domain to the right
/// (at least two labels, the last of two letters or more). Each character is looked at from
/// at most the @ before and the @ after it.
fn emails(chars: &[char], out: &mut Vec<Found>) {
    let mut last_end = 0;
    for at in 0..chars.len() {
        if chars[at] != '@' || at < last_end {
            continue;
        }
        let mut start = at;
        while start > last_end && local_char(chars[start - 1]) {
            start -= 1;
        }
        while start < at && matches!(chars[start], '.' | '-') {
            start += 1;
        }
        let mut end = at + 1;
        while end < chars.len() && domain_char(chars[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(chars[end - 1], '.' | '-') {
            end -= 1;
        }
        if start == at || end == at + 1 {
            continue;
        }
        let domain: String = chars[at + 1..end].iter().collect();
        let labels: Vec<&str> = domain.split('.').collect();
        let tld_ok = labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
        if labels.len() < 2 || !tld_ok || labels.iter().any(|l| l.is_empty()) {
            continue;
        }
        out.push(Found {
            kind: ProposalKind::Email,
            start,
            end,
        });
        last_end = end;
    }
}

/// Every place `name` stands in `chars`, white space between its characters ignored
/// (Knuth–Morris–Pratt over the characters that are not white space: linear).
fn name_matches(chars: &[char], name: &[char], out: &mut Vec<Found>) {
    if name.is_empty() {
        return;
    }
    let mut fail = vec![0usize; name.len()];
    let mut k = 0;
    for i in 1..name.len() {
        while k > 0 && name[i] != name[k] {
            k = fail[k - 1];
        }
        if name[i] == name[k] {
            k += 1;
        }
        fail[i] = k;
    }
    // The characters that are not white space, by their position in `chars`.
    let kept: Vec<usize> = (0..chars.len())
        .filter(|i| !chars[*i].is_whitespace())
        .collect();
    let mut k = 0;
    for (j, &i) in kept.iter().enumerate() {
        let c = chars[i];
        while k > 0 && c != name[k] {
            k = fail[k - 1];
        }
        if c == name[k] {
            k += 1;
            if k == name.len() {
                out.push(Found {
                    kind: ProposalKind::Name,
                    start: kept[j + 1 - name.len()],
                    end: i + 1,
                });
                k = 0;
            }
        }
    }
}

#[cfg(test)]
#[path = "proposals_tests.rs"]
mod tests;
