//! What the redaction editor needs of a file before any redaction: its pages and their sizes
//! (checked against the limits, so that a file that cannot be redacted is refused when it is
//! opened, not after a long wait), the boxes checked against them, and each page as a PNG
//! image to draw on.

use std::sync::Arc;

use crate::redact::{
    FileKind, RedactBox, RedactError, RedactLimits, check_boxes, decode_scan, file_kind, open_pdf,
    page_sizes, pixel_size, render_pdf_page,
};

/// A PDF's or a scan's pages, in points as shown (a scan is one page, A4 wide).
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub kind: FileKind,
    /// (width, height) of each page in points; index 0 is page 1.
    pub pages: Vec<(f32, f32)>,
}

impl Layout {
    /// Checks every box against the pages: all or nothing, with the error naming the first
    /// box (from 1) that does not fit.
    pub fn check(&self, boxes: &[RedactBox]) -> Result<(), RedactError> {
        check_boxes(boxes, &self.pages).map(|_| ())
    }
}

/// The layout of a PDF or a scan, refusing what the redaction would refuse (encrypted,
/// corrupt, too large, too many pages, a page too large at `limits.dpi`).
pub fn layout(bytes: &[u8], limits: &RedactLimits) -> Result<Layout, RedactError> {
    match file_kind(bytes) {
        Some(FileKind::Pdf) => {
            let pdf = open_pdf(Arc::new(bytes.to_vec()), limits)?;
            let pages = page_sizes(&pdf);
            for (i, (w, h)) in pages.iter().enumerate() {
                pixel_size(i as u32 + 1, *w, *h, limits)?;
            }
            Ok(Layout {
                kind: FileKind::Pdf,
                pages,
            })
        }
        Some(kind) => {
            let image = decode_scan(bytes, limits)?;
            Ok(Layout {
                kind,
                pages: vec![(image.width_pt, image.height_pt)],
            })
        }
        None => Err(RedactError::UnsupportedFormat),
    }
}

/// Page `page` (from 1) of a PDF or scan as a PNG at `dpi` (the editor's resolution, lower
/// than the redaction's), within `limits`.
pub fn page_png(
    bytes: &[u8],
    page: u32,
    dpi: f32,
    limits: &RedactLimits,
) -> Result<Vec<u8>, RedactError> {
    let at = RedactLimits { dpi, ..*limits };
    let image = match file_kind(bytes) {
        Some(FileKind::Pdf) => render_pdf_page(bytes, page, &at)?,
        Some(_) => {
            if page != 1 {
                return Err(RedactError::NoSuchPage {
                    index: 0,
                    page,
                    pages: 1,
                });
            }
            let scan = decode_scan(bytes, limits)?;
            let width = ((scan.width_pt * dpi / 72.0).round().max(1.0) as u32).min(scan.width);
            let height = ((scan.height_pt * dpi / 72.0).round().max(1.0) as u32).min(scan.height);
            let full = image::RgbImage::from_raw(scan.width, scan.height, scan.rgb)
                .ok_or(RedactError::Corrupt("image"))?;
            let small = image::imageops::resize(
                &full,
                width,
                height,
                image::imageops::FilterType::Triangle,
            );
            return encode_png(small.width(), small.height(), small.as_raw());
        }
        None => return Err(RedactError::UnsupportedFormat),
    };
    encode_png(image.width, image.height, &image.rgb)
}

fn encode_png(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, RedactError> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        rgb,
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| RedactError::Write(e.to_string()))?;
    Ok(out)
}
