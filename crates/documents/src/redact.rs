//! Redaction by burn-in (区分处理, 条例 art. 37): every page of a PDF is rendered to pixels
//! (hayro), the boxes are painted solid black into the pixels, and a new PDF is written made
//! only of the page images (pdf-writer): same page sizes, no text layer, no fonts, no
//! annotations, no metadata, no embedded files, no earlier revisions. Scans (JPEG, PNG, TIFF)
//! become a one-page image PDF the same way. Pages are processed one at a time: at most one
//! rendered page is held in memory besides the output.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_interpret::InterpreterWarning;
use hayro::hayro_interpret::font::{FontData, FontQuery};
use hayro::hayro_interpret::hayro_cmap::CidFamily;
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use image::ImageDecoder;
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref};

use crate::letter::DEFAULT_FONT_PATHS;

/// A4 width in points: a scan is laid on a page this wide (its long side, when landscape).
const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;
/// How far (in points) a box may pass the page edge before it is refused: rounding in the
/// editor, not a box off the page.
const EDGE_SLACK: f32 = 0.5;

/// One box to black out: page numbered from 1, in PDF points (1/72 inch) with the origin at
/// the top left of the page as it is shown (after its rotation and crop box).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RedactBox {
    pub page: u32,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// What a redaction may cost; anything larger is refused before work starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RedactLimits {
    /// The most pages a PDF may have.
    pub max_pages: u32,
    /// The most bytes of the input file.
    pub max_input_bytes: usize,
    /// The most pixels of one rendered page or one scanned image.
    pub max_image_pixels: u64,
    /// The resolution pages are rendered at, in dots per inch.
    pub dpi: f32,
}

impl Default for RedactLimits {
    /// 150 dpi: the resolution of an ordinary office scan, legible for 5-point text and CJK
    /// strokes, and 2.2 megapixels for an A4 page (8.7 MB while rendered, about 0.3–1 MB once
    /// compressed). 36 megapixels is an A4 page at 600 dpi or an A0 poster at 150 dpi.
    fn default() -> Self {
        RedactLimits {
            max_pages: 1000,
            max_input_bytes: 200 * 1024 * 1024,
            max_image_pixels: 36_000_000,
            dpi: 150.0,
        }
    }
}

/// The redacted file: a PDF made only of page images.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub pdf: Vec<u8>,
    pub pages: u32,
    /// The number of boxes painted on each page (index 0 is page 1).
    pub boxes_per_page: Vec<u32>,
    /// Pages the rasterizer reported trouble on (a font it could not load, an image it could
    /// not decode): the clerk must look at them before release. Numbered from 1, no repeats.
    pub pages_with_warnings: Vec<u32>,
}

/// Why a file could not be redacted. Each has a stable [`code`](RedactError::code) and a
/// Chinese [`message`](RedactError::message) naming what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RedactError {
    #[error("the PDF is encrypted")]
    Encrypted,
    #[error("the file could not be read as {0}")]
    Corrupt(&'static str),
    #[error("the file is neither PDF, JPEG, PNG nor TIFF")]
    UnsupportedFormat,
    #[error("the file has {bytes} bytes, more than the limit of {max}")]
    FileTooLarge { bytes: usize, max: usize },
    #[error("the PDF has {pages} pages, more than the limit of {max}")]
    TooManyPages { pages: u32, max: u32 },
    #[error("page {page} is {width}x{height} pixels, more than the limit of {max} pixels")]
    ImageTooLarge {
        page: u32,
        width: u64,
        height: u64,
        max: u64,
    },
    #[error("box {index} is on page {page}, which the file does not have ({pages} pages)")]
    NoSuchPage { index: usize, page: u32, pages: u32 },
    #[error("box {index} on page {page} is empty or passes the edge of the page")]
    BoxOutsidePage { index: usize, page: u32 },
    #[error("a TIFF with {0} pages: only single-page TIFF files can be redacted")]
    MultiPageTiff(u32),
    #[error("the redacted PDF could not be written: {0}")]
    Write(String),
}

impl RedactError {
    /// The stable code for the API's problem+json.
    pub fn code(&self) -> &'static str {
        match self {
            RedactError::Encrypted => "redact_encrypted",
            RedactError::Corrupt(_) => "redact_corrupt",
            RedactError::UnsupportedFormat => "redact_unsupported_format",
            RedactError::FileTooLarge { .. } => "redact_file_too_large",
            RedactError::TooManyPages { .. } => "redact_too_many_pages",
            RedactError::ImageTooLarge { .. } => "redact_image_too_large",
            RedactError::NoSuchPage { .. } => "redact_no_such_page",
            RedactError::BoxOutsidePage { .. } => "redact_box_outside_page",
            RedactError::MultiPageTiff(_) => "redact_multi_page_tiff",
            RedactError::Write(_) => "redact_write_failed",
        }
    }

    /// The message for the clerk, in Chinese; boxes are numbered from 1 as the editor lists them.
    pub fn message(&self) -> String {
        match self {
            RedactError::Encrypted => "该 PDF 已加密，请提供未加密的文件".to_owned(),
            RedactError::Corrupt(what) => format!("文件已损坏，无法按 {what} 格式读取"),
            RedactError::UnsupportedFormat => {
                "文件格式不支持：请提供 PDF、JPEG、PNG 或 TIFF 文件（Word 文件请先转换为 PDF）"
                    .to_owned()
            }
            RedactError::FileTooLarge { bytes, max } => format!(
                "文件过大（{} MB），上限为 {} MB",
                bytes.div_ceil(1024 * 1024),
                max / (1024 * 1024)
            ),
            RedactError::TooManyPages { pages, max } => {
                format!("文件共 {pages} 页，超过上限 {max} 页，请拆分后再处理")
            }
            RedactError::ImageTooLarge {
                page,
                width,
                height,
                max,
            } => format!(
                "第 {page} 页图像过大（{width}×{height} 像素），上限为 {} 万像素",
                max / 10_000
            ),
            RedactError::NoSuchPage { index, page, pages } => {
                format!(
                    "第 {} 个遮盖框位于第 {page} 页，但文件只有 {pages} 页",
                    index + 1
                )
            }
            RedactError::BoxOutsidePage { index, page } => format!(
                "第 {} 个遮盖框（第 {page} 页）为空或超出页面范围",
                index + 1
            ),
            RedactError::MultiPageTiff(n) => {
                format!("该 TIFF 文件有 {n} 页，请先转换为 PDF 再处理")
            }
            RedactError::Write(_) => "生成遮盖后的文件失败".to_owned(),
        }
    }
}

/// The kind of file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Tiff,
}

/// The kind of `bytes` from its signature (a PDF's header may follow up to 1024 bytes of junk).
pub fn file_kind(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(FileKind::Tiff)
    } else if bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Redacts a PDF or a scan, by its signature.
pub fn redact_file(
    bytes: &[u8],
    boxes: &[RedactBox],
    limits: &RedactLimits,
) -> Result<Redacted, RedactError> {
    match file_kind(bytes) {
        Some(FileKind::Pdf) => redact_pdf(bytes, boxes, limits),
        Some(_) => redact_image(bytes, boxes, limits),
        None => Err(RedactError::UnsupportedFormat),
    }
}

/// Whether the PDF declares encryption: an `/Encrypt` key, which only a trailer or a
/// cross-reference stream's dictionary holds, and both are never compressed. The name
/// written elsewhere (in an uncompressed content stream) makes a false alarm, which refuses
/// the file: the safe side.
fn declares_encryption(bytes: &[u8]) -> bool {
    const KEY: &[u8] = b"/Encrypt";
    bytes.windows(KEY.len() + 1).any(|w| {
        w.starts_with(KEY) && {
            let next = w[KEY.len()];
            next.is_ascii_whitespace() || matches!(next, b'<' | b'/' | b'0'..=b'9')
        }
    })
}

/// Rejects files over the byte limit.
fn check_size(bytes: &[u8], limits: &RedactLimits) -> Result<(), RedactError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(RedactError::FileTooLarge {
            bytes: bytes.len(),
            max: limits.max_input_bytes,
        });
    }
    Ok(())
}

/// Opens a PDF for rendering, refusing encrypted and unreadable files and too many pages.
pub(crate) fn open_pdf(bytes: Arc<Vec<u8>>, limits: &RedactLimits) -> Result<Pdf, RedactError> {
    check_size(&bytes, limits)?;
    if declares_encryption(&bytes) {
        return Err(RedactError::Encrypted);
    }
    let pdf = Pdf::new(bytes).map_err(|e| match e {
        LoadPdfError::Decryption(_) => RedactError::Encrypted,
        LoadPdfError::Invalid => RedactError::Corrupt("PDF"),
    })?;
    let pages = u32::try_from(pdf.pages().len()).unwrap_or(u32::MAX);
    if pages == 0 {
        return Err(RedactError::Corrupt("PDF"));
    }
    if pages > limits.max_pages {
        return Err(RedactError::TooManyPages {
            pages,
            max: limits.max_pages,
        });
    }
    Ok(pdf)
}

/// Checks every box against the page sizes (in points, as shown); all or nothing.
pub(crate) fn check_boxes(
    boxes: &[RedactBox],
    sizes: &[(f32, f32)],
) -> Result<Vec<u32>, RedactError> {
    let pages = u32::try_from(sizes.len()).unwrap_or(u32::MAX);
    let mut per_page = vec![0u32; sizes.len()];
    for (index, b) in boxes.iter().enumerate() {
        let Some(&(pw, ph)) = (b.page as usize).checked_sub(1).and_then(|i| sizes.get(i)) else {
            return Err(RedactError::NoSuchPage {
                index,
                page: b.page,
                pages,
            });
        };
        let finite = [b.x, b.y, b.w, b.h].iter().all(|v| v.is_finite());
        if !finite
            || b.w <= 0.0
            || b.h <= 0.0
            || b.x < -EDGE_SLACK
            || b.y < -EDGE_SLACK
            || b.x + b.w > pw + EDGE_SLACK
            || b.y + b.h > ph + EDGE_SLACK
        {
            return Err(RedactError::BoxOutsidePage {
                index,
                page: b.page,
            });
        }
        per_page[b.page as usize - 1] += 1;
    }
    Ok(per_page)
}

/// The system's CJK font, read once, for text in fonts the PDF names but does not embed
/// (common in Chinese office PDFs: 宋体 referenced by name with an Adobe-GB1 CMap).
fn cjk_fallback() -> Option<(FontData, u32)> {
    static FONT: OnceLock<Option<(FontData, u32)>> = OnceLock::new();
    FONT.get_or_init(|| {
        DEFAULT_FONT_PATHS.iter().find_map(|(path, index)| {
            let data = std::fs::read(path).ok()?;
            Some((Arc::new(data) as FontData, *index))
        })
    })
    .clone()
}

/// The interpreter's settings: standard fonts from hayro's embedded set, non-embedded CJK
/// fonts from the system's CJK font, warnings counted into `warned`.
pub(crate) fn interpreter_settings(warned: Arc<Mutex<bool>>) -> InterpreterSettings {
    let defaults = InterpreterSettings::default();
    let standard = defaults.font_resolver.clone();
    InterpreterSettings {
        font_resolver: Arc::new(move |query| {
            if let FontQuery::Fallback(f) = query {
                let cjk = f.character_collection.as_ref().is_some_and(|c| {
                    matches!(
                        c.family,
                        CidFamily::AdobeGB1
                            | CidFamily::AdobeCNS1
                            | CidFamily::AdobeJapan1
                            | CidFamily::AdobeKorea1
                    )
                });
                if cjk && let Some(font) = cjk_fallback() {
                    return Some(font);
                }
            }
            standard(query)
        }),
        warning_sink: Arc::new(move |_: InterpreterWarning| {
            if let Ok(mut flag) = warned.lock() {
                *flag = true;
            }
        }),
        ..defaults
    }
}

/// One page as pixels: RGB, 3 bytes a pixel, rows top to bottom.
#[derive(Debug, Clone)]
pub struct PageImage {
    pub width: u32,
    pub height: u32,
    /// The page's size in points, as shown.
    pub width_pt: f32,
    pub height_pt: f32,
    pub rgb: Vec<u8>,
}

impl PageImage {
    /// Paints `b` (in points) solid black; the pixel rectangle covers every pixel the box
    /// touches (rounded outwards).
    fn paint(&mut self, b: &RedactBox) {
        let sx = self.width as f32 / self.width_pt;
        let sy = self.height as f32 / self.height_pt;
        let x0 = ((b.x * sx).floor().max(0.0) as u32).min(self.width);
        let x1 = (((b.x + b.w) * sx).ceil().max(0.0) as u32).min(self.width);
        let y0 = ((b.y * sy).floor().max(0.0) as u32).min(self.height);
        let y1 = (((b.y + b.h) * sy).ceil().max(0.0) as u32).min(self.height);
        let stride = self.width as usize * 3;
        for y in y0..y1 {
            let row = y as usize * stride;
            self.rgb[row + x0 as usize * 3..row + x1 as usize * 3].fill(0);
        }
    }

    /// Whether every pixel is grey (then written as one byte a pixel).
    fn is_grey(&self) -> bool {
        self.rgb
            .chunks_exact(3)
            .all(|p| p[0] == p[1] && p[1] == p[2])
    }
}

/// The pixel size of a page of `w`×`h` points at `dpi`, checked against the limits.
pub(crate) fn pixel_size(
    page: u32,
    w: f32,
    h: f32,
    limits: &RedactLimits,
) -> Result<(u32, u32), RedactError> {
    let scale = limits.dpi / 72.0;
    let pw = (w * scale).round().max(1.0) as u64;
    let ph = (h * scale).round().max(1.0) as u64;
    if pw > u64::from(u16::MAX) || ph > u64::from(u16::MAX) || pw * ph > limits.max_image_pixels {
        return Err(RedactError::ImageTooLarge {
            page,
            width: pw,
            height: ph,
            max: limits.max_image_pixels,
        });
    }
    Ok((pw as u32, ph as u32))
}

/// Renders pages of an opened PDF one by one, white background.
struct Renderer<'a> {
    pdf: &'a Pdf,
    cache: RenderCache<'a>,
    settings: InterpreterSettings,
    warned: Arc<Mutex<bool>>,
}

impl<'a> Renderer<'a> {
    fn new(pdf: &'a Pdf) -> Self {
        let warned = Arc::new(Mutex::new(false));
        Renderer {
            pdf,
            cache: RenderCache::new(),
            settings: interpreter_settings(warned.clone()),
            warned,
        }
    }

    /// Page `index` (from 0) as RGB pixels, and whether the rasterizer warned on it.
    fn render(&self, index: usize, size: (u32, u32)) -> (PageImage, bool) {
        if let Ok(mut w) = self.warned.lock() {
            *w = false;
        }
        let page = &self.pdf.pages()[index];
        let (w_pt, h_pt) = page.render_dimensions();
        // Scale so that the pixmap is exactly `size` (hayro truncates width × scale).
        let pixmap_settings = PixmapSettings {
            x_scale: (size.0 as f32 + 0.5) / w_pt,
            y_scale: (size.1 as f32 + 0.5) / h_pt,
            bg_color: WHITE,
        };
        let pixmap = hayro::render(
            page,
            &self.cache,
            &self.settings,
            &RenderSettings::default(),
            &pixmap_settings,
        );
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        let rgba = pixmap.data_as_u8_slice();
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for p in rgba.chunks_exact(4) {
            // Premultiplied over an opaque white background: alpha is 255, but composite
            // anyway so that a transparent pixel can never come out dark.
            let a = u16::from(p[3]);
            for c in &p[..3] {
                rgb.push((u16::from(*c) + (255 - a)).min(255) as u8);
            }
        }
        drop(pixmap);
        let warned = self.warned.lock().map(|w| *w).unwrap_or(false);
        (
            PageImage {
                width,
                height,
                width_pt: w_pt,
                height_pt: h_pt,
                rgb,
            },
            warned,
        )
    }
}

/// The page sizes (points, as shown) of an opened PDF.
pub(crate) fn page_sizes(pdf: &Pdf) -> Vec<(f32, f32)> {
    pdf.pages().iter().map(|p| p.render_dimensions()).collect()
}

/// Renders page `page` (from 1) of a PDF at `limits.dpi`, for the editor and for checks.
pub fn render_pdf_page(
    bytes: &[u8],
    page: u32,
    limits: &RedactLimits,
) -> Result<PageImage, RedactError> {
    let pdf = open_pdf(Arc::new(bytes.to_vec()), limits)?;
    let sizes = page_sizes(&pdf);
    let pages = sizes.len() as u32;
    let Some(&(w, h)) = (page as usize).checked_sub(1).and_then(|i| sizes.get(i)) else {
        return Err(RedactError::NoSuchPage {
            index: 0,
            page,
            pages,
        });
    };
    let size = pixel_size(page, w, h, limits)?;
    Ok(Renderer::new(&pdf).render(page as usize - 1, size).0)
}

/// What a redaction wrote, when the PDF went to a sink of the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactSummary {
    pub pages: u32,
    /// The number of boxes painted on each page (index 0 is page 1).
    pub boxes_per_page: Vec<u32>,
    /// See [`Redacted::pages_with_warnings`].
    pub pages_with_warnings: Vec<u32>,
    /// The bytes written to the sink.
    pub bytes: u64,
}

/// Burns `boxes` into the PDF `bytes`, the output in memory: see [`redact_pdf_into`].
pub fn redact_pdf(
    bytes: &[u8],
    boxes: &[RedactBox],
    limits: &RedactLimits,
) -> Result<Redacted, RedactError> {
    let mut pdf = Vec::new();
    let s = redact_pdf_into(Arc::new(bytes.to_vec()), boxes, limits, &mut pdf, |_, _| {})?;
    Ok(Redacted {
        pdf,
        pages: s.pages,
        boxes_per_page: s.boxes_per_page,
        pages_with_warnings: s.pages_with_warnings,
    })
}

/// Burns `boxes` into the PDF `bytes` and streams the image-only PDF to `out` page by page
/// (see the module's documentation), calling `progress(done, total)` after each page. Every
/// box and every page's size is checked before anything is written; an error later (a
/// failing sink) leaves `out` incomplete, so write to a temporary file and rename it only on
/// success. Memory: the input, one rendered page, and what `out` keeps.
pub fn redact_pdf_into<W: Write>(
    bytes: Arc<Vec<u8>>,
    boxes: &[RedactBox],
    limits: &RedactLimits,
    out: W,
    mut progress: impl FnMut(u32, u32),
) -> Result<RedactSummary, RedactError> {
    let pdf = open_pdf(bytes, limits)?;
    let sizes = page_sizes(&pdf);
    let boxes_per_page = check_boxes(boxes, &sizes)?;
    let pixel_sizes = sizes
        .iter()
        .enumerate()
        .map(|(i, (w, h))| pixel_size(i as u32 + 1, *w, *h, limits))
        .collect::<Result<Vec<_>, _>>()?;
    let total = sizes.len() as u32;
    let renderer = Renderer::new(&pdf);
    let mut out = ImagePdf::new(out, sizes.len())?;
    let mut pages_with_warnings = Vec::new();
    for (i, size) in pixel_sizes.into_iter().enumerate() {
        let (mut image, warned) = renderer.render(i, size);
        let page = i as u32 + 1;
        if warned {
            pages_with_warnings.push(page);
        }
        for b in boxes.iter().filter(|b| b.page == page) {
            image.paint(b);
        }
        out.page(&image)?;
        progress(page, total);
    }
    let bytes = out.out.written;
    out.finish()?;
    Ok(RedactSummary {
        pages: total,
        boxes_per_page,
        pages_with_warnings,
        bytes,
    })
}

/// Decodes a scan (JPEG, PNG or single-page TIFF) into RGB pixels, laid on an A4-wide page.
pub fn decode_scan(bytes: &[u8], limits: &RedactLimits) -> Result<PageImage, RedactError> {
    check_size(bytes, limits)?;
    let (format, what) = match file_kind(bytes) {
        Some(FileKind::Jpeg) => (image::ImageFormat::Jpeg, "JPEG"),
        Some(FileKind::Png) => (image::ImageFormat::Png, "PNG"),
        Some(FileKind::Tiff) => (image::ImageFormat::Tiff, "TIFF"),
        _ => return Err(RedactError::UnsupportedFormat),
    };
    if format == image::ImageFormat::Tiff {
        let frames = tiff_pages(bytes).ok_or(RedactError::Corrupt(what))?;
        if frames > 1 {
            return Err(RedactError::MultiPageTiff(frames));
        }
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| RedactError::Corrupt(what))?;
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(RedactError::ImageTooLarge {
            page: 1,
            width: u64::from(width),
            height: u64::from(height),
            max: limits.max_image_pixels,
        });
    }
    let mut l = image::Limits::default();
    // Room for the decoded image at 16 bits a channel with alpha, and the decoder's buffers.
    l.max_alloc = Some(
        limits
            .max_image_pixels
            .saturating_mul(8)
            .saturating_add(1 << 24),
    );
    reader.limits(l);
    let failed = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => RedactError::ImageTooLarge {
            page: 1,
            width: u64::from(width),
            height: u64::from(height),
            max: limits.max_image_pixels,
        },
        _ => RedactError::Corrupt(what),
    };
    // Turned as the camera or scanner says (EXIF orientation), as viewers show it: the boxes
    // are drawn on the image as shown.
    let mut decoder = reader.into_decoder().map_err(failed)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut decoded = image::DynamicImage::from_decoder(decoder).map_err(failed)?;
    decoded.apply_orientation(orientation);
    let (width, height) = (decoded.width(), decoded.height());
    let rgb = if decoded.color().has_alpha() {
        // Transparent pixels shown over white, as a viewer shows them.
        let rgba = decoded.into_rgba8();
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for p in rgba.pixels() {
            let a = u32::from(p[3]);
            for c in &p.0[..3] {
                rgb.push(((u32::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
        rgb
    } else {
        decoded.into_rgb8().into_raw()
    };
    let (width_pt, height_pt) = if width > height {
        (A4_LONG, A4_LONG * height as f32 / width as f32)
    } else {
        (A4_SHORT, A4_SHORT * height as f32 / width as f32)
    };
    Ok(PageImage {
        width,
        height,
        width_pt,
        height_pt,
        rgb,
    })
}

/// The number of pages (image file directories) of a TIFF, None if unreadable.
fn tiff_pages(bytes: &[u8]) -> Option<u32> {
    let mut d = tiff::decoder::Decoder::new(std::io::Cursor::new(bytes)).ok()?;
    let mut n = 1u32;
    while d.more_images() {
        d.next_image().ok()?;
        n += 1;
        if n > 10_000 {
            break;
        }
    }
    Some(n)
}

/// Burns `boxes` (all on page 1) into a scan and writes it as a one-page image PDF. The page
/// is A4 wide (A4's long side when the image is landscape), its height following the image.
pub fn redact_image(
    bytes: &[u8],
    boxes: &[RedactBox],
    limits: &RedactLimits,
) -> Result<Redacted, RedactError> {
    let mut image = decode_scan(bytes, limits)?;
    let boxes_per_page = check_boxes(boxes, &[(image.width_pt, image.height_pt)])?;
    for b in boxes {
        image.paint(b);
    }
    let mut out = ImagePdf::new(Vec::new(), 1)?;
    out.page(&image)?;
    Ok(Redacted {
        pdf: out.finish()?,
        pages: 1,
        boxes_per_page,
        pages_with_warnings: Vec::new(),
    })
}

/// Counts what passes through to the sink.
struct Counting<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Counting<W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), RedactError> {
        self.inner
            .write_all(bytes)
            .map_err(|e| RedactError::Write(e.to_string()))?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// Above this many compressed bytes a pixel (2 bits), a page is a scan or a photograph, and
/// is also tried as JPEG (quality 85), kept when smaller: text pages stay lossless and sharp,
/// scans stay the size of scans. Either way the pixels under the boxes were zero before
/// encoding, so the encoding changes fidelity, never what is hidden.
const LOSSLESS_BYTES_PER_PIXEL: f64 = 0.25;
const JPEG_QUALITY: u8 = 85;

/// A PDF of page images streamed to a sink page by page: catalog 1, page tree 2, then for
/// page i the page, its content stream and its image, each written as soon as it is made.
/// Nothing else: no document information, no XMP, no file identifier.
struct ImagePdf<W: Write> {
    out: Counting<W>,
    /// Byte offset of each object, by number (0 unused).
    offsets: Vec<u64>,
    written: i32,
}

impl<W: Write> ImagePdf<W> {
    fn new(out: W, pages: usize) -> Result<Self, RedactError> {
        let mut pdf = ImagePdf {
            out: Counting {
                inner: out,
                written: 0,
            },
            offsets: vec![0; 3 + 3 * pages],
            written: 0,
        };
        pdf.out.put(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        let count = i32::try_from(pages).unwrap_or(i32::MAX);
        let mut c = Chunk::new();
        c.pages(Ref::new(2))
            .kids((0..count).map(|i| Ref::new(3 + 3 * i)))
            .count(count);
        pdf.object(2, &c)?;
        let mut c = Chunk::new();
        c.indirect(Ref::new(1))
            .dict()
            .pair(Name(b"Type"), Name(b"Catalog"))
            .pair(Name(b"Pages"), Ref::new(2));
        pdf.object(1, &c)?;
        Ok(pdf)
    }

    fn object(&mut self, id: i32, chunk: &Chunk) -> Result<(), RedactError> {
        if let Some(o) = self.offsets.get_mut(id as usize) {
            *o = self.out.written;
        }
        self.out.put(chunk.as_bytes())
    }

    fn page(&mut self, image: &PageImage) -> Result<(), RedactError> {
        let i = self.written;
        let (page_id, content_id, image_id) = (3 + 3 * i, 4 + 3 * i, 5 + 3 * i);
        let grey = image.is_grey();
        let samples: std::borrow::Cow<'_, [u8]> = if grey {
            image
                .rgb
                .chunks_exact(3)
                .map(|p| p[0])
                .collect::<Vec<u8>>()
                .into()
        } else {
            image.rgb.as_slice().into()
        };
        let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
        let mut data = z
            .write_all(&samples)
            .and_then(|()| z.finish())
            .map_err(|e| RedactError::Write(e.to_string()))?;
        let mut filter = Filter::FlateDecode;
        let pixels = f64::from(image.width) * f64::from(image.height);
        if data.len() as f64 > pixels * LOSSLESS_BYTES_PER_PIXEL {
            let mut jpeg = Vec::new();
            let color = if grey {
                image::ExtendedColorType::L8
            } else {
                image::ExtendedColorType::Rgb8
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
                .encode(&samples, image.width, image.height, color)
                .map_err(|e| RedactError::Write(e.to_string()))?;
            if jpeg.len() < data.len() {
                data = jpeg;
                filter = Filter::DctDecode;
            }
        }
        drop(samples);

        let mut c = Chunk::new();
        let mut xobject = c.image_xobject(Ref::new(image_id), &data);
        xobject.filter(filter);
        xobject.width(image.width as i32);
        xobject.height(image.height as i32);
        if grey {
            xobject.color_space().device_gray();
        } else {
            xobject.color_space().device_rgb();
        }
        xobject.bits_per_component(8);
        xobject.finish();
        drop(data);
        self.object(image_id, &c)?;

        let (w, h) = (image.width_pt, image.height_pt);
        let mut content = Content::new();
        content.save_state();
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        content.x_object(Name(b"P"));
        content.restore_state();
        let mut c = Chunk::new();
        c.stream(Ref::new(content_id), &content.finish());
        self.object(content_id, &c)?;

        let mut c = Chunk::new();
        let mut page = c.page(Ref::new(page_id));
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(Ref::new(2));
        page.contents(Ref::new(content_id));
        page.resources()
            .x_objects()
            .pair(Name(b"P"), Ref::new(image_id));
        page.finish();
        self.object(page_id, &c)?;
        self.written += 1;
        Ok(())
    }

    /// The cross-reference table and the trailer; the sink back.
    fn finish(mut self) -> Result<W, RedactError> {
        let start = self.out.written;
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len());
        for o in &self.offsets[1..] {
            xref.push_str(&format!("{o:010} 00000 n\r\n"));
        }
        xref.push_str(&format!(
            "trailer\n<<\n  /Size {}\n  /Root 1 0 R\n>>\nstartxref\n{start}\n%%EOF",
            self.offsets.len()
        ));
        self.out.put(xref.as_bytes())?;
        self.out
            .inner
            .flush()
            .map_err(|e| RedactError::Write(e.to_string()))?;
        Ok(self.out.inner)
    }
}

#[cfg(test)]
#[path = "redact_tests.rs"]
pub(crate) mod tests;
