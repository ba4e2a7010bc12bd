//! The annual report as an Excel workbook (tables 三 and 四 on their own sheets, in the
//! official layout), for `gongkai report annual --format xlsx` and the web download.

use gongkai_workflow::report::{AnnualReport, TABLE4_COLUMNS, TABLE4_GROUPS};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The column heads of table 三 after 行次 and 项目.
const TABLE3_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The workbook's bytes. `scope` names the agency or department (shown under each title).
pub fn annual_xlsx(report: &AnnualReport, scope: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let year = report.table3.year;

    let sheet = book.add_worksheet();
    sheet.set_name("表三")?;
    sheet.write_with_format(0, 0, "三、收到和处理政府信息公开申请情况", &title)?;
    sheet.write(1, 0, format!("{scope} · {year} 年度"))?;
    sheet.merge_range(
        2,
        0,
        3,
        1,
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        &head,
    )?;
    sheet.merge_range(2, 2, 3, 2, "自然人", &head)?;
    sheet.merge_range(2, 3, 2, 7, "法人或其他组织", &head)?;
    for (i, label) in TABLE3_COLUMNS[1..6].iter().enumerate() {
        sheet.write_with_format(3, 3 + i as u16, *label, &head)?;
    }
    sheet.merge_range(2, 8, 3, 8, "总计", &head)?;
    for (i, (row, label, counts)) in report.table3.rows().iter().enumerate() {
        let r = 4 + i as u32;
        sheet.write_with_format(r, 0, row.as_str(), &cell)?;
        sheet.write_with_format(r, 1, label.as_str(), &cell)?;
        for (j, n) in counts.iter().enumerate() {
            sheet.write_with_format(r, 2 + j as u16, *n as f64, &number)?;
        }
    }
    sheet.set_column_width(0, 10)?;
    sheet.set_column_width(1, 48)?;
    for c in 2..=8 {
        sheet.set_column_width(c, 12)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("表四")?;
    sheet.write_with_format(0, 0, "四、政府信息公开行政复议、行政诉讼情况", &title)?;
    sheet.write(1, 0, format!("{scope} · {year} 年度"))?;
    sheet.merge_range(2, 0, 3, 4, "行政复议", &head)?;
    sheet.merge_range(2, 5, 2, 14, "行政诉讼", &head)?;
    sheet.merge_range(3, 5, 3, 9, "未经复议直接起诉", &head)?;
    sheet.merge_range(3, 10, 3, 14, "复议后起诉", &head)?;
    for g in 0..TABLE4_GROUPS.len() {
        for (k, label) in TABLE4_COLUMNS.iter().enumerate() {
            sheet.write_with_format(4, (g * 5 + k) as u16, *label, &head)?;
        }
    }
    for (i, n) in report.table4.cells().iter().enumerate() {
        sheet.write_with_format(5, i as u16, *n as f64, &number)?;
    }
    for c in 0..15 {
        sheet.set_column_width(c, 10)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_workflow::report::{Table3, Table4};

    /// The file is a real workbook (a zip with both sheets), not an empty buffer.
    #[test]
    fn the_workbook_has_both_sheets() {
        let report = AnnualReport {
            table3: Table3::new(2025),
            table4: Table4::new(2025),
        };
        let bytes = annual_xlsx(&report, "某区人民政府").unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("xl/worksheets/sheet1.xml") && text.contains("xl/worksheets/sheet2.xml")
        );
    }
}
