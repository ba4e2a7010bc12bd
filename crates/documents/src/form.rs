//! The paper application form (政府信息公开申请表) as a Word file, for applicants who file by
//! post or at the counter (art. 29 of the Regulations: a request is made in writing; the form
//! asks for what art. 29 ¶2 lists). A .docx opens in Word, WPS and on phones, prints on A4,
//! and can be filled in on a computer before printing.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading, Table,
    TableCell, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use crate::DocumentError;

/// What the form offers, in the words of the office's system (labels come from the workflow's
/// vocabularies, so the paper and the online form ask the same).
#[derive(Debug, Clone, Default)]
pub struct ApplicationForm {
    /// The agency that receives the form (empty: left blank to be written in).
    pub agency: String,
    /// 申请人类型: natural person, legal person, other organisation.
    pub applicant_types: Vec<String>,
    /// 证件类型 a natural person may show.
    pub id_documents: Vec<String>,
    /// 载体形式 (paper, electronic, …).
    pub carriers: Vec<String>,
    /// 获取方式 (post, e-mail, …).
    pub deliveries: Vec<String>,
    /// Lines under the table: how to submit, what the date of receipt is.
    pub notes: Vec<String>,
}

// A4 in twentieths of a point, with 2.5 cm margins (1418) left and right, 2.0 cm top and
// bottom: the text block is 11906 - 2 × 1418 = 9070 wide.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN: i32 = 1418;
const TEXT_WIDTH: usize = 9070;
// The three columns: group (申请人信息 …), label, the space to write in.
const GROUP: usize = 1100;
const LABEL: usize = 2500;
const VALUE: usize = TEXT_WIDTH - GROUP - LABEL;

/// Font sizes in half points: 小二 title (18 pt), 五号 table (10.5 pt), 小五 notes (9 pt), so
/// that the form fits one A4 page.
const TITLE_SIZE: usize = 36;
const BODY_SIZE: usize = 21;
const NOTE_SIZE: usize = 18;
/// Row heights in twentieths of a point: one line, and the taller spaces to write in.
const LINE: u32 = 360;

/// The form as the bytes of a .docx file.
pub fn application_form(form: &ApplicationForm) -> Result<Vec<u8>, DocumentError> {
    let boxes = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("□ {i}"))
            .collect::<Vec<_>>()
            .join("　")
    };
    let person = [
        ("姓名", String::new()),
        ("证件名称", boxes(&form.id_documents)),
        ("证件号码", String::new()),
        ("联系电话", String::new()),
        ("电子邮箱", String::new()),
        ("通信地址", String::new()),
        ("邮政编码", String::new()),
    ];
    let organisation = [
        ("名称", String::new()),
        ("统一社会信用代码", String::new()),
        ("法定代表人或者负责人", String::new()),
        ("联系人姓名", String::new()),
        ("联系电话", String::new()),
        ("电子邮箱", String::new()),
        ("通信地址及邮政编码", String::new()),
    ];
    let wanted = [
        ("所需信息的名称", String::new(), 600),
        ("文号（如知道）", String::new(), 0),
        (
            "所需信息的特征性描述（内容、时间、制作或者保存机关等）",
            String::new(),
            1000,
        ),
        ("提供信息的载体形式", boxes(&form.carriers), 0),
        ("获取信息的方式", boxes(&form.deliveries), 0),
    ];

    let mut rows = vec![
        full_row("受理机关", &form.agency, LINE),
        full_row("申请人类型", &boxes(&form.applicant_types), LINE),
    ];
    rows.extend(group("公民（自然人）", &person.map(|(l, v)| (l, v, 0))));
    rows.extend(group(
        "法人或者其他组织",
        &organisation.map(|(l, v)| (l, v, 0)),
    ));
    rows.extend(group("所需信息情况", &wanted));
    rows.push(full_row("申请人签名（盖章）", "", 600));
    rows.push(full_row("申请日期", "　　　　年　　月　　日", LINE));

    let table = Table::new(rows)
        .set_grid(vec![GROUP, LABEL, VALUE])
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed);

    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(
            RunFonts::new()
                .east_asia("宋体")
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman"),
        )
        .default_size(BODY_SIZE)
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(200))
                .add_run(
                    Run::new()
                        .add_text("政府信息公开申请表")
                        .size(TITLE_SIZE)
                        .bold()
                        .fonts(RunFonts::new().east_asia("黑体")),
                ),
        )
        .add_table(table);
    for note in &form.notes {
        doc = doc.add_paragraph(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(40).after(0))
                .add_run(Run::new().add_text(note.as_str()).size(NOTE_SIZE)),
        );
    }

    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .map_err(|e| DocumentError(e.to_string()))?;
    Ok(bytes.into_inner())
}

fn text(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn cell(width: usize, content: &str) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(text(content))
}

/// A row whose label spans the group and label columns.
fn full_row(label: &str, value: &str, height: u32) -> TableRow {
    TableRow::new(vec![
        cell(GROUP + LABEL, label)
            .grid_span(2)
            .shading(Shading::new().fill("F2F2F2")),
        cell(VALUE, value),
    ])
    .row_height(height as f32)
}

/// Rows under one group heading that runs down the first column; a `height` of 0 is one line.
fn group(heading: &str, rows: &[(&str, String, u32)]) -> Vec<TableRow> {
    rows.iter()
        .enumerate()
        .map(|(i, (label, value, height))| {
            let first = if i == 0 {
                cell(GROUP, heading).vertical_merge(VMergeType::Restart)
            } else {
                TableCell::new()
                    .width(GROUP, WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new())
            };
            let height = if *height == 0 { LINE } else { *height };
            TableRow::new(vec![
                first.shading(Shading::new().fill("F2F2F2")),
                cell(LABEL, label),
                cell(VALUE, value),
            ])
            .row_height(height as f32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> ApplicationForm {
        ApplicationForm {
            agency: "某市人民政府办公室".to_owned(),
            applicant_types: vec!["公民".to_owned(), "法人".to_owned(), "其他组织".to_owned()],
            id_documents: vec!["居民身份证".to_owned(), "护照".to_owned()],
            carriers: vec!["纸质".to_owned(), "电子文档".to_owned()],
            deliveries: vec!["邮寄".to_owned(), "电子邮件".to_owned()],
            notes: vec!["以邮寄方式提交的，以签收之日为收到申请之日。".to_owned()],
        }
    }

    /// Every text of the document, as Word would read it.
    fn texts(bytes: &[u8]) -> String {
        docx_rs::read_docx(bytes).unwrap().json()
    }

    #[test]
    fn the_form_is_a_word_file_with_every_field_and_choice() {
        let bytes = application_form(&sample()).unwrap();
        assert!(bytes.starts_with(b"PK"), "a .docx is a zip file");
        let all = texts(&bytes);
        for expected in [
            "政府信息公开申请表",
            "某市人民政府办公室",
            "□ 公民",
            "□ 其他组织",
            "□ 居民身份证",
            "□ 护照",
            "统一社会信用代码",
            "所需信息的名称",
            "所需信息的特征性描述（内容、时间、制作或者保存机关等）",
            "□ 电子文档",
            "□ 电子邮件",
            "申请人签名（盖章）",
            "以签收之日为收到申请之日",
        ] {
            assert!(all.contains(expected), "the form lacks {expected}");
        }
    }

    #[test]
    fn an_unknown_agency_leaves_the_line_blank_to_be_written_in() {
        let form = ApplicationForm {
            agency: String::new(),
            ..sample()
        };
        let all = texts(&application_form(&form).unwrap());
        assert!(all.contains("受理机关"));
        assert!(!all.contains("某市人民政府办公室"));
    }
}
