//! One CSV file of a OneRoster package, read the way real exports need: a UTF-8 byte-order
//! mark, CRLF line ends, header names in any case and with stray spaces, extra columns, optional
//! columns missing and blank lines at the end all pass. Rows are read one at a time from the
//! file's reader, so a large file is never held whole.

use std::collections::HashMap;
use std::io::Read;

use crate::model::OneRosterError;

/// A fault in `file` at `line`, in `field` (a column, or `row` / `file` for the whole line).
pub(crate) fn fault(
    file: &str,
    line: u64,
    field: &str,
    reason: impl Into<String>,
) -> OneRosterError {
    OneRosterError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// A header name as it is compared: lower case, without spaces or the byte-order mark.
fn normalized(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each column of a file is, by its normalized name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Columns(HashMap<String, usize>);

impl Columns {
    /// Whether the header has `column` (a normalized name).
    pub(crate) fn has(&self, column: &str) -> bool {
        self.0.contains_key(column)
    }

    /// The row's value in `column` (a normalized name), trimmed; empty when the column is absent.
    pub(crate) fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.0
            .get(column)
            .and_then(|index| row.fields.get(*index))
            .map_or("", |value| value.trim())
    }
}

/// One data row: its line in the file (the header is line 1) and its fields.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub line: u64,
    fields: Vec<String>,
}

/// A file opened for reading: its columns known, its rows still to come.
pub(crate) struct Table<R: Read> {
    pub file: String,
    pub columns: Columns,
    reader: csv::Reader<Unix<R>>,
}

/// A reader that turns CRLF line ends into LF, and counts lines itself: the CSV reader takes
/// either line end, but counts the lines of a CRLF file one short and skips blank lines
/// without counting them, and errors must name the right line.
pub(crate) struct Unix<R> {
    inner: R,
    /// A CR read last, not yet given out: whether it ends a line depends on the next byte.
    held_cr: bool,
    /// Bytes given out so far.
    given: u64,
    /// Where the line ends given out and not yet asked about are (byte offsets).
    line_ends: std::collections::VecDeque<u64>,
    /// Line ends already asked about.
    lines_before: u64,
}

impl<R: Read> Unix<R> {
    fn new(inner: R) -> Self {
        Unix {
            inner,
            held_cr: false,
            given: 0,
            line_ends: Default::default(),
            lines_before: 0,
        }
    }

    /// The line (from 1) of a record the CSV reader says starts at `offset`; asked in order,
    /// offsets never going back. The reader's offset is where it began looking, before the
    /// blank lines it skipped: those count too.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.line_ends.front().is_some_and(|end| *end < offset) {
            self.line_ends.pop_front();
            self.lines_before += 1;
        }
        let mut blank = offset;
        while self.line_ends.front() == Some(&blank) {
            self.line_ends.pop_front();
            self.lines_before += 1;
            blank += 1;
        }
        self.lines_before + 1
    }

    /// Notes the line ends among the `count` bytes just given out.
    fn note(&mut self, out: &[u8]) {
        for (index, byte) in out.iter().enumerate() {
            if *byte == b'\n' {
                self.line_ends.push_back(self.given + index as u64);
            }
        }
        self.given += out.len() as u64;
    }
}

impl<R: Read> Read for Unix<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let given = self.convert(out)?;
        self.note(&out[..given]);
        Ok(given)
    }
}

impl<R: Read> Unix<R> {
    fn convert(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.len() < 2 {
            return self.inner.read(out);
        }
        // Leave room for a held CR given back.
        let read = self.inner.read(&mut out[1..])?;
        let mut start = 1;
        if self.held_cr {
            self.held_cr = false;
            if read == 0 {
                // The file ends with it.
                out[0] = b'\r';
                return Ok(1);
            }
            if out[1] != b'\n' {
                out[0] = b'\r';
                start = 0;
            }
        }
        let mut kept = 0;
        let end = read + 1;
        for index in start..end {
            let byte = out[index];
            if byte == b'\r' {
                match out.get(index + 1).filter(|_| index + 1 < end) {
                    Some(b'\n') => continue,
                    Some(_) => {}
                    None => {
                        self.held_cr = true;
                        continue;
                    }
                }
            }
            out[kept] = byte;
            kept += 1;
        }
        if kept == 0 && read > 0 {
            // Only a held CR this time: read on.
            return self.convert(out);
        }
        Ok(kept)
    }
}

impl<R: Read> Table<R> {
    /// Opens `file` and reads its header: every name in `required` must be there.
    pub(crate) fn open(file: &str, reader: R, required: &[&str]) -> Result<Self, OneRosterError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Unix::new(reader));
        let mut head = csv::ByteRecord::new();
        match reader.read_byte_record(&mut head) {
            Ok(true) => {}
            Ok(false) => return Err(fault(file, 1, "file", "is empty: it has no header line")),
            Err(error) => return Err(fault(file, 1, "file", format!("cannot be read: {error}"))),
        }
        if head.as_slice().starts_with(&[0xFF, 0xFE]) || head.as_slice().starts_with(&[0xFE, 0xFF])
        {
            return Err(fault(
                file,
                1,
                "file",
                "is UTF-16 text; export it as UTF-8 CSV",
            ));
        }
        let mut columns = HashMap::new();
        for (index, raw) in head.iter().enumerate() {
            let name = normalized(&String::from_utf8_lossy(raw));
            if !name.is_empty() {
                columns.entry(name).or_insert(index);
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|column| !columns.contains_key(&column.to_lowercase()))
            .collect();
        if !missing.is_empty() {
            return Err(fault(
                file,
                1,
                missing[0],
                format!(
                    "the header lacks the required column{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", ")
                ),
            ));
        }
        Ok(Table {
            file: file.to_string(),
            columns: Columns(columns),
            reader,
        })
    }

    /// The next row that is not blank, or the fault that stops it being read.
    pub(crate) fn next_row(&mut self) -> Option<Result<Row, OneRosterError>> {
        let mut record = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(error) => {
                    let byte = error.position().map(csv::Position::byte);
                    let line = byte.map_or(0, |byte| self.reader.get_mut().line_at(byte));
                    return Some(Err(fault(
                        &self.file,
                        line,
                        "row",
                        format!("cannot be read: {error}"),
                    )));
                }
            }
            if record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let line = record
                .position()
                .map_or(0, |at| self.reader.get_mut().line_at(at.byte()));
            let mut fields = Vec::with_capacity(record.len());
            for raw in &record {
                match std::str::from_utf8(raw) {
                    Ok(text) => fields.push(text.to_string()),
                    Err(_) => {
                        return Some(Err(fault(
                            &self.file,
                            line,
                            "row",
                            "is not UTF-8 text; export the file as UTF-8 CSV",
                        )))
                    }
                }
            }
            return Some(Ok(Row { line, fields }));
        }
    }
}

/// A date, or a date and time, as OneRoster files write them (`2026-09-01`,
/// `2026-09-01T08:30:00Z`, `2026-09-01T08:30:00.000Z`, `2026-09-01 08:30:00`, with or without
/// an offset): the instant, UTC, or why it is not one. A date alone is its midnight, UTC.
pub(crate) fn instant(text: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(stamp) = text.parse::<jiff::Timestamp>() {
        return Ok(stamp);
    }
    if let Ok(civil) = text.parse::<jiff::civil::DateTime>() {
        return civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|zoned| zoned.timestamp())
            .map_err(|error| error.to_string());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|zoned| zoned.timestamp())
            .map_err(|error| error.to_string());
    }
    Err(format!(
        "“{text}” is not a date (YYYY-MM-DD) or a date and time (ISO 8601)"
    ))
}

/// A date alone, as `YYYY-MM-DD`, from a date or a date and time.
pub(crate) fn day(text: &str) -> Result<String, String> {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Ok(date.to_string());
    }
    instant(text).map(|stamp| stamp.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
}

/// `enabledUser` and other booleans as systems write them: `true`, `TRUE`, `1`, `yes`, …
pub(crate) fn boolean(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Ok(true),
        "false" | "0" | "no" | "n" | "f" => Ok(false),
        _ => Err(format!("“{text}” is not true or false")),
    }
}

/// A list field (`termSourcedIds`, `agentSourcedIds`, `grades`): comma-separated, spaces
/// around items ignored, empty items dropped.
pub(crate) fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8], required: &[&str]) -> Result<(Columns, Vec<Row>), OneRosterError> {
        let mut table = Table::open("users.csv", bytes, required)?;
        let mut rows = Vec::new();
        while let Some(row) = table.next_row() {
            rows.push(row?);
        }
        Ok((table.columns, rows))
    }

    #[test]
    fn a_bom_crlf_odd_header_names_and_blank_trailing_lines_read() {
        let file = b"\xEF\xBB\xBF SourcedId ,STATUS,dateLastModified, Given Name ,extra\r\nu1,,,Ana,x\r\nu2,active,2026-09-01,Ben\r\n\r\n,,,\r\n";
        let (columns, rows) = rows(file, &["sourcedid"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(columns.get(&rows[0], "sourcedid"), "u1");
        assert_eq!(columns.get(&rows[0], "givenname"), "Ana");
        assert_eq!(columns.get(&rows[1], "givenname"), "Ben");
        // A short row: the missing field reads as empty.
        assert_eq!(columns.get(&rows[1], "extra"), "");
        assert_eq!(columns.get(&rows[0], "familyname"), "");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn crlf_line_ends_become_lf_wherever_the_reads_split_them() {
        let text = b"a,b\r\nc,\"d\re\"\r\n\r\nf\r";
        for chunk in 2..8 {
            let mut reader = Unix::new(std::io::Cursor::new(text.to_vec()));
            let mut out = Vec::new();
            let mut buffer = vec![0; chunk];
            loop {
                let read = reader.read(&mut buffer).unwrap();
                if read == 0 {
                    break;
                }
                out.extend_from_slice(&buffer[..read]);
            }
            assert_eq!(out, b"a,b\nc,\"d\re\"\n\nf\r", "reads of {chunk}");
        }
    }

    #[test]
    fn a_missing_required_column_is_reported_on_line_one() {
        let error = rows(b"sourcedId,status\nu1,\n", &["sourcedid", "username"]).unwrap_err();
        assert_eq!((error.file.as_str(), error.line), ("users.csv", 1));
        assert!(error.reason.contains("username"), "{}", error.reason);
    }

    #[test]
    fn dates_and_booleans_read_in_their_common_forms() {
        let midnight = instant("2026-09-01").unwrap();
        assert_eq!(instant("2026-09-01T00:00:00Z").unwrap(), midnight);
        assert_eq!(instant("2026-09-01T00:00:00.000Z").unwrap(), midnight);
        assert_eq!(instant("2026-09-01 00:00:00").unwrap(), midnight);
        assert_eq!(instant("2026-09-01T02:00:00+02:00").unwrap(), midnight);
        assert!(instant("01/09/2026").is_err());
        assert_eq!(day("2026-09-01T10:00:00Z").unwrap(), "2026-09-01");
        for yes in ["true", "TRUE", "1", "Yes"] {
            assert_eq!(boolean(yes), Ok(true));
        }
        for no in ["false", "FALSE", "0", "no"] {
            assert_eq!(boolean(no), Ok(false));
        }
        assert!(boolean("maybe").is_err());
        assert_eq!(list(" a, b,,c "), vec!["a", "b", "c"]);
    }
}
