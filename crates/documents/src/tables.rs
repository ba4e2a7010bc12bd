//! Redaction of tables (issue 20, point 4): an XLSX workbook read with calamine and written
//! anew with rust_xlsxwriter, values only; a CSV file parsed and written anew. What is not a
//! visible value never reaches the output: formulas (their last computed value is kept),
//! hidden sheets, hidden rows and columns, comments and notes, defined names, external links,
//! document properties, styles, images, charts, macros.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use quick_xml::events::Event;
use rust_xlsxwriter::{Color, Format, Workbook};

/// What replaces a redacted cell's value.
pub const REDACTED_CELL: &str = "[已遮盖]";

/// The most rows and columns of a worksheet (Excel's limits).
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

/// The cells to blank in one sheet, by their position in the source file, counted from 0
/// (row 0 is Excel's row 1, column 0 is column A), hidden rows and columns included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRedaction {
    /// The sheet's name (ignored for CSV).
    pub sheet: String,
    /// (row, column) pairs.
    pub cells: Vec<(u32, u32)>,
    pub rows: Vec<u32>,
    pub columns: Vec<u32>,
}

/// All the redactions of one sheet, looked up in constant time.
#[derive(Default)]
struct Mask {
    rows: HashSet<u32>,
    columns: HashSet<u32>,
    cells: HashSet<(u32, u32)>,
}

impl Mask {
    fn of<'a>(redactions: impl IntoIterator<Item = &'a TableRedaction>) -> Mask {
        let mut m = Mask::default();
        for r in redactions {
            m.rows.extend(r.rows.iter().copied());
            m.columns.extend(r.columns.iter().copied());
            m.cells.extend(r.cells.iter().copied());
        }
        m
    }

    fn covers(&self, row: u32, column: u32) -> bool {
        self.rows.contains(&row)
            || self.columns.contains(&column)
            || self.cells.contains(&(row, column))
    }
}

/// The redacted table and what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedTable {
    pub bytes: Vec<u8>,
    /// The sheets written, in order (for CSV: one, named "").
    pub sheets: Vec<String>,
    /// Cells whose value was replaced by [`REDACTED_CELL`].
    pub cells_redacted: u64,
    /// Hidden sheets, rows and columns left out.
    pub hidden_dropped: u64,
}

/// Why a table could not be redacted; a stable [`code`](TableError::code) and a Chinese
/// [`message`](TableError::message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the workbook is encrypted or in the old binary format")]
    Encrypted,
    #[error("the file could not be read as {0}")]
    Corrupt(&'static str),
    #[error("the file has {bytes} bytes, more than the limit of {max}")]
    FileTooLarge { bytes: usize, max: usize },
    #[error("the table has {cells} cells, more than the limit of {max}")]
    TooManyCells { cells: u64, max: u64 },
    #[error("no visible sheet is named {0:?}")]
    NoSuchSheet(String),
    #[error("row {row}, column {column} is outside sheet {sheet:?}")]
    OutsideSheet {
        sheet: String,
        row: u32,
        column: u32,
    },
    #[error("the redacted table could not be written: {0}")]
    Write(String),
}

impl TableError {
    pub fn code(&self) -> &'static str {
        match self {
            TableError::Encrypted => "redact_encrypted",
            TableError::Corrupt(_) => "redact_corrupt",
            TableError::FileTooLarge { .. } => "redact_file_too_large",
            TableError::TooManyCells { .. } => "redact_too_many_cells",
            TableError::NoSuchSheet(_) => "redact_no_such_sheet",
            TableError::OutsideSheet { .. } => "redact_cell_outside_sheet",
            TableError::Write(_) => "redact_write_failed",
        }
    }

    /// The message for the clerk, in Chinese; rows and columns as Excel shows them.
    pub fn message(&self) -> String {
        match self {
            TableError::Encrypted => {
                "该 Excel 文件已加密或为旧版 .xls 格式，请另存为未加密的 .xlsx 文件".to_owned()
            }
            TableError::Corrupt(what) => format!("文件已损坏，无法按 {what} 格式读取"),
            TableError::FileTooLarge { bytes, max } => format!(
                "文件过大（{} MB），上限为 {} MB",
                bytes.div_ceil(1024 * 1024),
                max / (1024 * 1024)
            ),
            TableError::TooManyCells { cells, max } => {
                format!("表格共 {cells} 个单元格，超过上限 {max} 个，请拆分后再处理")
            }
            TableError::NoSuchSheet(name) => format!("工作表「{name}」不存在或已隐藏"),
            TableError::OutsideSheet { sheet, row, column } => format!(
                "工作表「{sheet}」第 {} 行 {} 列超出表格范围",
                u64::from(*row) + 1,
                column_name(*column)
            ),
            TableError::Write(_) => "生成遮盖后的文件失败".to_owned(),
        }
    }
}

/// Limits for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    pub max_input_bytes: usize,
    /// The most cells (rows × columns of the used ranges, all sheets together).
    pub max_cells: u64,
}

impl Default for TableLimits {
    fn default() -> Self {
        TableLimits {
            max_input_bytes: 50 * 1024 * 1024,
            max_cells: 5_000_000,
        }
    }
}

/// Refuses a table file over the byte limit, before it is parsed.
pub(crate) fn check_size(bytes: &[u8], limits: &TableLimits) -> Result<(), TableError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(TableError::FileTooLarge {
            bytes: bytes.len(),
            max: limits.max_input_bytes,
        });
    }
    Ok(())
}

/// Excel's name of column `c` (0 → A, 26 → AA).
fn column_name(c: u32) -> String {
    let mut n = c + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks that every redaction names a sheet that is written and lies within its range;
/// `dims` maps sheet name → (rows, columns) used (from row 0, column 0).
fn check_redactions(
    redactions: &[TableRedaction],
    dims: &HashMap<String, (u32, u32)>,
) -> Result<(), TableError> {
    for r in redactions {
        let Some(&(rows, columns)) = dims.get(&r.sheet) else {
            return Err(TableError::NoSuchSheet(r.sheet.clone()));
        };
        let outside = |row: u32, column: u32| TableError::OutsideSheet {
            sheet: r.sheet.clone(),
            row,
            column,
        };
        for &(row, column) in &r.cells {
            if row >= rows || column >= columns {
                return Err(outside(row, column));
            }
        }
        if let Some(&row) = r.rows.iter().find(|&&row| row >= rows) {
            return Err(outside(row, 0));
        }
        if let Some(&column) = r.columns.iter().find(|&&c| c >= columns) {
            return Err(outside(0, column));
        }
    }
    Ok(())
}

/// The hidden rows and columns of each worksheet, read from the workbook's XML (calamine does
/// not say which are hidden): sheet name → (rows, columns), counted from 0.
pub(crate) type Hidden = HashMap<String, (HashSet<u32>, HashSet<u32>)>;

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .and_then(|a| {
            let raw = std::str::from_utf8(&a.value).ok()?;
            quick_xml::escape::unescape(raw)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Calls `each` with every start or empty element of part `name`, streamed (a sheet's XML
/// can be far larger than the zip); false when there is no such part.
fn each_element(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    mut each: impl FnMut(&quick_xml::events::BytesStart<'_>),
) -> Result<bool, TableError> {
    let Ok(file) = zip.by_name(name) else {
        return Ok(false);
    };
    let mut r = quick_xml::Reader::from_reader(std::io::BufReader::new(file));
    let mut buf = Vec::new();
    loop {
        match r
            .read_event_into(&mut buf)
            .map_err(|_| TableError::Corrupt("XLSX"))?
        {
            Event::Empty(e) | Event::Start(e) => each(&e),
            Event::Eof => return Ok(true),
            _ => {}
        }
        buf.clear();
    }
}

pub(crate) fn hidden_rows_and_columns(bytes: &[u8]) -> Result<Hidden, TableError> {
    let corrupt = || TableError::Corrupt("XLSX");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| corrupt())?;
    // Relationship id → target, then sheet name → part.
    let mut targets = HashMap::new();
    let found = each_element(&mut zip, "xl/_rels/workbook.xml.rels", |e| {
        if e.local_name().as_ref() == b"Relationship"
            && let (Some(id), Some(t)) = (attr(e, b"Id"), attr(e, b"Target"))
        {
            let t = t.trim_start_matches('/');
            let t = t.strip_prefix("xl/").unwrap_or(t);
            targets.insert(id, format!("xl/{t}"));
        }
    })?;
    let mut parts = Vec::new();
    let found = found
        && each_element(&mut zip, "xl/workbook.xml", |e| {
            if e.local_name().as_ref() == b"sheet"
                && let (Some(name), Some(id)) = (attr(e, b"name"), attr(e, b"id"))
                && let Some(t) = targets.get(&id)
            {
                parts.push((name, t.clone()));
            }
        })?;
    if !found {
        return Err(corrupt());
    }
    let mut hidden = Hidden::new();
    for (name, part) in parts {
        let (mut rows, mut columns) = (HashSet::new(), HashSet::new());
        each_element(&mut zip, &part, |e| {
            if !attr(e, b"hidden").is_some_and(|v| v == "1" || v == "true") {
                return;
            }
            match e.local_name().as_ref() {
                b"row" => {
                    if let Some(n) = attr(e, b"r").and_then(|v| v.parse::<u32>().ok())
                        && n >= 1
                    {
                        rows.insert(n - 1);
                    }
                }
                b"col" => {
                    let min = attr(e, b"min").and_then(|v| v.parse::<u32>().ok());
                    let max = attr(e, b"max").and_then(|v| v.parse::<u32>().ok());
                    if let (Some(a), Some(b)) = (min, max) {
                        for c in a.max(1)..=b.min(MAX_COLUMNS) {
                            columns.insert(c - 1);
                        }
                    }
                }
                _ => {}
            }
        })?;
        hidden.insert(name, (rows, columns));
    }
    Ok(hidden)
}

/// A workbook read from bytes in memory.
pub(crate) type SourceBook<'a> = Xlsx<Cursor<&'a [u8]>>;

/// An XLSX workbook opened for reading, with the names of its visible worksheets in order.
/// An encrypted workbook (and the old .xls format) is an OLE compound file, not a zip: refused
/// as encrypted.
pub(crate) fn open_workbook(bytes: &[u8]) -> Result<(SourceBook<'_>, Vec<String>), TableError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(TableError::Encrypted);
    }
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| TableError::Corrupt("XLSX"))?;
    let visible = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    Ok((book, visible))
}

/// Redacts an XLSX workbook: each visible worksheet is written anew with its values only,
/// without its hidden rows and columns, the redacted cells replaced by [`REDACTED_CELL`] on a
/// grey fill. Every redaction is checked before anything is written.
pub fn redact_xlsx(
    bytes: &[u8],
    redactions: &[TableRedaction],
    limits: &TableLimits,
) -> Result<RedactedTable, TableError> {
    check_size(bytes, limits)?;
    let (mut book, visible) = open_workbook(bytes)?;
    let mut hidden_dropped = (book.sheets_metadata().len() - visible.len()) as u64;
    let mut ranges = Vec::new();
    let mut dims = HashMap::new();
    let mut cells = 0u64;
    for name in &visible {
        let range = book
            .worksheet_range(name)
            .map_err(|_| TableError::Corrupt("XLSX"))?;
        let (rows, columns) = range.end().map(|(r, c)| (r + 1, c + 1)).unwrap_or((0, 0));
        cells += u64::from(rows) * u64::from(columns);
        if cells > limits.max_cells {
            return Err(TableError::TooManyCells {
                cells,
                max: limits.max_cells,
            });
        }
        dims.insert(name.clone(), (rows, columns));
        ranges.push((name.clone(), range));
    }
    check_redactions(redactions, &dims)?;
    drop(book);
    let hidden = hidden_rows_and_columns(bytes)?;

    let write_err = |e: rust_xlsxwriter::XlsxError| TableError::Write(e.to_string());
    let redacted = Format::new().set_background_color(Color::RGB(0xBFBFBF));
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let mut workbook = Workbook::new();
    let mut cells_redacted = 0u64;
    let empty = (HashSet::new(), HashSet::new());
    for (name, range) in &ranges {
        let (hidden_rows, hidden_columns) = hidden.get(name).unwrap_or(&empty);
        let (rows, columns) = dims.get(name).copied().unwrap_or((0, 0));
        hidden_dropped += hidden_rows.iter().filter(|r| **r < rows).count() as u64;
        hidden_dropped += hidden_columns.iter().filter(|c| **c < columns).count() as u64;
        let mask = Mask::of(redactions.iter().filter(|r| &r.sheet == name));
        // New positions: hidden rows and columns closed up.
        let kept_columns: Vec<u32> = (0..columns)
            .filter(|c| !hidden_columns.contains(c))
            .collect();
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(write_err)?;
        let mut out_row = 0u32;
        for row in 0..rows {
            if hidden_rows.contains(&row) {
                continue;
            }
            for (out_col, &column) in kept_columns.iter().enumerate() {
                let out_col = out_col as u16;
                if mask.covers(row, column) {
                    sheet
                        .write_string_with_format(out_row, out_col, REDACTED_CELL, &redacted)
                        .map_err(write_err)?;
                    cells_redacted += 1;
                    continue;
                }
                let (r, c) = (row, column);
                let Some(value) = range.get_value((r, c)) else {
                    continue;
                };
                match value {
                    Data::Empty => {}
                    Data::Int(i) => {
                        sheet
                            .write_number(out_row, out_col, *i as f64)
                            .map_err(write_err)?;
                    }
                    Data::Float(f) => {
                        sheet
                            .write_number(out_row, out_col, *f)
                            .map_err(write_err)?;
                    }
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        sheet.write_string(out_row, out_col, s).map_err(write_err)?;
                    }
                    Data::Bool(b) => {
                        sheet
                            .write_boolean(out_row, out_col, *b)
                            .map_err(write_err)?;
                    }
                    Data::DateTime(d) => {
                        sheet
                            .write_number_with_format(out_row, out_col, d.as_f64(), &date)
                            .map_err(write_err)?;
                    }
                    Data::Error(e) => {
                        sheet
                            .write_string(out_row, out_col, e.to_string())
                            .map_err(write_err)?;
                    }
                }
            }
            out_row += 1;
        }
    }
    if ranges.is_empty() {
        // A workbook needs one sheet.
        workbook.add_worksheet();
    }
    let bytes = workbook.save_to_buffer().map_err(write_err)?;
    Ok(RedactedTable {
        bytes,
        sheets: ranges.into_iter().map(|(n, _)| n).collect(),
        cells_redacted,
        hidden_dropped,
    })
}

/// The text of a CSV file: UTF-8 (with or without BOM), else GB18030 (which covers GBK and
/// GB2312, what Excel writes on Chinese systems).
pub(crate) fn csv_text(bytes: &[u8]) -> Result<String, TableError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let (s, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad {
        return Err(TableError::Corrupt("CSV"));
    }
    Ok(s.into_owned())
}

/// RFC 4180 records: fields split on commas, quoted fields may hold commas, quotes ("")
/// and line breaks.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, TableError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(TableError::Corrupt("CSV"));
    }
    if any {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_owned()
    }
}

/// Redacts a CSV file: the redacted fields replaced by [`REDACTED_CELL`]; written as UTF-8
/// with a BOM (so that Excel reads the Chinese) and CRLF line ends. The redactions' sheet
/// names are ignored.
pub fn redact_csv(
    bytes: &[u8],
    redactions: &[TableRedaction],
    limits: &TableLimits,
) -> Result<RedactedTable, TableError> {
    check_size(bytes, limits)?;
    let records = parse_csv(&csv_text(bytes)?)?;
    let rows = u32::try_from(records.len()).unwrap_or(MAX_ROWS);
    let columns = records.iter().map(Vec::len).max().unwrap_or(0);
    let columns = u32::try_from(columns).unwrap_or(MAX_COLUMNS);
    let cells = u64::from(rows) * u64::from(columns);
    if cells > limits.max_cells {
        return Err(TableError::TooManyCells {
            cells,
            max: limits.max_cells,
        });
    }
    let all: Vec<TableRedaction> = redactions
        .iter()
        .map(|r| TableRedaction {
            sheet: String::new(),
            ..r.clone()
        })
        .collect();
    let dims = HashMap::from([(String::new(), (rows, columns))]);
    check_redactions(&all, &dims)?;
    let mask = Mask::of(&all);
    let mut out = String::from("\u{FEFF}");
    let mut cells_redacted = 0u64;
    for (i, record) in records.iter().enumerate() {
        let row = i as u32;
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(j, f)| {
                if mask.covers(row, j as u32) {
                    cells_redacted += 1;
                    REDACTED_CELL.to_owned()
                } else {
                    csv_field(f)
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    Ok(RedactedTable {
        bytes: out.into_bytes(),
        sheets: vec![String::new()],
        cells_redacted,
        hidden_dropped: 0,
    })
}

/// A sheet as the redaction editor shows it: its size, and the values of its first rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPreview {
    /// The sheet's name (empty for CSV).
    pub name: String,
    pub rows: u32,
    pub columns: u32,
    /// The first rows as text, by source row (hidden rows included and marked), at most the
    /// number asked for; each row as many values as `columns` (capped likewise).
    pub cells: Vec<Vec<String>>,
    /// Hidden rows and columns (counted from 0): never written to a redacted version.
    pub hidden_rows: Vec<u32>,
    pub hidden_columns: Vec<u32>,
}

/// The visible sheets of an XLSX workbook (or the one table of a CSV file) with their first
/// `max_rows` rows and `max_columns` columns as text, for the clerk to choose what to redact.
pub fn table_preview(
    bytes: &[u8],
    csv: bool,
    limits: &TableLimits,
    max_rows: u32,
    max_columns: u32,
) -> Result<Vec<SheetPreview>, TableError> {
    check_size(bytes, limits)?;
    if csv {
        let records = parse_csv(&csv_text(bytes)?)?;
        let rows = u32::try_from(records.len()).unwrap_or(MAX_ROWS);
        let columns =
            u32::try_from(records.iter().map(Vec::len).max().unwrap_or(0)).unwrap_or(MAX_COLUMNS);
        let cells = records
            .iter()
            .take(max_rows as usize)
            .map(|r| {
                let mut row: Vec<String> = r.iter().take(max_columns as usize).cloned().collect();
                row.resize(columns.min(max_columns) as usize, String::new());
                row
            })
            .collect();
        return Ok(vec![SheetPreview {
            name: String::new(),
            rows,
            columns,
            cells,
            hidden_rows: Vec::new(),
            hidden_columns: Vec::new(),
        }]);
    }
    let (mut book, visible) = open_workbook(bytes)?;
    let mut sheets = Vec::new();
    let mut total = 0u64;
    for name in visible {
        let range = book
            .worksheet_range(&name)
            .map_err(|_| TableError::Corrupt("XLSX"))?;
        let (rows, columns) = range.end().map(|(r, c)| (r + 1, c + 1)).unwrap_or((0, 0));
        total += u64::from(rows) * u64::from(columns);
        if total > limits.max_cells {
            return Err(TableError::TooManyCells {
                cells: total,
                max: limits.max_cells,
            });
        }
        let cells = (0..rows.min(max_rows))
            .map(|r| {
                (0..columns.min(max_columns))
                    .map(|c| match range.get_value((r, c)) {
                        None | Some(Data::Empty) => String::new(),
                        Some(v) => v.to_string(),
                    })
                    .collect()
            })
            .collect();
        sheets.push(SheetPreview {
            name,
            rows,
            columns,
            cells,
            hidden_rows: Vec::new(),
            hidden_columns: Vec::new(),
        });
    }
    drop(book);
    let hidden = hidden_rows_and_columns(bytes)?;
    for sheet in &mut sheets {
        if let Some((rows, columns)) = hidden.get(&sheet.name) {
            sheet.hidden_rows = rows.iter().copied().filter(|r| *r < sheet.rows).collect();
            sheet.hidden_rows.sort_unstable();
            sheet.hidden_columns = columns
                .iter()
                .copied()
                .filter(|c| *c < sheet.columns)
                .collect();
            sheet.hidden_columns.sort_unstable();
        }
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{DocProperties, Formula, Note};
    use std::io::Read;

    const MARKER: &str = "GKMARKQ7Z3X";

    /// Every part of an XLSX (a zip), inflated.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().to_owned(), data)
            })
            .collect()
    }

    /// A register whose hidden sheet, hidden row, hidden column, note, formula, defined name
    /// and document properties carry the marker.
    fn marked_xlsx() -> Vec<u8> {
        let mut book = Workbook::new();
        book.set_properties(
            &DocProperties::new()
                .set_title(MARKER)
                .set_author(MARKER)
                .set_comment(MARKER),
        );
        let sheet = book.add_worksheet();
        sheet.set_name("名单").unwrap();
        for (c, h) in ["姓名", "身份证号", "电话", "金额", "公式", "备注"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let rows = [
            ("张三", "110101199003074514", "13800138000", 1200.5),
            ("李四", "110101198001010016", "13900139000", 800.0),
            (MARKER, MARKER, MARKER, 1.0),
            ("王五", "11010119700101001X", "13700137000", 300.0),
        ];
        for (i, (name, id, phone, amount)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, *name).unwrap();
            sheet.write_string(r, 1, *id).unwrap();
            sheet.write_string(r, 2, *phone).unwrap();
            sheet.write_number(r, 3, *amount).unwrap();
            sheet
                .write_formula(
                    r,
                    4,
                    Formula::new(format!("=LEN(\"{MARKER}\")+D{}", r + 1)).set_result("0"),
                )
                .unwrap();
            sheet.write_string(r, 5, MARKER).unwrap();
        }
        sheet.set_row_hidden(3).unwrap();
        sheet.set_column_hidden(5).unwrap();
        sheet
            .insert_note(1, 0, &Note::new(MARKER).set_author(MARKER))
            .unwrap();
        let hidden = book.add_worksheet();
        hidden.set_name("底稿").unwrap();
        hidden.write_string(0, 0, MARKER).unwrap();
        hidden.set_hidden(true);
        book.define_name(MARKER, "=名单!$A$1").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn an_xlsx_keeps_visible_values_only() {
        let input = marked_xlsx();
        // The fixture carries the marker in its parts.
        let found: Vec<String> = parts(&input)
            .into_iter()
            .filter(|(_, d)| String::from_utf8_lossy(d).contains(MARKER))
            .map(|(n, _)| n)
            .collect();
        for part in ["docProps/core.xml", "xl/workbook.xml", "xl/comments1.xml"] {
            assert!(
                found.iter().any(|f| f == part),
                "fixture lacks {part}: {found:?}"
            );
        }
        let redactions = [TableRedaction {
            sheet: "名单".to_owned(),
            cells: vec![(1, 2)],
            rows: vec![],
            columns: vec![1],
        }];
        let out = redact_xlsx(&input, &redactions, &TableLimits::default()).unwrap();
        assert_eq!(out.sheets, vec!["名单".to_owned()]);
        // The hidden sheet, row 4 and column F.
        assert_eq!(out.hidden_dropped, 3);
        // Column B on the 4 written rows (header included), and C2.
        assert_eq!(out.cells_redacted, 5);
        for (name, data) in parts(&out.bytes) {
            let text = String::from_utf8_lossy(&data);
            assert!(!text.contains(MARKER), "marker in {name}");
            assert!(!text.contains("110101199003074514"), "ID number in {name}");
            assert!(!text.contains("<f>"), "formula in {name}");
            assert!(
                !name.contains("comments") && !name.contains("vml"),
                "{name}"
            );
        }
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(out.bytes.as_slice())).unwrap();
        assert!(book.defined_names().is_empty());
        let range = book.worksheet_range("名单").unwrap();
        assert_eq!(range.end(), Some((3, 4)));
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or_default();
        assert_eq!(cell(0, 0), Data::String("姓名".to_owned()));
        assert_eq!(cell(1, 0), Data::String("张三".to_owned()));
        assert_eq!(cell(1, 1), Data::String(REDACTED_CELL.to_owned()));
        assert_eq!(cell(1, 2), Data::String(REDACTED_CELL.to_owned()));
        assert_eq!(cell(2, 2), Data::String("13900139000".to_owned()));
        // Row 4 (hidden) is gone: 王五 moved up.
        assert_eq!(cell(3, 0), Data::String("王五".to_owned()));
        assert_eq!(cell(1, 3), Data::Float(1200.5));
        // The formula's last value (0, as written), not the formula.
        assert_eq!(cell(1, 4), Data::Float(0.0));
        let formulas = book.worksheet_formula("名单").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn bad_tables_are_refused() {
        let limits = TableLimits::default();
        let input = marked_xlsx();
        let r = |sheet: &str, cells: Vec<(u32, u32)>, rows: Vec<u32>, columns: Vec<u32>| {
            [TableRedaction {
                sheet: sheet.to_owned(),
                cells,
                rows,
                columns,
            }]
        };
        let e = redact_xlsx(&input, &r("底稿", vec![], vec![0], vec![]), &limits).unwrap_err();
        assert_eq!(e, TableError::NoSuchSheet("底稿".to_owned()));
        assert_eq!(e.message(), "工作表「底稿」不存在或已隐藏");
        let e = redact_xlsx(&input, &r("名单", vec![(9, 0)], vec![], vec![]), &limits).unwrap_err();
        assert_eq!(e.code(), "redact_cell_outside_sheet");
        assert_eq!(e.message(), "工作表「名单」第 10 行 A 列超出表格范围");
        let e = redact_xlsx(&input, &r("名单", vec![], vec![], vec![27]), &limits).unwrap_err();
        assert!(e.message().contains("AB 列"), "{}", e.message());
        assert_eq!(
            redact_xlsx(b"PK\x03\x04broken", &[], &limits).unwrap_err(),
            TableError::Corrupt("XLSX")
        );
        assert_eq!(
            redact_xlsx(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", &[], &limits).unwrap_err(),
            TableError::Encrypted
        );
        let few = TableLimits {
            max_cells: 10,
            ..limits
        };
        assert_eq!(
            redact_xlsx(&input, &[], &few).unwrap_err().code(),
            "redact_too_many_cells"
        );
        assert_eq!(
            redact_csv(b"a,\"b\n", &[], &limits).unwrap_err(),
            TableError::Corrupt("CSV")
        );
    }

    #[test]
    fn a_csv_is_redacted_by_cell_row_and_column() {
        let csv = "姓名,身份证号,电话\r\n张三,110101199003074514,\"138,0013\"\"8000\"\r\n李四,110101198001010016,13900139000\r\n";
        let redactions = [TableRedaction {
            sheet: "ignored".to_owned(),
            cells: vec![(2, 2)],
            rows: vec![],
            columns: vec![1],
        }];
        let out = redact_csv(csv.as_bytes(), &redactions, &TableLimits::default()).unwrap();
        let text = String::from_utf8(out.bytes).unwrap();
        assert_eq!(
            text,
            "\u{FEFF}姓名,[已遮盖],电话\r\n张三,[已遮盖],\"138,0013\"\"8000\"\r\n李四,[已遮盖],[已遮盖]\r\n"
        );
        assert_eq!(out.cells_redacted, 4);
        // The same file in GBK (as Excel saves it on a Chinese system) reads the same.
        let (gbk, _, _) = encoding_rs::GBK.encode(csv);
        let out = redact_csv(&gbk, &redactions, &TableLimits::default()).unwrap();
        assert!(
            String::from_utf8(out.bytes)
                .unwrap()
                .starts_with("\u{FEFF}姓名,[已遮盖]")
        );
        let e = redact_csv(
            csv.as_bytes(),
            &[TableRedaction {
                rows: vec![3],
                ..Default::default()
            }],
            &TableLimits::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "redact_cell_outside_sheet");
    }
}
