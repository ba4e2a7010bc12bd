//! The reply letter (答复书) as an A4 PDF: the agency's name as heading, the title, the 文号,
//! the body wrapped to the page width, the released items, a seal area with the agency's name
//! and the date, and 「第 N 页 共 M 页」 on every page. The CJK font is the operating system's
//! (see [`Font`]); krilla embeds the subset of it the letter uses.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::TextDirection;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::DocumentError;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 72.0;
const MARGIN_TOP: f32 = 72.0;
/// The lowest baseline of text; the page number sits below it.
const BOTTOM: f32 = PAGE_H - 84.0;
const BODY_SIZE: f32 = 12.0;
const BODY_LEADING: f32 = 21.0;
const SEAL_SIDE: f32 = 96.0;
/// Rounding room when summing advances: a line of exactly the width fits.
const FIT_SLACK: f32 = 0.01;

/// The usual places of a freely licensed CJK font, with the index of its Simplified Chinese
/// face in the collection: Noto Serif/Sans CJK (OFL-1.1, Debian's fonts-noto-cjk), WenQuanYi
/// Zen Hei, then the fonts of macOS and Windows.
pub const DEFAULT_FONT_PATHS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/System/Library/Fonts/Songti.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
];

/// A font file's bytes: mapped from the file where the system allows it, else read into memory.
type FontBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A CJK font read once (a TrueType or OpenType file, or one face of a collection).
#[derive(Clone)]
pub struct Font {
    data: FontBytes,
    index: u32,
    pdf: krilla::text::Font,
    path: PathBuf,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("path", &self.path)
            .field("index", &self.index)
            .finish()
    }
}

/// `open` of the first of [`DEFAULT_FONT_PATHS`] that exists and opens.
fn first_default<T>(open: impl Fn(&Path, u32) -> Result<T, DocumentError>) -> Option<T> {
    DEFAULT_FONT_PATHS
        .iter()
        .filter(|(p, _)| Path::new(p).is_file())
        .find_map(|(p, i)| open(Path::new(p), *i).ok())
}

/// A font file checked when the server starts and read only when a document needs it: a CJK
/// collection is 20–30 MB, which a server that never writes a PDF should not hold.
#[derive(Debug)]
pub struct FontFile {
    path: PathBuf,
    index: u32,
    loaded: OnceLock<Font>,
}

impl FontFile {
    /// Checks that face `index` of `path` reads as a font; the bytes are not kept.
    pub fn check(path: &Path, index: u32) -> Result<FontFile, DocumentError> {
        Font::load(path, index)?;
        Ok(FontFile {
            path: path.to_path_buf(),
            index,
            loaded: OnceLock::new(),
        })
    }

    /// The first of [`DEFAULT_FONT_PATHS`] that exists and reads.
    pub fn find_default() -> Option<FontFile> {
        first_default(FontFile::check)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The font, read on first use and kept from then on.
    pub fn font(&self) -> Result<&Font, DocumentError> {
        if let Some(font) = self.loaded.get() {
            return Ok(font);
        }
        let font = Font::load(&self.path, self.index)?;
        Ok(self.loaded.get_or_init(|| font))
    }
}

impl Font {
    /// Reads face `index` of the font file at `path`. The file is mapped into memory rather
    /// than copied (see [`map_font_file`]): a CJK collection is 20–30 MB, of which a letter
    /// touches the tables and the outlines of the glyphs it uses, so that only those pages
    /// are resident.
    pub fn load(path: &Path, index: u32) -> Result<Font, DocumentError> {
        let failed = |e: std::io::Error| DocumentError(format!("font {}: {e}", path.display()));
        let mut file = std::fs::File::open(path).map_err(failed)?;
        let data: FontBytes = match map_font_file(&file) {
            Some(map) => Arc::new(map),
            None => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut file, &mut bytes).map_err(failed)?;
                Arc::new(bytes)
            }
        };
        Font::from_shared(data, index, path.to_path_buf())
    }

    /// A font from its bytes (`path` only names it in messages).
    pub fn from_bytes(data: Vec<u8>, index: u32, path: PathBuf) -> Result<Font, DocumentError> {
        Font::from_shared(Arc::new(data), index, path)
    }

    fn from_shared(data: FontBytes, index: u32, path: PathBuf) -> Result<Font, DocumentError> {
        let bad = || DocumentError(format!("font {}: face {index} unreadable", path.display()));
        FontRef::from_index((*data).as_ref(), index).map_err(|_| bad())?;
        let pdf = krilla::text::Font::new(Arc::clone(&data).into(), index).ok_or_else(bad)?;
        Ok(Font {
            data,
            index,
            pdf,
            path,
        })
    }

    /// The first of [`DEFAULT_FONT_PATHS`] that exists and reads.
    pub fn find_default() -> Option<Font> {
        first_default(Font::load)
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::from_index((*self.data).as_ref(), self.index) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let glyph = charmap.map(c).unwrap_or_default();
                metrics.advance_width(glyph).unwrap_or(size)
            })
            .sum()
    }
}

/// `file` mapped read-only into memory, or `None` where it cannot be (then it is read).
///
/// One of the workspace's two places of `unsafe` (the other is the SQLite deadline of
/// `gongkai_store::db`; README, "Unsafe code"): a mapping is only sound while nobody
/// truncates or rewrites the file in place. Font files are installed by the system's package
/// manager, which replaces a file by writing a new one and renaming it over the old (the
/// mapping keeps the old one), and `documents.cjk_font` must name such a file
/// (docs/operations.md).
#[allow(unsafe_code)]
fn map_font_file(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: see above; the mapping is read-only and lives as long as the `Font` holding it.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

/// One released item as the letter lists it.
#[derive(Debug, Clone, Default)]
pub struct LetterItem {
    pub title: String,
    /// 文号, if any.
    pub reference: Option<String>,
    pub pages: Option<u32>,
    /// The form provided, in Chinese (电子文档, 纸质, 现场查阅、复制) or where it is published.
    pub form: String,
}

/// The reply letter's content; every text already in Chinese as the applicant reads it.
#[derive(Debug, Clone, Default)]
pub struct Letter {
    /// The agency's name: the heading, and under the seal.
    pub agency: String,
    /// E.g. 政府信息公开申请答复书（予以公开）.
    pub title: String,
    /// The letter's 文号, if any.
    pub reference: Option<String>,
    /// The notice's text; each line a paragraph (empty lines are dropped).
    pub body: String,
    /// The released items (listed when there are any).
    pub items: Vec<LetterItem>,
    /// The date under the seal, e.g. 2026年12月6日.
    pub date: String,
    /// Whether the letter ends with the seal area, the agency and the date (a notice that
    /// leaves the agency); an internal notice has none.
    pub seal: bool,
}

/// One piece of text placed on a page: baseline at `y` from the top.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: String,
}

#[derive(Default)]
struct PageContent {
    texts: Vec<Placed>,
    boxes: Vec<Rect>,
}

/// Lays the letter out page by page, then writes them.
struct Layout<'a> {
    font: &'a Font,
    pages: Vec<PageContent>,
    y: f32,
}

impl Layout<'_> {
    fn page(&mut self) -> &mut PageContent {
        if self.pages.is_empty() {
            self.pages.push(PageContent::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Moves down by `leading`, starting a new page when the line would pass the bottom.
    fn advance(&mut self, leading: f32) {
        if self.pages.is_empty() || self.y + leading > BOTTOM {
            self.pages.push(PageContent::default());
            self.y = MARGIN_TOP;
        }
        self.y += leading;
    }

    fn line(&mut self, x: f32, size: f32, text: String) {
        let y = self.y;
        self.page().texts.push(Placed { x, y, size, text });
    }

    /// `text` centred, wrapped when wider than the page.
    fn centred(&mut self, text: &str, size: f32, leading: f32) {
        for l in wrap(self.font, text, size, PAGE_W - 2.0 * MARGIN_X, 0.0) {
            let x = (PAGE_W - self.font.width(&l, size)) / 2.0;
            self.advance(leading);
            self.line(x, size, l);
        }
    }

    /// A paragraph from `x`, its first line indented by `indent`, wrapped to the right margin.
    fn paragraph(&mut self, text: &str, x: f32, indent: f32) {
        let width = PAGE_W - MARGIN_X - x;
        for (i, l) in wrap(self.font, text, BODY_SIZE, width, indent)
            .into_iter()
            .enumerate()
        {
            self.advance(BODY_LEADING);
            let lx = if i == 0 { x + indent } else { x };
            self.line(lx, BODY_SIZE, l);
        }
    }
}

/// Closing punctuation that must not begin a line (it hangs past the margin instead).
fn closes(c: char) -> bool {
    "，。、；：？！）」』》〉】”’,.;:?!)]%".contains(c)
}

/// Opening punctuation that must not end a line.
fn opens(c: char) -> bool {
    "（「『《〈【“‘([".contains(c)
}

/// `text` cut into lines no wider than `width` (the first `indent` narrower): Chinese breaks
/// between any two characters, a run of ASCII letters and digits stays together unless it is
/// wider than a line, closing punctuation stays with what precedes it and opening punctuation
/// with what follows.
fn wrap(font: &Font, text: &str, size: f32, width: f32, indent: f32) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let word = c.is_ascii_alphanumeric() || "-_/.@".contains(c);
        match tokens.last_mut() {
            Some(t)
                if word
                    && t.chars()
                        .all(|p| p.is_ascii_alphanumeric() || "-_/.@".contains(p)) =>
            {
                t.push(c)
            }
            _ => tokens.push(c.to_string()),
        }
    }
    // Opening punctuation stays with what follows it.
    let mut merged: Vec<String> = Vec::with_capacity(tokens.len());
    for t in tokens {
        match merged.last_mut() {
            Some(prev) if prev.chars().all(opens) => prev.push_str(&t),
            _ => merged.push(t),
        }
    }
    let tokens = merged;
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    let mut room = width - indent;
    for t in tokens {
        let w = font.width(&t, size);
        let hangs = t.chars().all(closes);
        if used + w > room + FIT_SLACK && !line.is_empty() && !hangs {
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            used = 0.0;
            room = width;
            if t == " " {
                continue;
            }
        }
        if w > room + FIT_SLACK && line.is_empty() {
            // A word wider than a line: cut it where it overflows.
            for c in t.chars() {
                let cw = font.width(c.encode_utf8(&mut [0; 4]), size);
                if used + cw > room + FIT_SLACK && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                    room = width;
                }
                line.push(c);
                used += cw;
            }
            continue;
        }
        line.push_str(&t);
        used += w;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// The line listing one released item.
fn item_line(n: usize, item: &LetterItem) -> String {
    let mut parts = Vec::new();
    if let Some(r) = item.reference.as_deref().filter(|r| !r.trim().is_empty()) {
        parts.push(format!("文号：{r}"));
    }
    if let Some(p) = item.pages {
        parts.push(format!("{p} 页"));
    }
    if !item.form.trim().is_empty() {
        parts.push(format!("提供形式：{}", item.form.trim()));
    }
    if parts.is_empty() {
        format!("{n}. {}", item.title.trim())
    } else {
        format!("{n}. {}（{}）", item.title.trim(), parts.join("；"))
    }
}

/// The letter as an A4 PDF with `font` embedded (subset).
pub fn letter_pdf(letter: &Letter, font: &Font) -> Result<Vec<u8>, DocumentError> {
    let mut l = Layout {
        font,
        pages: Vec::new(),
        y: MARGIN_TOP,
    };
    l.centred(&letter.agency, 18.0, 26.0);
    l.centred(&letter.title, 16.0, 28.0);
    if let Some(r) = letter.reference.as_deref().filter(|r| !r.trim().is_empty()) {
        l.centred(r.trim(), BODY_SIZE, 22.0);
    }
    l.advance(10.0);
    let indent = 2.0 * BODY_SIZE;
    for p in letter.body.lines().map(str::trim).filter(|p| !p.is_empty()) {
        // A salutation (「某某：」) starts at the margin, the paragraphs are indented.
        let first = l.pages.len() == 1 && l.page().texts.len() <= 3;
        let ind = if first && p.ends_with('：') {
            0.0
        } else {
            indent
        };
        l.paragraph(p, MARGIN_X, ind);
    }
    if !letter.items.is_empty() {
        l.advance(6.0);
        l.paragraph("提供的政府信息：", MARGIN_X, indent);
        for (i, item) in letter.items.iter().enumerate() {
            l.paragraph(&item_line(i + 1, item), MARGIN_X + indent, 0.0);
        }
    }
    if letter.seal {
        seal(&mut l, letter);
    }
    write(l.pages, font)
}

/// The seal area, the agency and the date at the bottom right, kept together.
fn seal(l: &mut Layout<'_>, letter: &Letter) {
    let font = l.font;
    let block = 16.0 + SEAL_SIDE + 2.0 * BODY_LEADING;
    if l.y + block > BOTTOM {
        l.pages.push(PageContent::default());
        l.y = MARGIN_TOP;
    }
    let right = PAGE_W - MARGIN_X;
    let top = l.y + 16.0;
    let seal_x = right - SEAL_SIDE - 12.0;
    if let Some(r) = Rect::from_xywh(seal_x, top, SEAL_SIDE, SEAL_SIDE) {
        l.page().boxes.push(r);
    }
    let label = "（印章）";
    let lw = font.width(label, BODY_SIZE);
    let label_y = top + SEAL_SIDE / 2.0 + BODY_SIZE / 3.0;
    l.page().texts.push(Placed {
        x: seal_x + (SEAL_SIDE - lw) / 2.0,
        y: label_y,
        size: BODY_SIZE,
        text: label.to_owned(),
    });
    l.y = top + SEAL_SIDE;
    for t in [letter.agency.trim(), letter.date.trim()] {
        l.y += BODY_LEADING;
        let x = right - font.width(t, BODY_SIZE);
        l.line(x.max(MARGIN_X), BODY_SIZE, t.to_owned());
    }
}

/// The pages laid out, as PDF.
fn write(pages: Vec<PageContent>, font: &Font) -> Result<Vec<u8>, DocumentError> {
    let total = pages.len();
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| DocumentError("page size".to_owned()))?;
    for (n, content) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for t in &content.texts {
            surface.draw_text(
                Point::from_xy(t.x, t.y),
                font.pdf.clone(),
                t.size,
                &t.text,
                false,
                TextDirection::Auto,
            );
        }
        let footer = format!("第 {} 页 共 {total} 页", n + 1);
        let fx = (PAGE_W - font.width(&footer, 10.5)) / 2.0;
        surface.draw_text(
            Point::from_xy(fx, PAGE_H - 48.0),
            font.pdf.clone(),
            10.5,
            &footer,
            false,
            TextDirection::Auto,
        );
        if !content.boxes.is_empty() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width: 0.8,
                ..Stroke::default()
            }));
            let mut path = PathBuilder::new();
            for r in &content.boxes {
                path.push_rect(*r);
            }
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
            surface.set_stroke(None);
            surface.set_fill(Some(krilla::paint::Fill::default()));
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DocumentError(format!("PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system's CJK font; `None` (the test says why and passes) when there is none, unless
    /// GONGKAI_TEST_REQUIRE_BROWSER=1 (CI, which installs fonts-noto-cjk).
    fn font() -> Option<Font> {
        let found = Font::find_default();
        if found.is_none() {
            assert!(
                std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "no CJK font among {DEFAULT_FONT_PATHS:?}: install fonts-noto-cjk"
            );
            eprintln!("skipped: no CJK font (install fonts-noto-cjk)");
        }
        found
    }

    /// A font file is checked when named and read only when a document needs it; a file that
    /// is not a font is refused when named.
    #[test]
    fn a_font_file_is_read_on_first_use_only() {
        let Some(found) = font() else { return };
        let file = FontFile::check(&found.path, found.index).unwrap();
        assert!(
            file.loaded.get().is_none(),
            "the bytes were kept at the check"
        );
        let first = file.font().unwrap() as *const Font;
        assert!(file.loaded.get().is_some());
        assert_eq!(first, file.font().unwrap() as *const Font, "read twice");
        let not_a_font =
            std::env::temp_dir().join(format!("not-a-font-{}.ttc", std::process::id()));
        std::fs::write(&not_a_font, b"not a font").unwrap();
        assert!(FontFile::check(&not_a_font, 0).is_err());
        std::fs::remove_file(&not_a_font).unwrap();
    }

    fn letter(paragraphs: usize) -> Letter {
        let body = std::iter::once("张三：".to_owned())
            .chain((0..paragraphs).map(|i| {
                format!(
                    "第{}段：本机关于2026年11月2日收到您提出的政府信息公开申请（GK2026-0042），\
                     申请获取 2025 年度城区道路改造项目的招标文件及合同。经审查，根据《中华人民共和国\
                     政府信息公开条例》第三十六条第二项的规定，现将该信息提供给您。",
                    i + 1
                )
            }))
            .collect::<Vec<_>>()
            .join("\n");
        Letter {
            agency: "某市交通运输局".to_owned(),
            title: "政府信息公开申请答复书（予以公开）".to_owned(),
            reference: Some("某交信公开〔2026〕42号".to_owned()),
            body,
            items: vec![LetterItem {
                title: "城区道路改造项目招标文件".to_owned(),
                reference: Some("某交建〔2025〕7号".to_owned()),
                pages: Some(12),
                form: "电子文档".to_owned(),
            }],
            date: "2026年12月6日".to_owned(),
            seal: true,
        }
    }

    /// The page tree's /Count (the letter has no outline, the only other /Count).
    fn page_count(pdf: &[u8]) -> usize {
        let text = String::from_utf8_lossy(pdf);
        let at = text.find("/Count ").expect("a page tree") + "/Count ".len();
        let digits: String = text[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().expect("a page count")
    }

    /// The text of `pdf` by pdftotext, page by page; `None` when poppler-utils is missing
    /// (an error under GONGKAI_TEST_REQUIRE_BROWSER=1).
    fn extracted(pdf: &[u8]) -> Option<Vec<String>> {
        let dir = std::env::temp_dir().join(format!("gk-letter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let file = dir.join(format!("{}.pdf", pdf.len()));
        std::fs::write(&file, pdf).ok()?;
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&file)
            .arg("-")
            .output();
        let _ = std::fs::remove_file(&file);
        match out {
            Ok(o) if o.status.success() => Some(
                String::from_utf8_lossy(&o.stdout)
                    .split('\u{c}')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
                    .collect(),
            ),
            _ => {
                assert!(
                    std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
                    "pdftotext is missing: install poppler-utils"
                );
                eprintln!("text not checked: no pdftotext (install poppler-utils)");
                None
            }
        }
    }

    #[test]
    fn a_short_letter_is_one_page_with_its_text_and_the_font_embedded() {
        let Some(font) = font() else { return };
        let pdf = letter_pdf(&letter(2), &font).expect("pdf");
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(page_count(&pdf), 1);
        assert!(
            pdf.windows(9).any(|w| w == b"/FontFile"),
            "the font is embedded"
        );
        // Subset: far smaller than the ~20 MB collection.
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
        if let Some(pages) = extracted(&pdf) {
            assert_eq!(pages.len(), 1);
            let p = &pages[0];
            for expected in [
                "某市交通运输局",
                "政府信息公开申请答复书（予以公开）",
                "某交信公开〔2026〕42号",
                "第三十六条第二项",
                "城区道路改造项目招标文件",
                "某交建〔2025〕7号",
                "12页",
                "电子文档",
                "（印章）",
                "2026年12月6日",
                "第1页共1页",
            ] {
                assert!(p.contains(expected), "{expected} missing from {p}");
            }
        }
    }

    #[test]
    fn a_long_letter_runs_over_pages_numbered_n_of_m() {
        let Some(font) = font() else { return };
        let pdf = letter_pdf(&letter(40), &font).expect("pdf");
        let n = page_count(&pdf);
        assert!(n >= 3, "{n} pages");
        if let Some(pages) = extracted(&pdf) {
            assert_eq!(pages.len(), n);
            for (i, p) in pages.iter().enumerate() {
                assert!(
                    p.contains(&format!("第{}页共{n}页", i + 1)),
                    "page {i}: {p}"
                );
            }
            let all: String = pages.concat();
            // Every paragraph made it, in order, and the seal closes the last page.
            let mut at = 0;
            for i in 1..=40 {
                let found = all[at..].find(&format!("第{i}段")).expect("paragraph");
                at += found;
            }
            assert!(pages[n - 1].contains("（印章）"));
            assert!(pages[n - 1].contains("2026年12月6日"));
        }
    }

    #[test]
    fn lines_break_between_chinese_characters_and_keep_ascii_words() {
        let Some(font) = font() else { return };
        let text = "申请人于 2026 年提交（GK2026-0042）号申请，内容为道路改造 project documentation 的公开（《某某文件》）。";
        let width = 14.0 * BODY_SIZE;
        let lines = wrap(&font, text, BODY_SIZE, width, 0.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        for l in &lines {
            assert!(font.width(l, BODY_SIZE) <= width + BODY_SIZE, "{l}");
            assert!(!l.starts_with(closes), "{l}");
            assert!(!l.ends_with(opens), "{l}");
        }
        for word in ["GK2026-0042", "project", "documentation"] {
            assert!(
                lines.iter().any(|l| l.contains(word)),
                "{word} split: {lines:?}"
            );
        }
        // Ten full-width characters to a line: the tenth, an opening bracket, moves down.
        let lines = wrap(
            &font,
            "一二三四五六七八九（十）一二",
            BODY_SIZE,
            10.0 * BODY_SIZE,
            0.0,
        );
        assert_eq!(lines, ["一二三四五六七八九", "（十）一二"]);
        // …and a closing one that falls just past the margin hangs there.
        let lines = wrap(
            &font,
            "一二三四五六七八九十。一二",
            BODY_SIZE,
            10.0 * BODY_SIZE,
            0.0,
        );
        assert_eq!(lines, ["一二三四五六七八九十。", "一二"]);
    }
}
