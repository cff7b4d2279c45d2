//! Reading the spreadsheet files that requests bring (issue 5): the annexed list of a contrat de service, a
//! référent's consolidated list, directories of structures. Bytes in, a [`Table`] out; then [`columns`] finds the
//! columns a kind of import expects, whatever their order and spelling.
//!
//! What it accepts is what French spreadsheets write: UTF-8 with or without BOM, Windows-1252 (Excel on a French
//! Windows), UTF-16 with its BOM (Excel's « Texte Unicode »); `;`, `,` or tab as separator, detected on the header
//! line; quoted fields holding separators, doubled quotes and line breaks; blank lines (also `;;;` rows, which Excel
//! writes for emptied rows) skipped. Every line keeps its number as the spreadsheet counts it, so that an error can
//! send the correspondant to the right row.
//!
//! What it is not for: it knows nothing of SIRET, e-mails or the desk. Values stay strings; the import turns each
//! into a domain type and reports the bad ones. It never panics, whatever the bytes (a proptest holds it to that).

use std::fmt;

use crate::domain::ids::fold;

/// A table read from a spreadsheet file: its header as written, and its lines with their 1-based line number in
/// the file as a spreadsheet counts it (the header is line 1; a quoted field with a line break inside still belongs
/// to the line it started on, and the next record's number counts the physical lines consumed).
///
/// Blank rows are left out (their lines still count). Trailing empty header cells are dropped, and so are a row's
/// empty cells past the last column; a row may be shorter than the header (its missing cells are absent values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// [`UTF8`], [`UTF8_BOM`], [`WINDOWS_1252`], [`UTF16LE`] or [`UTF16BE`].
    pub encoding: &'static str,
    /// `;`, `,` or `\t`.
    pub separator: char,
}

/// One line of data: its number in the file and its cells as written (not trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// What could not be read, in French, with the line when there is one. `message` does not repeat the line:
/// `Display` writes « ligne 7 : 14 valeurs pour 12 colonnes … ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "ligne {line} : {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ReadError {}

pub const UTF8: &str = "UTF-8";
pub const UTF8_BOM: &str = "UTF-8 (BOM)";
pub const WINDOWS_1252: &str = "Windows-1252";
pub const UTF16LE: &str = "UTF-16LE";
pub const UTF16BE: &str = "UTF-16BE";

/// Reads a spreadsheet file: detects the encoding and the separator, splits the records, numbers the lines.
/// Errors: empty file, header without lines, a line with more values than the header has columns (the first such
/// line, the others listed in the message), bytes that contradict the file's own BOM.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let (text, encoding) = decode(bytes)?;
    let separator = detect_separator(&text);
    let mut records = records(&text, separator)?.into_iter();
    let Some((_, mut headers)) = records.next() else {
        return Err(ReadError {
            line: None,
            message: messages::EMPTY.to_owned(),
        });
    };
    // A non-blank record has a non-blank cell: at least one header survives.
    while headers.last().is_some_and(|h| is_blank(h)) {
        headers.pop();
    }
    let width = headers.len();
    let mut rows = Vec::new();
    let mut too_long: Vec<(usize, usize)> = Vec::new();
    for (line, mut cells) in records {
        while cells.len() > width && cells.last().is_some_and(|c| is_blank(c)) {
            cells.pop();
        }
        if cells.len() > width {
            too_long.push((line, cells.len()));
        }
        rows.push(Row { line, cells });
    }
    if let Some(&(line, count)) = too_long.first() {
        let others: Vec<usize> = too_long.iter().skip(1).map(|&(l, _)| l).collect();
        return Err(ReadError {
            line: Some(line),
            message: messages::too_long(count, width, separator, &others),
        });
    }
    if rows.is_empty() {
        return Err(ReadError {
            line: None,
            message: messages::NO_ROWS.to_owned(),
        });
    }
    Ok(Table {
        headers,
        rows,
        encoding,
        separator,
    })
}

/// Folds a header for matching: case, accents, spaces, underscores and hyphens ignored ("Code postal",
/// "code_postal", "CODE-POSTAL", "codepostal" all → "codepostal"). Spaces include the non-breaking ones and hyphens
/// the typographic dashes, which spreadsheets slip in; a stray BOM character is ignored too.
pub fn header_key(h: &str) -> String {
    fold(h)
        .chars()
        .filter(|&c| {
            !(c.is_whitespace() || matches!(c, '_' | '-' | '\u{2010}'..='\u{2015}' | '\u{feff}'))
        })
        .collect()
}

/// The columns of a table that a kind of file expects, found by [`columns`].
///
/// Headers that match no expected column are ignored, and listed in [`Columns::unknown`]: real spreadsheets carry
/// extra columns (a numbering, « Observations », the référent's own tracking), and refusing them would send the
/// correspondant editing every file that arrives by e-mail, while an ignored column writes nothing. The list lets
/// the preview show them, so that a misspelt optional column is seen rather than silently lost; when a required
/// column is missing, the error names them too, since one of them is likely the misspelt one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    found: Vec<(String, Option<usize>)>,
    headers: Vec<String>,
    unknown: Vec<String>,
}

impl Columns {
    /// The 0-based index of the column of canonical name `name`; None when it is absent (or was not expected).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.found
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|&(_, i)| i)
    }

    /// The cell of `row` in column `name`, trimmed; None when the column is absent, the row too short or the cell
    /// empty.
    pub fn get<'r>(&self, row: &'r Row, name: &str) -> Option<&'r str> {
        let cell = row.cells.get(self.index(name)?)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    /// The header of column `name` as the file writes it (for messages: « colonne Code postal »).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(self.index(name)?).map(String::as_str)
    }

    /// The headers, as written, that match no expected column: ignored by the import.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }
}

/// Finds the expected columns (canonical name, required) among the table's headers, matched with [`header_key`]
/// in any order. Errors, all in one message: missing required columns (with the unknown headers and the expected
/// names, to help rename), and an expected column present twice.
pub fn columns(table: &Table, expected: &[(&str, bool)]) -> Result<Columns, ReadError> {
    let keys: Vec<String> = expected.iter().map(|(name, _)| header_key(name)).collect();
    let mut found: Vec<(String, Option<usize>)> = expected
        .iter()
        .map(|(name, _)| ((*name).to_owned(), None))
        .collect();
    let mut twice: Vec<(&str, usize, usize)> = Vec::new();
    let mut unknown = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let key = header_key(header);
        let Some(j) = keys.iter().position(|k| *k == key) else {
            if !is_blank(header) {
                unknown.push(header.clone());
            }
            continue;
        };
        match found.get_mut(j) {
            Some((_, slot @ None)) => *slot = Some(i),
            Some((_, Some(first))) => {
                let name = expected.get(j).map_or("", |(name, _)| *name);
                twice.push((name, *first, i));
            }
            None => {}
        }
    }
    let missing: Vec<&str> = expected
        .iter()
        .zip(&found)
        .filter(|((_, required), (_, index))| *required && index.is_none())
        .map(|((name, _), _)| *name)
        .collect();
    if !missing.is_empty() || !twice.is_empty() {
        let names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
        return Err(ReadError {
            line: None,
            message: messages::bad_columns(&missing, &twice, &unknown, &names),
        });
    }
    Ok(Columns {
        found,
        headers: table.headers.clone(),
        unknown,
    })
}

/// The spreadsheet name of a 0-based column: 0 → "A", 25 → "Z", 26 → "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index.saturating_add(1);
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        // n % 26 < 26: the sum stays within 'A'..='Z'.
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters.iter().rev().collect()
}

// ---------------------------------------------------------------------------
// Encoding, separator, records
// ---------------------------------------------------------------------------

/// The text of the file and its encoding's name. UTF-8 when the bytes are valid UTF-8 (BOM stripped), else
/// Windows-1252, which decodes any byte: that is what Excel writes on a French Windows, and a UTF-8 file is never
/// mistaken for it. A BOM is trusted: UTF-8 bytes after it must be valid, UTF-16 after its own.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((text.to_owned(), UTF8_BOM)),
            Err(e) => {
                let before = rest.get(..e.valid_up_to()).unwrap_or_default();
                Err(ReadError {
                    line: Some(line_count(before)),
                    message: messages::BAD_UTF8.to_owned(),
                })
            }
        };
    }
    for (bom, encoding, name) in [
        (b"\xFF\xFE", encoding_rs::UTF_16LE, UTF16LE),
        (b"\xFE\xFF", encoding_rs::UTF_16BE, UTF16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match encoding.decode_without_bom_handling_and_without_replacement(rest) {
                Some(text) => Ok((text.into_owned(), name)),
                None => Err(ReadError {
                    line: None,
                    message: messages::BAD_UTF16.to_owned(),
                }),
            };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), UTF8)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), WINDOWS_1252))
        }
    }
}

/// The separator of the header line (the first line with something besides spaces and separators), counted
/// outside quotes: the most frequent of `;`, `,` and tab, `;` on ties (the French default), then `,`.
fn detect_separator(text: &str) -> char {
    const CANDIDATES: [char; 3] = [';', ',', '\t'];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut content = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => content |= !c.is_whitespace(),
            '\r' | '\n' if content => break,
            '\r' | '\n' => counts = [0; 3],
            _ => match CANDIDATES
                .iter()
                .position(|&s| s == c)
                .and_then(|i| counts.get_mut(i))
            {
                Some(count) => *count += 1,
                None => content |= !c.is_whitespace(),
            },
        }
    }
    let mut best = (';', 0);
    for (&separator, &count) in CANDIDATES.iter().zip(&counts) {
        if count > best.1 {
            best = (separator, count);
        }
    }
    best.0
}

/// The non-blank records of the text, each with the line it starts on.
fn records(text: &str, separator: char) -> Result<Vec<(usize, Vec<String>)>, ReadError> {
    // The separator is one of three ASCII characters.
    let delimiter = u8::try_from(separator).unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    loop {
        // csv's position is where the previous record's bytes ended: possibly before blank lines or the `\n` of a
        // `\r\n`; `LineCounter::line_of` steps over those. (csv's own line count ignores lone `\r`.)
        let start = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // Not expected from a slice in flexible mode; reported rather than trusted.
            Err(e) => {
                let line = lines.line_of(usize::try_from(start).unwrap_or(usize::MAX));
                return Err(ReadError {
                    line: Some(line),
                    message: messages::unreadable(&e),
                });
            }
        }
        let line = lines.line_of(usize::try_from(start).unwrap_or(usize::MAX));
        let cells: Vec<String> = record
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).into_owned())
            .collect();
        if !cells.iter().all(|c| is_blank(c)) {
            out.push((line, cells));
        }
    }
    Ok(out)
}

fn is_blank(cell: &str) -> bool {
    cell.trim().is_empty()
}

/// Counts physical lines as a spreadsheet does: `\r\n`, `\n` and a lone `\r` each end one.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The line of the first byte at or after `offset` that is not a line break: where a record really starts.
    /// Offsets must not decrease from one call to the next (an earlier one gets the current line).
    fn line_of(&mut self, offset: usize) -> usize {
        let mut start = offset.min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.at {
            self.line += line_count(self.bytes.get(self.at..start).unwrap_or_default()) - 1;
            self.at = start;
        }
        self.line
    }
}

/// 1 + the line breaks in `bytes`: the number of the line its end is on.
fn line_count(bytes: &[u8]) -> usize {
    let mut breaks = 0;
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        match b {
            b'\n' => breaks += 1,
            b'\r' if iter.peek() != Some(&&b'\n') => breaks += 1,
            _ => {}
        }
    }
    breaks + 1
}

// ---------------------------------------------------------------------------
// Messages (French, for the correspondant)
// ---------------------------------------------------------------------------

mod messages {
    use super::column_letter;

    pub const EMPTY: &str = "fichier vide";
    pub const NO_ROWS: &str = "aucune ligne après l'en-tête";
    pub const BAD_UTF8: &str = "le fichier commence par la marque UTF-8 (BOM) mais contient des octets qui ne \
        sont pas de l'UTF-8 ; enregistrez-le de nouveau au format « CSV UTF-8 »";
    pub const BAD_UTF16: &str = "le fichier commence par la marque UTF-16 (BOM) mais n'est pas de l'UTF-16 \
        valide ; enregistrez-le de nouveau au format « CSV UTF-8 »";

    pub fn unreadable(e: &csv::Error) -> String {
        format!("fichier illisible : {e}")
    }

    /// "14 valeurs pour 12 colonnes (…)"; `others` are the next lines with the same fault.
    pub fn too_long(count: usize, width: usize, separator: char, others: &[usize]) -> String {
        let shown = if separator == '\t' {
            "tabulation".to_owned()
        } else {
            format!("« {separator} »")
        };
        let colonnes = if width > 1 { "colonnes" } else { "colonne" };
        let mut message = format!(
            "{count} valeurs pour {width} {colonnes} de l'en-tête : une valeur contient sans doute le séparateur \
             {shown} sans être entre guillemets"
        );
        if !others.is_empty() {
            const SHOWN: usize = 10;
            let mut list: Vec<String> = others.iter().take(SHOWN).map(usize::to_string).collect();
            if others.len() > SHOWN {
                list.push(format!("… ({} lignes en tout)", others.len() + 1));
            }
            message.push_str(&format!(" ; de même aux lignes {}", list.join(", ")));
        }
        message
    }

    pub fn bad_columns(
        missing: &[&str],
        twice: &[(&str, usize, usize)],
        unknown: &[String],
        expected: &[&str],
    ) -> String {
        let mut parts = Vec::new();
        match missing {
            [] => {}
            [one] => parts.push(format!("colonne obligatoire absente : {one}")),
            many => parts.push(format!(
                "colonnes obligatoires absentes : {}",
                many.join(", ")
            )),
        }
        for (name, first, second) in twice {
            parts.push(format!(
                "la colonne {name} apparaît deux fois (colonnes {} et {})",
                column_letter(*first),
                column_letter(*second)
            ));
        }
        if !missing.is_empty() {
            if !unknown.is_empty() {
                let list: Vec<String> = unknown
                    .iter()
                    .map(|h| format!("« {} »", h.trim()))
                    .collect();
                parts.push(format!("en-têtes non reconnus : {}", list.join(", ")));
            }
            parts.push(format!(
                "en-têtes attendus : {} (casse, accents, espaces, « _ » et « - » indifférents)",
                expected.join(", ")
            ));
        }
        parts.join(" ; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_detection() {
        let cases: &[(&str, &str, char)] = &[
            ("semicolons", "a;b;c\n1,5;2;3", ';'),
            ("commas", "a,b,c\n1;2;3", ','),
            ("tabs", "a\tb\tc\n", '\t'),
            ("tie goes to the semicolon", "a;b,c\n", ';'),
            ("comma beats tab on a tie", "a,b\tc\n", ','),
            ("single column defaults to semicolon", "siret\n1\n", ';'),
            (
                "separators inside quotes do not count",
                "\"a;b;c\",d,e\n",
                ',',
            ),
            (
                "quoted header across lines",
                "\"a\nb;c;d\",e,f\nx;y;z;w\n",
                ',',
            ),
            (
                "a leading ;;; row is skipped for detection",
                ";;;\r\na,b\r\n",
                ',',
            ),
            ("leading blank lines", "\r\n\r\na\tb\n", '\t'),
            ("empty", "", ';'),
        ];
        for (situation, text, expected) in cases {
            assert_eq!(detect_separator(text), *expected, "{situation}");
        }
    }

    #[test]
    fn line_counting() {
        let cases: &[(&str, &[u8], usize)] = &[
            ("nothing", b"", 1),
            ("one lf", b"a\n", 2),
            ("crlf counts once", b"a\r\nb\r\n", 3),
            ("lone cr counts", b"a\rb\r", 3),
            ("cr then lf then cr", b"\r\n\r", 3),
            ("lf cr is two breaks", b"\n\r", 3),
        ];
        for (situation, bytes, expected) in cases {
            assert_eq!(line_count(bytes), *expected, "{situation}");
        }
    }

    #[test]
    fn header_keys() {
        let cases: &[(&str, &str, &str)] = &[
            ("words", "Code postal", "codepostal"),
            ("underscore", "code_postal", "codepostal"),
            ("hyphen and capitals", "CODE-POSTAL", "codepostal"),
            ("already folded", "codepostal", "codepostal"),
            ("accents", "Catégorie", "categorie"),
            (
                "non-breaking space and padding",
                " Raison\u{a0}sociale ",
                "raisonsociale",
            ),
            ("en dash", "adresse–active", "adresseactive"),
            ("stray BOM", "\u{feff}SIRET", "siret"),
            ("ligature", "Œuvre", "oeuvre"),
        ];
        for (situation, header, expected) in cases {
            assert_eq!(header_key(header), *expected, "{situation}");
        }
    }

    #[test]
    fn column_letters() {
        let cases = [
            (0, "A"),
            (1, "B"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (51, "AZ"),
            (52, "BA"),
            (701, "ZZ"),
            (702, "AAA"),
        ];
        for (index, expected) in cases {
            assert_eq!(column_letter(index), expected, "{index}");
        }
        assert!(!column_letter(usize::MAX).is_empty());
    }
}
