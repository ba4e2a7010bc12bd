//! Tests of the burn-in: fixtures are made here (pdf-writer, image), written to a temporary
//! folder, and the output is checked with poppler's tools as well as our own reading.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use pdf_writer::{Content, Filter, Finish, Name, Rect, Ref, Str};

use super::*;

/// Placed in the text, the metadata, an annotation and an image's samples.
const MARKER: &str = "GKMARKQ7Z3X";
/// A4 in points.
const W: f32 = 595.0;
const H: f32 = 842.0;

/// A folder of its own under the system's temporary folder, removed when dropped.
fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("gongkai-redact-")
        .tempdir()
        .unwrap()
}

/// Runs a poppler tool; `None` (test passes, says why) when poppler-utils is missing, unless
/// GONGKAI_TEST_REQUIRE_BROWSER=1 (CI installs it).
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "{tool} missing: install poppler-utils"
            );
            eprintln!("skipped: {tool} missing (install poppler-utils)");
            None
        }
    }
}

/// Every stream of a PDF, inflated when it is deflated (a naive scan: enough for our output
/// and our fixtures).
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(s) = find(&pdf[at..], b"stream") {
        let start = at + s + b"stream".len();
        let start = if pdf[start..].starts_with(b"\r\n") {
            start + 2
        } else {
            start + 1
        };
        let Some(e) = find(&pdf[start..], b"endstream") else {
            break;
        };
        let raw = &pdf[start..start + e];
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            out.push(inflated);
        }
        out.push(raw.to_vec());
        at = start + e + b"endstream".len();
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    find(hay, needle.as_bytes()).is_some()
}

/// A one-page A4 PDF: the marker as text (Helvetica, not embedded: hayro draws it with its
/// own standard font), in the document information (title, author), in a text annotation
/// with an appearance, and as the raw samples of an uncompressed image; plus a text that no
/// box covers.
fn marked_pdf(pages: usize) -> Vec<u8> {
    let mut pdf = pdf_writer::Pdf::new();
    let (catalog, tree, font, image, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let page_ids: Vec<Ref> = (0..pages as i32).map(|i| Ref::new(10 + 4 * i)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    let samples: Vec<u8> = MARKER.bytes().cycle().take(66 * 20 * 3).collect();
    let mut x = pdf.image_xobject(image, &samples);
    x.width(66).height(20).bits_per_component(8);
    x.color_space().device_rgb();
    x.finish();
    let mut info_dict = pdf.document_info(info);
    info_dict.title(pdf_writer::TextStr(MARKER));
    info_dict.author(pdf_writer::TextStr(MARKER));
    info_dict.finish();
    for (i, &page_id) in page_ids.iter().enumerate() {
        let i = i as i32;
        let (content_id, annot_id, ap_id) = (
            Ref::new(11 + 4 * i),
            Ref::new(12 + 4 * i),
            Ref::new(13 + 4 * i),
        );
        let mut c = Content::new();
        c.begin_text();
        c.set_font(Name(b"F1"), 24.0);
        c.next_line(72.0, 700.0);
        c.show(Str(MARKER.as_bytes()));
        c.end_text();
        c.begin_text();
        c.set_font(Name(b"F1"), 24.0);
        c.next_line(72.0, 300.0);
        c.show(Str(b"Kept in view"));
        c.end_text();
        c.save_state();
        c.transform([198.0, 0.0, 0.0, 60.0, 300.0, 450.0]);
        c.x_object(Name(b"Im1"));
        c.restore_state();
        pdf.stream(content_id, &c.finish());

        // The annotation's appearance: a filled square at (400, 100)-(440, 140).
        let mut ap = Content::new();
        ap.set_fill_rgb(0.9, 0.1, 0.1);
        ap.rect(0.0, 0.0, 40.0, 40.0);
        ap.fill_nonzero();
        let ap_data = ap.finish();
        let mut form = pdf.form_xobject(ap_id, &ap_data);
        form.bbox(Rect::new(0.0, 0.0, 40.0, 40.0));
        form.finish();
        let mut annot = pdf.annotation(annot_id);
        annot.subtype(pdf_writer::types::AnnotationType::Square);
        annot.rect(Rect::new(400.0, 100.0, 440.0, 140.0));
        annot.contents(pdf_writer::TextStr(MARKER));
        annot.appearance().normal().stream(ap_id);
        annot.finish();

        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, W, H));
        page.parent(tree);
        page.contents(content_id);
        page.annotations([annot_id]);
        let mut res = page.resources();
        res.fonts().pair(Name(b"F1"), font);
        res.x_objects().pair(Name(b"Im1"), image);
        res.finish();
        page.finish();
    }
    let mut bytes = pdf.finish();
    // pdf-writer writes no /Info in the trailer: add it.
    let t = find(&bytes, b"trailer\n<<").unwrap() + b"trailer\n<<".len();
    bytes.splice(t..t, b"\n  /Info 5 0 R".iter().copied());
    bytes
}

/// The boxes (top-left origin, points) over the marker's text, image and annotation.
fn marker_boxes(page: u32) -> Vec<RedactBox> {
    vec![
        // Text: baseline 700 from the bottom → 142 from the top; 24 pt with descenders.
        RedactBox {
            page,
            x: 66.0,
            y: 115.0,
            w: 200.0,
            h: 35.0,
        },
        // Image: 300..498 × 450..510 from the bottom → y 332..392 from the top.
        RedactBox {
            page,
            x: 299.0,
            y: 331.0,
            w: 200.0,
            h: 62.0,
        },
        // Annotation: 400..440 × 100..140 from the bottom → y 702..742.
        RedactBox {
            page,
            x: 398.0,
            y: 700.0,
            w: 44.0,
            h: 44.0,
        },
    ]
}

/// Whether pixel (px, py) of an image of `size` pixels over a page of `pt` points lies in a
/// box, grown by `margin` pixels.
fn in_boxes(
    boxes: &[RedactBox],
    (px, py): (u32, u32),
    size: (u32, u32),
    pt: (f32, f32),
    margin: f32,
) -> bool {
    let (sx, sy) = (size.0 as f32 / pt.0, size.1 as f32 / pt.1);
    let (x, y) = (px as f32 + 0.5, py as f32 + 0.5);
    boxes.iter().any(|b| {
        x >= b.x * sx - margin
            && x <= (b.x + b.w) * sx + margin
            && y >= b.y * sy - margin
            && y <= (b.y + b.h) * sy + margin
    })
}

/// The images of a PDF as poppler decodes them (pdfimages), as RGB.
fn pdf_images(dir: &Path, pdf: &Path) -> Option<Vec<image::RgbImage>> {
    let prefix = dir.join("img");
    poppler(
        "pdfimages",
        &["-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    )?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("img"))
        .collect();
    files.sort();
    Some(
        files
            .iter()
            .map(|f| image::open(f).unwrap().into_rgb8())
            .collect(),
    )
}

/// Pixels under the boxes are black; pixels outside match `original` exactly (the output's
/// image is the lossless rendering); returns how many pixels were compared outside.
fn check_pixels(got: &image::RgbImage, original: &PageImage, boxes: &[RedactBox]) -> usize {
    assert_eq!(
        (got.width(), got.height()),
        (original.width, original.height)
    );
    let size = (original.width, original.height);
    let pt = (original.width_pt, original.height_pt);
    let mut outside = 0;
    for (x, y, p) in got.enumerate_pixels() {
        if in_boxes(boxes, (x, y), size, pt, -0.5) {
            assert_eq!(p.0, [0, 0, 0], "pixel ({x}, {y}) under a box is not black");
        } else if !in_boxes(boxes, (x, y), size, pt, 1.5) {
            let i = (y * original.width + x) as usize * 3;
            assert_eq!(
                p.0,
                [original.rgb[i], original.rgb[i + 1], original.rgb[i + 2]],
                "pixel ({x}, {y}) outside the boxes changed"
            );
            outside += 1;
        }
    }
    outside
}

/// The marker leaves no trace: not in the text poppler extracts, the metadata, the raw bytes,
/// any inflated stream, nor in the pixels under the boxes; the rest of the page is kept.
#[test]
fn a_marker_in_text_metadata_annotation_and_image_leaves_no_trace() {
    let dir = temp();
    let input = marked_pdf(1);
    let src = dir.path().join("in.pdf");
    std::fs::write(&src, &input).unwrap();
    // The fixture really carries the marker where we say.
    assert!(contains(&input, MARKER));
    if let Some(text) = poppler("pdftotext", &[src.to_str().unwrap(), "-"]) {
        assert!(text.contains(MARKER), "fixture text: {text}");
    }
    if let Some(info) = poppler("pdfinfo", &[src.to_str().unwrap()]) {
        assert!(info.contains(MARKER), "fixture info: {info}");
    }

    let limits = RedactLimits::default();
    let boxes = marker_boxes(1);
    let out = redact_pdf(&input, &boxes, &limits).unwrap();
    assert_eq!(out.pages, 1);
    assert_eq!(out.boxes_per_page, vec![3]);
    let dst = dir.path().join("out.pdf");
    std::fs::write(&dst, &out.pdf).unwrap();
    if let Ok(keep) = std::env::var("GONGKAI_REDACT_KEEP") {
        std::fs::write(Path::new(&keep).join("marked-in.pdf"), &input).unwrap();
        std::fs::write(Path::new(&keep).join("marked-out.pdf"), &out.pdf).unwrap();
    }

    assert!(!contains(&out.pdf, MARKER), "marker in the raw bytes");
    for s in streams(&out.pdf) {
        assert!(!contains(&s, MARKER), "marker in a stream");
    }
    for absent in [
        "/Font",
        "/Annots",
        "/Info",
        "/Metadata",
        "/Title",
        "/Author",
        "/EmbeddedFile",
        "/AcroForm",
    ] {
        assert!(!contains(&out.pdf, absent), "{absent} in the output");
    }
    if let Some(text) = poppler("pdftotext", &[dst.to_str().unwrap(), "-"]) {
        assert!(text.trim().is_empty(), "text layer left: {text:?}");
    }
    if let Some(info) = poppler("pdfinfo", &[dst.to_str().unwrap()]) {
        assert!(!info.contains(MARKER), "metadata left: {info}");
        assert!(info.contains("595 x 842 pts"), "page size changed: {info}");
    }

    let original = render_pdf_page(&input, 1, &limits).unwrap();
    // The marker was visible in the original where the boxes are (text, image, annotation).
    let dark_under_boxes = original
        .rgb
        .chunks_exact(3)
        .enumerate()
        .filter(|(i, p)| {
            let (x, y) = ((*i as u32) % original.width, (*i as u32) / original.width);
            p[0] < 200
                && in_boxes(
                    &boxes,
                    (x, y),
                    (original.width, original.height),
                    (original.width_pt, original.height_pt),
                    0.0,
                )
        })
        .count();
    assert!(
        dark_under_boxes > 1000,
        "the fixture drew nothing under the boxes"
    );
    let Some(images) = pdf_images(dir.path(), &dst) else {
        return;
    };
    assert_eq!(images.len(), 1);
    let compared = check_pixels(&images[0], &original, &boxes);
    assert!(compared > 1_000_000, "only {compared} pixels compared");
    // The text outside every box is still drawn.
    assert!(
        images[0].pixels().filter(|p| p.0[0] < 128).count() > dark_under_boxes / 100,
        "the page lost its content"
    );

    // Rendering the output again gives the page back within a tolerance: resampling the
    // page image onto the same grid moves a channel by at most 8 levels on 99.9% of the
    // pixels outside the boxes.
    let again = render_pdf_page(&out.pdf, 1, &limits).unwrap();
    assert_eq!(
        (again.width, again.height),
        (original.width, original.height)
    );
    let (mut compared, mut off) = (0u64, 0u64);
    for (i, (a, b)) in again
        .rgb
        .chunks_exact(3)
        .zip(original.rgb.chunks_exact(3))
        .enumerate()
    {
        let (x, y) = ((i as u32) % again.width, (i as u32) / again.width);
        let size = (again.width, again.height);
        let pt = (again.width_pt, again.height_pt);
        if in_boxes(&boxes, (x, y), size, pt, -1.5) {
            assert!(
                a.iter().all(|c| *c <= 8),
                "re-rendered ({x}, {y}) not black"
            );
        } else if !in_boxes(&boxes, (x, y), size, pt, 2.5) {
            compared += 1;
            if a.iter().zip(b).any(|(p, q)| p.abs_diff(*q) > 8) {
                off += 1;
            }
        }
    }
    assert!(
        off * 1000 <= compared,
        "{off} of {compared} pixels differ by more than 8"
    );
}

/// A scanned page (a PDF whose page is one image) is redacted the same way.
#[test]
fn a_scanned_page_is_redacted() {
    let (w, h) = (620u32, 877u32);
    let scan: Vec<u8> = (0..w * h)
        .map(|i| (((i % w) * 7 + (i / w) * 3) % 200 + 40) as u8)
        .collect();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut z, &scan).unwrap();
    let data = z.finish().unwrap();
    let mut pdf = pdf_writer::Pdf::new();
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2)).kids([Ref::new(3)]).count(1);
    let mut x = pdf.image_xobject(Ref::new(5), &data);
    x.filter(Filter::FlateDecode);
    x.width(w as i32).height(h as i32).bits_per_component(8);
    x.color_space().device_gray();
    x.finish();
    let mut c = Content::new();
    c.transform([W, 0.0, 0.0, H, 0.0, 0.0]);
    c.x_object(Name(b"S"));
    pdf.stream(Ref::new(4), &c.finish());
    let mut page = pdf.page(Ref::new(3));
    page.media_box(Rect::new(0.0, 0.0, W, H));
    page.parent(Ref::new(2));
    page.contents(Ref::new(4));
    page.resources().x_objects().pair(Name(b"S"), Ref::new(5));
    page.finish();
    let input = pdf.finish();

    let boxes = [RedactBox {
        page: 1,
        x: 100.0,
        y: 200.0,
        w: 250.0,
        h: 40.0,
    }];
    let limits = RedactLimits::default();
    let out = redact_pdf(&input, &boxes, &limits).unwrap();
    let original = render_pdf_page(&input, 1, &limits).unwrap();
    let dir = temp();
    let dst = dir.path().join("out.pdf");
    std::fs::write(&dst, &out.pdf).unwrap();
    if let Some(images) = pdf_images(dir.path(), &dst) {
        check_pixels(&images[0], &original, &boxes);
    }
}

/// A noisy scan (strokes on grey paper with sensor noise) is written as JPEG, where deflate
/// would be three times larger: under the box stays black (JPEG keeps a block of zeros at
/// zero), the rest matches within JPEG's error.
#[test]
fn a_noisy_scan_is_written_as_jpeg_with_the_box_still_black() {
    let (w, h) = (1240u32, 1754u32);
    let mut state = 7u32;
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 24) as u8;
        let stroke = (y % 44) < 22 && ((x / 3 + y / 5) % 7) < 3;
        image::Luma([if stroke { 30 + n } else { 226 + n }])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let boxes = [RedactBox {
        page: 1,
        x: 100.0,
        y: 100.0,
        w: 200.0,
        h: 30.0,
    }];
    let limits = RedactLimits::default();
    let out = redact_image(&png, &boxes, &limits).unwrap();
    assert!(contains(&out.pdf, "/DCTDecode"), "not written as JPEG");
    assert!(out.pdf.len() < 1_200_000, "{} bytes", out.pdf.len());
    let original = decode_scan(&png, &limits).unwrap();
    let dir = temp();
    let dst = dir.path().join("out.pdf");
    std::fs::write(&dst, &out.pdf).unwrap();
    let Some(images) = pdf_images(dir.path(), &dst) else {
        return;
    };
    check_pixels_lossy(&images[0], &original, &boxes);
}

/// For a page written as JPEG: under the boxes (8 pixels in from their edges, JPEG's block)
/// at most 4 of 255, outside them (8 pixels off) a mean error under 6 levels a channel.
fn check_pixels_lossy(got: &image::RgbImage, original: &PageImage, boxes: &[RedactBox]) {
    assert_eq!(
        (got.width(), got.height()),
        (original.width, original.height)
    );
    let size = (original.width, original.height);
    let pt = (original.width_pt, original.height_pt);
    let (mut sum, mut n) = (0u64, 0u64);
    for (x, y, p) in got.enumerate_pixels() {
        if in_boxes(boxes, (x, y), size, pt, -8.0) {
            assert!(
                p.0.iter().all(|c| *c <= 4),
                "pixel ({x}, {y}) under a box is {:?}",
                p.0
            );
        } else if !in_boxes(boxes, (x, y), size, pt, 8.0) {
            let i = (y * original.width + x) as usize * 3;
            for c in 0..3 {
                sum += u64::from(p.0[c].abs_diff(original.rgb[i + c]));
                n += 1;
            }
        }
    }
    let mean = sum as f64 / n as f64;
    assert!(mean < 6.0, "mean error {mean}");
}

/// A PNG whose top rows spell the marker in their samples, and a JPEG and a TIFF: each
/// becomes a one-page image PDF with the box burned in.
#[test]
fn scans_become_one_page_image_pdfs() {
    let (w, h) = (1000u32, 1414u32);
    let mut img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    for (i, b) in MARKER.bytes().cycle().take(w as usize * 3 * 20).enumerate() {
        let (x, y, c) = ((i / 3) as u32 % w, (i / 3) as u32 / w, i % 3);
        img.get_pixel_mut(x, y).0[c] = b;
    }
    let dir = temp();
    let limits = RedactLimits::default();
    // Page A4 wide: 1000 px over 595.28 pt; the box covers rows 0..20 and more.
    let boxes = [RedactBox {
        page: 1,
        x: 0.0,
        y: 0.0,
        w: A4_SHORT,
        h: 20.0,
    }];
    for (name, format) in [
        ("scan.png", image::ImageFormat::Png),
        ("scan.jpg", image::ImageFormat::Jpeg),
        ("scan.tif", image::ImageFormat::Tiff),
    ] {
        let path = dir.path().join(name);
        img.save_with_format(&path, format).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let out = redact_file(&bytes, &boxes, &limits).unwrap();
        assert_eq!(out.pages, 1);
        assert!(!contains(&out.pdf, MARKER));
        for s in streams(&out.pdf) {
            assert!(!contains(&s, MARKER), "{name}: marker in a stream");
        }
        let original = decode_scan(&bytes, &limits).unwrap();
        assert!((original.height_pt - A4_SHORT * 1.414).abs() < 0.1);
        let sub = dir.path().join(name.replace('.', "_"));
        std::fs::create_dir(&sub).unwrap();
        let dst = sub.join("out.pdf");
        std::fs::write(&dst, &out.pdf).unwrap();
        if let Some(images) = pdf_images(&sub, &dst) {
            if contains(&out.pdf, "/DCTDecode") {
                check_pixels_lossy(&images[0], &original, &boxes);
            } else {
                check_pixels(&images[0], &original, &boxes);
            }
        }
    }
}

/// Encrypted, corrupt, too long, too large, unknown files and boxes off the page are refused
/// with their code, before anything is written.
#[test]
fn bad_input_is_refused() {
    let limits = RedactLimits::default();
    let pdf = marked_pdf(2);
    let ok = marker_boxes(2);
    assert!(redact_pdf(&pdf, &ok, &limits).is_ok());

    let mut encrypted = pdf.clone();
    let t = find(&encrypted, b"trailer\n<<").unwrap() + b"trailer\n<<".len();
    encrypted.splice(
        t..t,
        b"\n  /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"
            .iter()
            .copied(),
    );
    let e = redact_pdf(&encrypted, &ok, &limits).unwrap_err();
    assert_eq!(e, RedactError::Encrypted);
    assert_eq!(e.message(), "该 PDF 已加密，请提供未加密的文件");
    assert_eq!(e.code(), "redact_encrypted");

    let e = redact_pdf(b"%PDF-1.7\nnot a pdf at all", &[], &limits).unwrap_err();
    assert_eq!(e.code(), "redact_corrupt");
    assert_eq!(
        redact_file(b"PK\x03\x04 a zip", &[], &limits)
            .unwrap_err()
            .code(),
        "redact_unsupported_format"
    );
    assert_eq!(
        redact_file(b"\x89PNG\r\n\x1a\n broken", &[], &limits)
            .unwrap_err()
            .code(),
        "redact_corrupt"
    );

    let few = RedactLimits {
        max_pages: 1,
        ..limits
    };
    let e = redact_pdf(&pdf, &ok, &few).unwrap_err();
    assert_eq!(e, RedactError::TooManyPages { pages: 2, max: 1 });
    assert!(e.message().contains("2 页"));

    let small = RedactLimits {
        max_image_pixels: 1_000_000,
        ..limits
    };
    assert_eq!(
        redact_pdf(&pdf, &ok, &small).unwrap_err().code(),
        "redact_image_too_large"
    );
    let tiny = RedactLimits {
        max_input_bytes: 100,
        ..limits
    };
    assert_eq!(
        redact_pdf(&pdf, &ok, &tiny).unwrap_err().code(),
        "redact_file_too_large"
    );

    let off_page = [
        RedactBox {
            page: 1,
            x: 500.0,
            y: 10.0,
            w: 100.0,
            h: 10.0,
        },
        RedactBox {
            page: 1,
            x: 10.0,
            y: -5.0,
            w: 10.0,
            h: 10.0,
        },
        RedactBox {
            page: 1,
            x: 10.0,
            y: 10.0,
            w: 0.0,
            h: 10.0,
        },
        RedactBox {
            page: 1,
            x: f32::NAN,
            y: 10.0,
            w: 1.0,
            h: 10.0,
        },
    ];
    for b in off_page {
        let mut boxes = ok.clone();
        boxes.push(b);
        let e = redact_pdf(&pdf, &boxes, &limits).unwrap_err();
        assert_eq!(e, RedactError::BoxOutsidePage { index: 3, page: 1 });
        assert!(e.message().starts_with("第 4 个遮盖框"), "{}", e.message());
    }
    for page in [0, 3] {
        let e = redact_pdf(
            &pdf,
            &[RedactBox {
                page,
                x: 1.0,
                y: 1.0,
                w: 1.0,
                h: 1.0,
            }],
            &limits,
        )
        .unwrap_err();
        assert_eq!(
            e,
            RedactError::NoSuchPage {
                index: 0,
                page,
                pages: 2
            }
        );
    }
}

/// The reply letter this crate writes embeds a CJK font subset: hayro draws its Chinese
/// glyphs (the heading's line is inked where the agency's name stands).
#[test]
fn the_letters_chinese_glyphs_are_rendered() {
    let Some(font) = crate::Font::find_default() else {
        assert!(
            std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "no CJK font: install fonts-noto-cjk"
        );
        return;
    };
    let letter = crate::Letter {
        agency: "某市交通运输局".to_owned(),
        title: "政府信息公开申请答复书".to_owned(),
        body: "张三：\n经审查，现将该信息提供给您。".to_owned(),
        date: "2026年12月6日".to_owned(),
        seal: true,
        ..Default::default()
    };
    let pdf = crate::letter_pdf(&letter, &font).unwrap();
    let limits = RedactLimits::default();
    let page = render_pdf_page(&pdf, 1, &limits).unwrap();
    if let Ok(dir) = std::env::var("GONGKAI_REDACT_KEEP") {
        image::save_buffer(
            Path::new(&dir).join("letter.png"),
            &page.rgb,
            page.width,
            page.height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    }
    // The heading (18 pt, baseline 98 pt from the top) is inked between 80 and 100 pt.
    let scale = page.height as f32 / page.height_pt;
    let (top, bottom) = ((80.0 * scale) as u32, (100.0 * scale) as u32);
    let inked = (top..bottom)
        .flat_map(|y| (0..page.width).map(move |x| (x, y)))
        .filter(|(x, y)| page.rgb[((y * page.width + x) * 3) as usize] < 128)
        .count();
    assert!(
        inked > 500,
        "the heading is not drawn ({inked} dark pixels)"
    );
    let out = redact_pdf(&pdf, &[], &limits).unwrap();
    assert!(!contains(&out.pdf, "/Font"));
}

/// A one-page A4 PDF with `text` at (72, 700) in `size` points, in 宋体 named but not embedded
/// (a Type0 font over Adobe-GB1 with the predefined UniGB-UCS2-H CMap and no ToUnicode map), as
/// older Word exports write Chinese.
pub(crate) fn simsun_pdf(text: &str, size: f32) -> Vec<u8> {
    let mut pdf = pdf_writer::Pdf::new();
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2)).kids([Ref::new(3)]).count(1);
    let mut font = pdf.type0_font(Ref::new(5));
    font.base_font(Name(b"SimSun"));
    font.encoding_predefined(Name(b"UniGB-UCS2-H"));
    font.descendant_font(Ref::new(6));
    font.finish();
    let mut cid = pdf.cid_font(Ref::new(6));
    cid.subtype(pdf_writer::types::CidFontType::Type0);
    cid.base_font(Name(b"SimSun"));
    cid.system_info(pdf_writer::types::SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"GB1"),
        supplement: 5,
    });
    cid.font_descriptor(Ref::new(7));
    cid.default_width(1000.0);
    cid.finish();
    let mut d = pdf.font_descriptor(Ref::new(7));
    d.name(Name(b"SimSun"));
    d.flags(pdf_writer::types::FontFlags::SYMBOLIC);
    d.bbox(Rect::new(0.0, -141.0, 1000.0, 859.0));
    d.italic_angle(0.0);
    d.ascent(859.0);
    d.descent(-141.0);
    d.cap_height(700.0);
    d.stem_v(80.0);
    d.finish();
    let text: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut c = Content::new();
    c.begin_text();
    c.set_font(Name(b"F1"), size);
    c.next_line(72.0, 700.0);
    c.show(Str(&text));
    c.end_text();
    pdf.stream(Ref::new(4), &c.finish());
    let mut page = pdf.page(Ref::new(3));
    page.media_box(Rect::new(0.0, 0.0, W, H));
    page.parent(Ref::new(2));
    page.contents(Ref::new(4));
    page.resources().fonts().pair(Name(b"F1"), Ref::new(5));
    page.finish();
    pdf.finish()
}

/// A Chinese office PDF that names 宋体 without embedding it (Adobe-GB1 with a predefined
/// CMap, as older Word exports do): the text is drawn with the system's CJK font.
#[test]
fn a_non_embedded_chinese_font_is_drawn_with_the_system_font() {
    if crate::Font::find_default().is_none() {
        assert!(
            std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "no CJK font: install fonts-noto-cjk"
        );
        return;
    }
    let input = simsun_pdf("政府信息公开申请答复书", 24.0);

    let limits = RedactLimits::default();
    let page = render_pdf_page(&input, 1, &limits).unwrap();
    if let Ok(dir) = std::env::var("GONGKAI_REDACT_KEEP") {
        image::save_buffer(
            Path::new(&dir).join("simsun.png"),
            &page.rgb,
            page.width,
            page.height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    }
    // The line (baseline 142 pt from the top, 24 pt) is inked.
    let scale = page.height as f32 / page.height_pt;
    let (top, bottom) = ((118.0 * scale) as u32, (148.0 * scale) as u32);
    let inked = (top..bottom)
        .flat_map(|y| (0..page.width).map(move |x| (x, y)))
        .filter(|(x, y)| page.rgb[((y * page.width + x) * 3) as usize] < 128)
        .count();
    assert!(
        inked > 1000,
        "the Chinese text is not drawn ({inked} dark pixels)"
    );
    let out = redact_pdf(&input, &[], &limits).unwrap();
    assert_eq!(out.pages_with_warnings, Vec::<u32>::new());
}

/// A page with /Rotate 90 is redacted as it is shown: landscape, the box's origin at the top
/// left of the turned page, and the output page is landscape without a rotation.
#[test]
fn a_rotated_page_is_redacted_as_shown() {
    let mut pdf = pdf_writer::Pdf::new();
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2)).kids([Ref::new(3)]).count(1);
    // A grey band along the page's left edge (unrotated): shown along the top.
    let mut c = Content::new();
    c.set_fill_gray(0.5);
    c.rect(0.0, 0.0, 100.0, H);
    c.fill_nonzero();
    pdf.stream(Ref::new(4), &c.finish());
    let mut page = pdf.page(Ref::new(3));
    page.media_box(Rect::new(0.0, 0.0, W, H));
    page.rotate(90);
    page.parent(Ref::new(2));
    page.contents(Ref::new(4));
    page.finish();
    let input = pdf.finish();
    let limits = RedactLimits::default();
    let shown = render_pdf_page(&input, 1, &limits).unwrap();
    assert_eq!((shown.width_pt, shown.height_pt), (H, W));
    // The band is shown along the top: 100 pt high.
    let px = |img: &PageImage, x: f32, y: f32| {
        let s = img.width as f32 / img.width_pt;
        let i = (((y * s) as u32) * img.width + (x * s) as u32) as usize * 3;
        img.rgb[i]
    };
    assert!(px(&shown, 400.0, 50.0) < 200 && px(&shown, 400.0, 300.0) > 250);
    // A box over the top-left corner of the page as shown.
    let boxes = [RedactBox {
        page: 1,
        x: 0.0,
        y: 0.0,
        w: 300.0,
        h: 60.0,
    }];
    // A box fitting the unrotated page but not the shown one is refused.
    let tall = RedactBox {
        page: 1,
        x: 0.0,
        y: 0.0,
        w: 10.0,
        h: 700.0,
    };
    assert_eq!(
        redact_pdf(&input, &[tall], &limits).unwrap_err().code(),
        "redact_box_outside_page"
    );
    let out = redact_pdf(&input, &boxes, &limits).unwrap();
    let again = render_pdf_page(&out.pdf, 1, &limits).unwrap();
    assert_eq!((again.width_pt, again.height_pt), (H, W));
    assert!(!contains(&out.pdf, "/Rotate"));
    assert_eq!(px(&again, 10.0, 10.0), 0);
    assert_eq!(px(&again, 290.0, 55.0), 0);
    assert!(px(&again, 400.0, 50.0) < 200 && px(&again, 400.0, 50.0) > 50);
    assert!(px(&again, 400.0, 300.0) > 250);
}
