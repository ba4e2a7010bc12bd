//! Redaction by burn-in of a scanned PDF (docs/PERFORMANCE.md, "Redaction (burn-in)").
//!
//! First one run over 200 pages (each an A4 greyscale scan at 150 dpi, JPEG), timed, with the
//! process's peak resident memory (VmHWM) printed after it; then criterion over 10 pages.
//! `cargo bench -p gongkai-documents --bench redact`.

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use gongkai_documents::{RedactBox, RedactLimits, redact_pdf, redact_pdf_into};
use pdf_writer::{Content, Filter, Finish, Name, Rect, Ref};

/// A4 at 150 dpi.
const PX_W: u32 = 1240;
const PX_H: u32 = 1754;

/// A page that looks like a scanned letter: lines of "text" (dark strokes) on a paper-grey
/// background with scanner noise, as a JPEG (quality 80).
fn scan_jpeg(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let img = image::GrayImage::from_fn(PX_W, PX_H, |x, y| {
        let n = (noise() % 24) as u8;
        let line = (y % 44) < 22 && (150..PX_H - 150).contains(&y);
        let margin = (150..PX_W - 150).contains(&x);
        let stroke = ((x / 3 + y / 5) % 7) < 3 && (x / 26) % 5 != 4;
        if line && margin && stroke {
            image::Luma([30 + n])
        } else {
            image::Luma([226 + n])
        }
    });
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    img.write_with_encoder(enc).unwrap_or_default();
    out
}

/// A PDF of `pages` A4 pages, each one scan (a few different scans, each its own object).
fn scanned_pdf(pages: usize) -> Vec<u8> {
    let scans: Vec<Vec<u8>> = (0..4).map(scan_jpeg).collect();
    let mut pdf = pdf_writer::Pdf::new();
    let n = pages as i32;
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2))
        .kids((0..n).map(|i| Ref::new(3 + 3 * i)))
        .count(n);
    let (w, h) = (595.28, 841.89);
    for i in 0..n {
        let (page_id, content_id, image_id) = (
            Ref::new(3 + 3 * i),
            Ref::new(4 + 3 * i),
            Ref::new(5 + 3 * i),
        );
        let mut x = pdf.image_xobject(image_id, &scans[i as usize % scans.len()]);
        x.filter(Filter::DctDecode);
        x.width(PX_W as i32)
            .height(PX_H as i32)
            .bits_per_component(8);
        x.color_space().device_gray();
        x.finish();
        let mut c = Content::new();
        c.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        c.x_object(Name(b"S"));
        pdf.stream(content_id, &c.finish());
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w, h));
        page.parent(Ref::new(2));
        page.contents(content_id);
        page.resources().x_objects().pair(Name(b"S"), image_id);
        page.finish();
    }
    pdf.finish()
}

/// Two boxes a page (a name and an ID number, say).
fn boxes(pages: u32) -> Vec<RedactBox> {
    (1..=pages)
        .flat_map(|page| {
            [
                RedactBox {
                    page,
                    x: 100.0,
                    y: 150.0,
                    w: 120.0,
                    h: 14.0,
                },
                RedactBox {
                    page,
                    x: 300.0,
                    y: 400.0,
                    w: 180.0,
                    h: 14.0,
                },
            ]
        })
        .collect()
}

/// The process's peak resident memory so far, from /proc/self/status (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Resets the peak resident memory to the current one (Linux ≥ 4.0), so that what making
/// the input cost is not counted.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn bench(c: &mut Criterion) {
    let limits = RedactLimits::default();
    let input = std::sync::Arc::new(scanned_pdf(200));
    let b = boxes(200);
    reset_peak_rss();
    eprintln!(
        "200-page scanned PDF: {:.1} MB; resident before redaction: {}",
        input.len() as f64 / 1e6,
        peak_rss()
    );
    // Streamed to a sink that only counts, as the server streams to a temporary file.
    let start = Instant::now();
    let mut pages_done = 0;
    match redact_pdf_into(input, &b, &limits, std::io::sink(), |done, _| {
        pages_done = done
    }) {
        Ok(out) => eprintln!(
            "redact_200_scanned_pages: {:.1} s, {} pages ({pages_done} reported), output {:.1} MB, peak RSS {}",
            start.elapsed().as_secs_f64(),
            out.pages,
            out.bytes as f64 / 1e6,
            peak_rss()
        ),
        Err(e) => eprintln!("redact_200_scanned_pages failed: {e}"),
    }

    let input = scanned_pdf(10);
    let b = boxes(10);
    let mut group = c.benchmark_group("redact");
    group.sample_size(10);
    group.bench_function("redact_10_scanned_pages", |bencher| {
        bencher.iter(|| {
            redact_pdf(&input, &b, &limits)
                .map(|o| o.pdf.len())
                .unwrap_or(0)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
