//! Tests of the proposals: the matchers on plain text, and PDFs written here (krilla with the
//! system's CJK font, pdf-writer with Helvetica) whose identifiers stand where the test put
//! them.

use krilla::geom::Point as KPoint;
use krilla::page::PageSettings;
use krilla::text::TextDirection;
use pdf_writer::{Content, Finish, Name, Rect as PRect, Ref, Str};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::*;
use crate::redact::redact_pdf;
use crate::tables::TableLimits;

const W: f32 = 595.0;
const H: f32 = 842.0;

/// An ID number with its check character appended.
fn id(first17: &str) -> String {
    let c = id_check_char(first17.as_bytes()) as char;
    format!("{first17}{c}")
}

/// Digits with a Luhn check digit appended.
fn with_luhn(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|s| luhn(s.as_bytes()))
        .unwrap()
}

fn kinds(text: &str, names: &[&str]) -> Vec<(ProposalKind, String)> {
    let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    identifiers_in(text, &names)
}

#[test]
fn check_digits_and_luhn() {
    // The example of GB 11643-1999.
    assert_eq!(id_check_char(b"11010519491231002"), b'X');
    assert!(valid_id(b"11010519491231002X"));
    assert!(!valid_id(b"110105194912310021"));
    // A date that does not exist, with a correct check character.
    assert!(!valid_id(id("11010519490231002").as_bytes()));
    assert!(valid_id(id("11010520000229002").as_bytes()));
    assert!(!valid_id(id("11010519000229002").as_bytes()));
    assert!(luhn(b"4111111111111111"));
    assert!(!luhn(b"4111111111111112"));
    assert!(luhn(b"79927398713"));
}

#[test]
fn the_matchers_find_what_they_should_and_nothing_else() {
    let good_id = id("44030419851102361");
    let card = with_luhn("622202123456789012");
    let mut bad_card = card.clone();
    let last = bad_card.pop().unwrap();
    bad_card.push(if last == '9' {
        '0'
    } else {
        (last as u8 + 1) as char
    });
    let mut bad_card16 = with_luhn("623456789012345");
    let last = bad_card16.pop().unwrap();
    bad_card16.push(if last == '9' {
        '0'
    } else {
        (last as u8 + 1) as char
    });

    let text = format!(
        "申请人张三，身份证号{good_id}，手机13800138000，邮箱 zhang.san@example.com；\
         卡号{card}；错卡{bad_card16}。"
    );
    let found = kinds(&text, &["张三"]);
    assert_eq!(
        found,
        vec![
            (ProposalKind::Name, "张三".to_owned()),
            (ProposalKind::IdNumber, good_id.clone()),
            (ProposalKind::Mobile, "13800138000".to_owned()),
            (ProposalKind::Email, "zhang.san@example.com".to_owned()),
            (ProposalKind::BankCard, card.clone()),
        ]
    );

    // Separators, full-width digits, an X in lower case, a wrapped number.
    for mobile in [
        "138 0013 8000",
        "138-0013-8000",
        "１３８００１３８０００",
        "１３８－００１３－８０００",
        "+86 138 0013 8000",
    ] {
        let f = kinds(&format!("电话：{mobile}。"), &[]);
        assert_eq!(f.len(), 1, "{mobile}: {f:?}");
        assert_eq!(f[0].0, ProposalKind::Mobile, "{mobile}");
        assert!(
            f[0].1.ends_with("8000") || f[0].1.ends_with("８０００"),
            "{mobile}"
        );
    }
    let f = kinds("号码11010519491231002x。", &[]);
    assert_eq!(
        f,
        vec![(ProposalKind::IdNumber, "11010519491231002x".to_owned())]
    );
    let grouped = format!(
        "{} {} {} {} {}",
        &card[..4],
        &card[4..8],
        &card[8..12],
        &card[12..16],
        &card[16..]
    );
    assert_eq!(
        kinds(&grouped, &[]),
        vec![(ProposalKind::BankCard, grouped.clone())]
    );
    let wrapped = format!("身份证{}\n{}号", &good_id[..10], &good_id[10..]);
    assert_eq!(
        kinds(&wrapped, &[]),
        vec![(ProposalKind::IdNumber, good_id.clone())]
    );
    let fw = "ｌｉ．ｓｉ＠ｅｘａｍｐｌｅ．ｃｎ";
    assert_eq!(kinds(fw, &[]), vec![(ProposalKind::Email, fw.to_owned())]);

    // Not proposed: a wrong check digit, a bad date, a Luhn failure, a mobile inside a
    // longer run, a grouping no phone has, a 12-digit number, an address without a domain.
    let mut wrong = good_id.clone();
    wrong.pop();
    wrong.push(if good_id.ends_with('1') { '2' } else { '1' });
    if luhn(wrong.as_bytes()) {
        wrong.pop();
        wrong.push(if good_id.ends_with('3') { '4' } else { '3' });
    }
    for text in [
        wrong.as_str(),
        bad_card.as_str(),
        bad_card16.as_str(),
        "213800138000",
        "13800138000123",
        "12 3800 138000",
        "12800138000",
        "user@localhost",
        "@example.com",
        "合同编号 GK2026-0042",
    ] {
        assert_eq!(kinds(text, &[]), vec![], "{text}");
    }
    // Two numbers side by side stay two.
    assert_eq!(
        kinds("13800138000 13900139000", &[]).len(),
        2,
        "two mobiles"
    );
    // Names: white space in the text ignored, too short names ignored, no overlap.
    assert_eq!(
        kinds("联系人：张  三。张三。", &["张三", "张", " "]),
        vec![
            (ProposalKind::Name, "张  三".to_owned()),
            (ProposalKind::Name, "张三".to_owned())
        ]
    );
    assert_eq!(kinds("aaaa", &["aa"]).len(), 2);
}

/// Linear: a long text of digits and @s is scanned quickly.
#[test]
fn long_texts_cost_linear_time() {
    let text: String = "1 ".repeat(200_000) + &"a@".repeat(200_000) + &"1-".repeat(200_000);
    let start = std::time::Instant::now();
    assert_eq!(kinds(&text, &["aaaaaaaaab"]), vec![]);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

/// The system's CJK font file and face, or else (the test then writes its labels and the
/// name in Latin letters) DejaVu Sans; `None` (the test passes, says why) when there is
/// neither, and a failure without the CJK font when GONGKAI_TEST_REQUIRE_BROWSER=1.
fn test_font() -> Option<((Vec<u8>, u32), bool)> {
    let cjk = crate::DEFAULT_FONT_PATHS
        .iter()
        .find_map(|(p, i)| std::fs::read(p).ok().map(|d| (d, *i)));
    if let Some(font) = cjk {
        return Some((font, true));
    }
    assert!(
        std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "no CJK font: install fonts-noto-cjk"
    );
    eprintln!("no CJK font (install fonts-noto-cjk): Latin text with DejaVu Sans");
    let latin = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").ok();
    if latin.is_none() {
        eprintln!("skipped: no font");
    }
    latin.map(|d| ((d, 0), false))
}

/// Text placed on a page: left end of the baseline (top-left origin), size, text.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: String,
}

fn width(font: &(Vec<u8>, u32), text: &str, size: f32) -> f32 {
    let f = FontRef::from_index(&font.0, font.1).unwrap();
    let charmap = f.charmap();
    let metrics = f.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            metrics
                .advance_width(charmap.map(c).unwrap_or_default())
                .unwrap_or(0.0)
        })
        .sum()
}

fn krilla_pdf(font: &(Vec<u8>, u32), pages: &[Vec<Placed>]) -> Vec<u8> {
    let f = krilla::text::Font::new(font.0.clone().into(), font.1).unwrap();
    let mut document = krilla::Document::new();
    for placed in pages {
        let mut page = document.start_page_with(PageSettings::from_wh(W, H).unwrap());
        let mut surface = page.surface();
        for t in placed {
            surface.draw_text(
                KPoint::from_xy(t.x, t.y),
                f.clone(),
                t.size,
                &t.text,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
    }
    document.finish().unwrap()
}

/// Asserts that `p` covers the text drawn from `x0` to `x1` on the baseline `y` at `size`
/// (the em box, descent 0.2 and ascent 0.8, padded by a point), within 2 pt.
fn assert_covers(p: &Proposal, x0: f32, x1: f32, y: f32, size: f32) {
    let want = [
        x0 - 1.0,
        y - 0.8 * size - 1.0,
        x1 + 1.0,
        y + 0.2 * size + 1.0,
    ];
    let got = [p.x, p.y, p.x + p.w, p.y + p.h];
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 2.0,
            "{:?}: box {got:?}, text at {want:?}",
            p.kind
        );
    }
}

#[test]
fn identifiers_in_a_chinese_pdf_are_proposed_where_they_stand() {
    let Some((font, zh)) = test_font() else {
        return;
    };
    let t = |zh_text: &'static str, latin: &'static str| if zh { zh_text } else { latin };
    let size = 12.0;
    let good_id = id("11010519900307123");
    let mut wrong_id = id("11010519900307124");
    let c = wrong_id.pop().unwrap();
    wrong_id.push(if c == '1' { '2' } else { '1' });
    if luhn(wrong_id.as_bytes()) {
        wrong_id.pop();
        wrong_id.push(if c == '3' { '4' } else { '3' });
    }
    assert!(!valid_id(wrong_id.as_bytes()) && !luhn(wrong_id.as_bytes()));
    let card = with_luhn("622202123456789012");
    let grouped_card = format!(
        "{} {} {} {} {}",
        &card[..4],
        &card[4..8],
        &card[8..12],
        &card[12..16],
        &card[16..]
    );
    let mut bad_card = with_luhn("623456789012345");
    let c = bad_card.pop().unwrap();
    bad_card.push(if c == '9' { '0' } else { (c as u8 + 1) as char });
    let wrapped_id = id("44030419851102361");
    let name = t("张三丰", "Zhang Sanfeng");

    // Each line: a label, then the value drawn apart so that its place is known.
    let mut page1 = Vec::new();
    let mut page2 = Vec::new();
    let mut value_x = Vec::new();
    let line = |page: &mut Vec<Placed>, y: f32, label: &str, value: &str| -> f32 {
        let x = 72.0 + width(&font, label, size);
        page.push(Placed {
            x: 72.0,
            y,
            size,
            text: label.to_owned(),
        });
        page.push(Placed {
            x,
            y,
            size,
            text: value.to_owned(),
        });
        x
    };
    value_x.push(line(
        &mut page1,
        100.0,
        t("身份证号码：", "ID number: "),
        &good_id,
    ));
    value_x.push(line(
        &mut page1,
        160.0,
        t("错误号码：", "Wrong number: "),
        &wrong_id,
    ));
    // The mobile in three runs, spaced as words are (no space glyphs).
    let mx = 72.0 + width(&font, t("手机：", "Mobile: "), size);
    page1.push(Placed {
        x: 72.0,
        y: 130.0,
        size,
        text: t("手机：", "Mobile: ").to_owned(),
    });
    let gap = width(&font, " ", size);
    let mut x = mx;
    for part in ["138", "0013", "8000"] {
        page1.push(Placed {
            x,
            y: 130.0,
            size,
            text: part.to_owned(),
        });
        x += width(&font, part, size) + gap;
    }
    let mobile_end = x - gap;
    value_x.push(line(
        &mut page2,
        100.0,
        t("银行卡号：", "Card: "),
        &grouped_card,
    ));
    value_x.push(line(
        &mut page2,
        130.0,
        t("另一卡号：", "Other card: "),
        &bad_card,
    ));
    value_x.push(line(
        &mut page2,
        160.0,
        t("电子邮箱：", "E-mail: "),
        "zhang.san@example.com",
    ));
    value_x.push(line(
        &mut page2,
        190.0,
        t("第三方：", "Third party: "),
        name,
    ));
    value_x.push(line(
        &mut page2,
        220.0,
        t("其身份证号码为", "whose ID number is "),
        &wrapped_id[..12],
    ));
    page2.push(Placed {
        x: 72.0,
        y: 240.0,
        size,
        text: format!(
            "{}{}",
            &wrapped_id[12..],
            t("，特此说明。李四", ", as stated. Li Si")
        ),
    });
    let pdf = krilla_pdf(&font, &[page1, page2]);

    let limits = RedactLimits::default();
    let names = vec![name.to_owned(), t("王五", "Wang Wu").to_owned()];
    let got = propose_pdf(&pdf, &names, &limits).unwrap();
    assert_eq!(got.pages, 2);
    assert_eq!(got.pages_without_text, Vec::<u32>::new());
    let summary: Vec<(u32, ProposalKind, &str)> = got
        .items
        .iter()
        .map(|p| (p.page, p.kind, p.text.as_str()))
        .collect();
    let mobile_text = "138 0013 8000";
    assert_eq!(
        summary,
        vec![
            (1, ProposalKind::IdNumber, good_id.as_str()),
            (1, ProposalKind::Mobile, mobile_text),
            (2, ProposalKind::BankCard, grouped_card.as_str()),
            (2, ProposalKind::Email, "zhang.san@example.com"),
            (2, ProposalKind::Name, name),
            (2, ProposalKind::IdNumber, wrapped_id.as_str()),
            (2, ProposalKind::IdNumber, wrapped_id.as_str()),
        ]
    );
    let it = &got.items;
    assert_covers(
        &it[0],
        value_x[0],
        value_x[0] + width(&font, &good_id, size),
        100.0,
        size,
    );
    assert_covers(&it[1], mx, mobile_end, 130.0, size);
    assert_covers(
        &it[2],
        value_x[2],
        value_x[2] + width(&font, &grouped_card, size),
        100.0,
        size,
    );
    assert_covers(
        &it[3],
        value_x[4],
        value_x[4] + width(&font, "zhang.san@example.com", size),
        160.0,
        size,
    );
    assert_covers(
        &it[4],
        value_x[5],
        value_x[5] + width(&font, name, size),
        190.0,
        size,
    );
    // The wrapped number: a box on each line, one group.
    assert_covers(
        &it[5],
        value_x[6],
        value_x[6] + width(&font, &wrapped_id[..12], size),
        220.0,
        size,
    );
    assert_covers(
        &it[6],
        72.0,
        72.0 + width(&font, &wrapped_id[12..], size),
        240.0,
        size,
    );
    assert_eq!(it[5].group, it[6].group);
    let groups: HashSet<u32> = it.iter().map(|p| p.group).collect();
    assert_eq!(groups.len(), 6);

    // The boxes are accepted by the burn-in as they are.
    let boxes: Vec<RedactBox> = it.iter().map(Proposal::redact_box).collect();
    let out = redact_pdf(&pdf, &boxes, &limits).unwrap();
    assert_eq!(out.boxes_per_page, vec![2, 5]);
}

/// A PDF made with pdf-writer: Helvetica (not embedded) text on some pages, an image only
/// on others, and optionally a page rotation.
fn simple_pdf(pages: &[Option<&str>], rotate: Option<i32>) -> Vec<u8> {
    let mut pdf = pdf_writer::Pdf::new();
    let (catalog, tree, font, image) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let ids: Vec<Ref> = (0..pages.len() as i32)
        .map(|i| Ref::new(10 + 2 * i))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().copied())
        .count(pages.len() as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    let samples: Vec<u8> = (0..64 * 64).map(|i| (i % 251) as u8).collect();
    let mut x = pdf.image_xobject(image, &samples);
    x.width(64).height(64).bits_per_component(8);
    x.color_space().device_gray();
    x.finish();
    for (i, text) in pages.iter().enumerate() {
        let content_id = Ref::new(11 + 2 * i as i32);
        let mut c = Content::new();
        match text {
            Some(t) => {
                c.begin_text();
                c.set_font(Name(b"F1"), 20.0);
                c.next_line(72.0, 700.0);
                c.show(Str(t.as_bytes()));
                c.end_text();
            }
            None => {
                c.save_state();
                c.transform([400.0, 0.0, 0.0, 600.0, 100.0, 100.0]);
                c.x_object(Name(b"Im1"));
                c.restore_state();
            }
        }
        pdf.stream(content_id, &c.finish());
        let mut page = pdf.page(ids[i]);
        page.media_box(PRect::new(0.0, 0.0, W, H));
        if let Some(r) = rotate {
            page.rotate(r);
        }
        page.parent(tree);
        page.contents(content_id);
        let mut res = page.resources();
        res.fonts().pair(Name(b"F1"), font);
        res.x_objects().pair(Name(b"Im1"), image);
        res.finish();
        page.finish();
    }
    pdf.finish()
}

#[test]
fn scanned_pages_are_listed_as_without_text() {
    let pdf = simple_pdf(&[None, Some("Tel 13800138000"), None], None);
    let got = propose_pdf(&pdf, &[], &RedactLimits::default()).unwrap();
    assert_eq!(got.pages, 3);
    assert_eq!(got.pages_without_text, vec![1, 3]);
    assert_eq!(got.items.len(), 1);
    let p = &got.items[0];
    assert_eq!(
        (p.page, p.kind, p.text.as_str()),
        (2, ProposalKind::Mobile, "13800138000")
    );
    // Helvetica at 20 pt, baseline 142 pt from the top; the number after "Tel ".
    assert!((p.y + p.h - (142.0 + 4.0 + 1.0)).abs() <= 2.0, "{p:?}");
    assert!((p.y - (142.0 - 16.0 - 1.0)).abs() <= 2.5, "{p:?}");
    // "Tel " is 33.3 pt wide in Helvetica at 20 pt; eleven digits 122.3 pt.
    assert!((p.x - (72.0 + 33.3 - 1.0)).abs() <= 2.0, "{p:?}");
    assert!((p.w - (122.3 + 2.0)).abs() <= 3.0, "{p:?}");
}

/// On a page turned by /Rotate 90, the boxes are on the page as shown.
#[test]
fn a_rotated_page_gives_boxes_as_shown() {
    let pdf = simple_pdf(&[Some("Mail li.si@example.cn")], Some(90));
    let got = propose_pdf(&pdf, &[], &RedactLimits::default()).unwrap();
    assert_eq!(got.items.len(), 1, "{:?}", got.items);
    let p = &got.items[0];
    assert_eq!(p.kind, ProposalKind::Email);
    // Turned clockwise: user (x, y) is shown at (y, x); the text runs down the page.
    // Baseline at user y 700, so shown x from 700 - 4 to 700 + 16 (padded by 1).
    assert!(
        (p.x - 695.0).abs() <= 2.0 && (p.x + p.w - 717.0).abs() <= 2.0,
        "{p:?}"
    );
    // Down the page: after "Mail " (42.2 pt), the address 151.4 pt long.
    assert!((p.y - (72.0 + 42.2 - 1.0)).abs() <= 2.0, "{p:?}");
    assert!(
        (p.y + p.h - (72.0 + 42.2 + 151.4 + 1.0)).abs() <= 2.0,
        "{p:?}"
    );
    let boxes = [p.redact_box()];
    assert!(redact_pdf(&pdf, &boxes, &RedactLimits::default()).is_ok());
}

#[test]
fn bad_files_give_the_errors_of_the_burn_in() {
    let limits = RedactLimits::default();
    let pdf = simple_pdf(&[Some("x")], None);
    let mut encrypted = pdf.clone();
    let t = encrypted
        .windows(b"trailer\n<<".len())
        .position(|w| w == b"trailer\n<<")
        .unwrap()
        + b"trailer\n<<".len();
    encrypted.splice(
        t..t,
        b"\n  /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"
            .iter()
            .copied(),
    );
    let e = propose_pdf(&encrypted, &[], &limits).unwrap_err();
    assert_eq!(e, redact_pdf(&encrypted, &[], &limits).unwrap_err());
    assert_eq!(e.message(), "该 PDF 已加密，请提供未加密的文件");
    let corrupt = b"%PDF-1.7\nnot a pdf at all";
    let e = propose_pdf(corrupt, &[], &limits).unwrap_err();
    assert_eq!(e, redact_pdf(corrupt, &[], &limits).unwrap_err());
    assert_eq!(e.code(), "redact_corrupt");
    let few = RedactLimits {
        max_pages: 1,
        ..limits
    };
    let two = simple_pdf(&[Some("x"), Some("y")], None);
    assert_eq!(
        propose_pdf(&two, &[], &few).unwrap_err().code(),
        "redact_too_many_pages"
    );
}

#[test]
fn labels_and_codes() {
    let all = [
        ProposalKind::IdNumber,
        ProposalKind::Mobile,
        ProposalKind::BankCard,
        ProposalKind::Email,
        ProposalKind::Name,
    ];
    let labels: Vec<&str> = all.iter().map(|k| k.label_zh()).collect();
    assert_eq!(
        labels,
        ["身份证号码", "手机号码", "银行卡号", "电子邮箱", "姓名"]
    );
    let codes: HashSet<&str> = all.iter().map(|k| k.code()).collect();
    assert_eq!(codes.len(), all.len());
}

/// Tables: the cells of visible sheets and rows (numbers stored as numbers included), and
/// of CSV files in GB18030.
#[test]
fn identifiers_in_table_cells_are_proposed_by_cell() {
    use rust_xlsxwriter::Workbook;
    let good_id = id("11010519900307123");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("名单").unwrap();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "身份证号").unwrap();
    sheet.write_string(0, 2, "电话").unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_string(1, 1, &good_id).unwrap();
    sheet.write_number(1, 2, 13800138000.0).unwrap();
    sheet.write_string(2, 0, "李四").unwrap();
    sheet.write_string(2, 2, "13900139000").unwrap();
    sheet.set_row_hidden(2).unwrap();
    sheet
        .write_string(3, 3, "备注：邮箱 li.si@example.cn")
        .unwrap();
    let hidden = book.add_worksheet();
    hidden.set_name("底稿").unwrap();
    hidden.write_string(0, 0, "13700137000").unwrap();
    hidden.set_hidden(true);
    let xlsx = book.save_to_buffer().unwrap();
    let names = vec!["张三".to_owned(), "李四".to_owned()];
    let got = propose_table(&xlsx, TableKind::Xlsx, &names, &TableLimits::default()).unwrap();
    let summary: Vec<(&str, u32, u32, ProposalKind, &str)> = got
        .iter()
        .map(|p| (p.sheet.as_str(), p.row, p.column, p.kind, p.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("名单", 1, 0, ProposalKind::Name, "张三"),
            ("名单", 1, 1, ProposalKind::IdNumber, good_id.as_str()),
            ("名单", 1, 2, ProposalKind::Mobile, "13800138000"),
            ("名单", 3, 3, ProposalKind::Email, "li.si@example.cn"),
        ]
    );

    let (csv, _, _) = encoding_rs::GB18030.encode("姓名,电话\r\n王五,\"139 0013 9000\"\r\n");
    let got = propose_table(&csv, TableKind::Csv, &[], &TableLimits::default()).unwrap();
    assert_eq!(
        got,
        vec![CellProposal {
            sheet: String::new(),
            row: 1,
            column: 1,
            kind: ProposalKind::Mobile,
            text: "139 0013 9000".to_owned(),
        }]
    );
    assert_eq!(
        propose_table(
            b"PK\x03\x04 broken",
            TableKind::Xlsx,
            &[],
            &TableLimits::default()
        )
        .unwrap_err()
        .code(),
        "redact_corrupt"
    );
}

/// A Chinese office PDF that names 宋体 with a predefined Unicode CMap and no ToUnicode map:
/// the text is read from the character codes.
#[test]
fn a_non_embedded_font_with_a_unicode_cmap_is_read() {
    let input = crate::redact::tests::simsun_pdf("联系人张三，电话13800138000", 10.0);

    let got = propose_pdf(&input, &["张三".to_owned()], &RedactLimits::default()).unwrap();
    assert_eq!(got.pages_without_text, Vec::<u32>::new());
    let summary: Vec<(ProposalKind, &str)> = got
        .items
        .iter()
        .map(|p| (p.kind, p.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (ProposalKind::Name, "张三"),
            (ProposalKind::Mobile, "13800138000")
        ]
    );
    // Each character 1000/1000 em wide at 10 pt: the name from 72 + 30 to 72 + 50, the
    // number from 72 + 80 to 72 + 190.
    let (name, mobile) = (&got.items[0], &got.items[1]);
    assert!(
        (name.x - 101.0).abs() <= 2.0 && (name.x + name.w - 123.0).abs() <= 2.0,
        "{name:?}"
    );
    assert!(
        (mobile.x - 151.0).abs() <= 2.0 && (mobile.x + mobile.w - 263.0).abs() <= 2.0,
        "{mobile:?}"
    );
}
