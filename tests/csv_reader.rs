//! Issue 5: the spreadsheet reader on files the way spreadsheets write them (Windows-1252 with `;` and accents,
//! UTF-8 with a BOM and `,`, tabs, quoted fields with separators and line breaks, UTF-16 « Texte Unicode »), the
//! matching of headers whatever their order and spelling, the French errors with their line, and a proptest that
//! holds `read` then `columns` to never panicking on arbitrary bytes and to reading back any table written the way
//! a spreadsheet writes it.

use guichet::files::csv::{Columns, ReadError, Row, Table, columns, header_key, read};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::Cell;
use std::time::Instant;

const STRUCTURES: &[(&str, bool)] = &[
    ("siret", true),
    ("raison_sociale", true),
    ("categorie", true),
    ("code_postal", true),
    ("ville", true),
    ("pays", false),
    ("uai", false),
];

fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "{text:?} is not Windows-1252");
    bytes.into_owned()
}

fn bom(text: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// What a file must read as: encoding, separator, headers, then (line, cells) for each row.
struct Reads {
    situation: &'static str,
    bytes: Vec<u8>,
    encoding: &'static str,
    separator: char,
    headers: &'static [&'static str],
    rows: &'static [(usize, &'static [&'static str])],
}

#[test]
fn files_the_way_spreadsheets_write_them() {
    let cases = [
        Reads {
            situation: "Windows-1252 from Excel on a French Windows, ';', accented headers and values",
            bytes: cp1252(
                "SIRET;Raison sociale;Catégorie;Code postal;Ville\r\n\
                 19920131700013;Lycée Émile Zola;EPLE;92000;Nanterre\r\n",
            ),
            encoding: "Windows-1252",
            separator: ';',
            headers: &[
                "SIRET",
                "Raison sociale",
                "Catégorie",
                "Code postal",
                "Ville",
            ],
            rows: &[(
                2,
                &[
                    "19920131700013",
                    "Lycée Émile Zola",
                    "EPLE",
                    "92000",
                    "Nanterre",
                ],
            )],
        },
        Reads {
            situation: "UTF-8 with a BOM and ','",
            bytes: bom("siret,raison_sociale,ville\n19920131700013,Lycée Émile Zola,Nanterre\n"),
            encoding: "UTF-8 (BOM)",
            separator: ',',
            headers: &["siret", "raison_sociale", "ville"],
            rows: &[(2, &["19920131700013", "Lycée Émile Zola", "Nanterre"])],
        },
        Reads {
            situation: "UTF-8 without BOM, ';' default on a single column",
            bytes: "courriel\nanne.lefevre@ac-versailles.fr\n"
                .as_bytes()
                .to_vec(),
            encoding: "UTF-8",
            separator: ';',
            headers: &["courriel"],
            rows: &[(2, &["anne.lefevre@ac-versailles.fr"])],
        },
        Reads {
            situation: "quoted fields with separators, doubled quotes and line breaks; the next lines counted right",
            bytes: cp1252(
                "nom;adresse;ville\r\n\
                 \"Lycée \"\"Les Pins\"\"\";\"12 rue des Écoles\r\nBâtiment B; 2e étage\";Nanterre\r\n\
                 Collège Voltaire;\"1, place de la Gare\";Sceaux\r\n\
                 \"Trois\nlignes\nici\";x;y\r\n\
                 Dernier;z;w\r\n",
            ),
            encoding: "Windows-1252",
            separator: ';',
            headers: &["nom", "adresse", "ville"],
            rows: &[
                (
                    2,
                    &[
                        "Lycée \"Les Pins\"",
                        "12 rue des Écoles\r\nBâtiment B; 2e étage",
                        "Nanterre",
                    ],
                ),
                (4, &["Collège Voltaire", "1, place de la Gare", "Sceaux"]),
                (5, &["Trois\nlignes\nici", "x", "y"]),
                (8, &["Dernier", "z", "w"]),
            ],
        },
        Reads {
            situation: "tab-separated, with commas and semicolons inside values",
            bytes: "siret\tville\tadresse\n19920131700013\tNanterre\t1, rue A; bât. 2\n"
                .as_bytes()
                .to_vec(),
            encoding: "UTF-8",
            separator: '\t',
            headers: &["siret", "ville", "adresse"],
            rows: &[(2, &["19920131700013", "Nanterre", "1, rue A; bât. 2"])],
        },
        Reads {
            situation: "UTF-16LE with BOM, tabs: Excel's « Texte Unicode »",
            bytes: utf16le_bom("Nom\tPrénom\r\nLefèvre\tAnne\r\n"),
            encoding: "UTF-16LE",
            separator: '\t',
            headers: &["Nom", "Prénom"],
            rows: &[(2, &["Lefèvre", "Anne"])],
        },
        Reads {
            situation: "blank lines and emptied ';;;' rows skipped, their lines still counted",
            bytes: "\r\nnom;ville;pays\r\n\r\nA;B;C\r\n;;\r\n  ; ;\r\nD;E;F\r\n\r\n"
                .as_bytes()
                .to_vec(),
            encoding: "UTF-8",
            separator: ';',
            headers: &["nom", "ville", "pays"],
            rows: &[(4, &["A", "B", "C"]), (7, &["D", "E", "F"])],
        },
        Reads {
            situation: "trailing separators: empty header cells dropped, empty extra cells dropped, short rows kept",
            bytes: "nom;ville;;\nA;B;;;;\nC\nD;;\n".as_bytes().to_vec(),
            encoding: "UTF-8",
            separator: ';',
            headers: &["nom", "ville"],
            rows: &[(2, &["A", "B"]), (3, &["C"]), (4, &["D", ""])],
        },
        Reads {
            situation: "old Mac line endings (lone CR) count as lines",
            bytes: "nom;ville\rA;B\r\rC;D\r".as_bytes().to_vec(),
            encoding: "UTF-8",
            separator: ';',
            headers: &["nom", "ville"],
            rows: &[(2, &["A", "B"]), (4, &["C", "D"])],
        },
        Reads {
            situation: "no final line break",
            bytes: "nom,ville\nA,B".as_bytes().to_vec(),
            encoding: "UTF-8",
            separator: ',',
            headers: &["nom", "ville"],
            rows: &[(2, &["A", "B"])],
        },
    ];
    for case in cases {
        let table = read(&case.bytes).unwrap_or_else(|e| panic!("{}: {e}", case.situation));
        let expected = Table {
            headers: case.headers.iter().map(|h| h.to_string()).collect(),
            rows: case
                .rows
                .iter()
                .map(|(line, cells)| Row {
                    line: *line,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                })
                .collect(),
            encoding: case.encoding,
            separator: case.separator,
        };
        assert_eq!(table, expected, "{}", case.situation);
    }
}

#[test]
fn files_that_cannot_be_read() {
    let mut twelve = String::from("c1;c2;c3;c4;c5;c6;c7;c8;c9;c10;c11;c12\r\n");
    for _ in 2..=6 {
        twelve.push_str("1;2;3;4;5;6;7;8;9;10;11;12\r\n");
    }
    twelve.push_str("1;2;3;4;5;6;7;8;9;10;11;12;13;14\r\n");
    let mut many_too_long = String::from("a,b\n");
    for _ in 0..15 {
        many_too_long.push_str("1,2,3\n");
    }
    let cases: [(&str, Vec<u8>, Option<usize>, &str); 9] = [
        ("empty file", vec![], None, "fichier vide"),
        ("only a BOM", b"\xEF\xBB\xBF".to_vec(), None, "fichier vide"),
        (
            "only blank lines and emptied rows",
            b"\r\n\r\n;;;\r\n".to_vec(),
            None,
            "fichier vide",
        ),
        (
            "header only",
            b"siret;nom\r\n".to_vec(),
            None,
            "aucune ligne apr\u{e8}s l'en-t\u{ea}te",
        ),
        (
            "header then blank rows",
            b"siret;nom\r\n;\r\n\r\n".to_vec(),
            None,
            "aucune ligne apr\u{e8}s l'en-t\u{ea}te",
        ),
        (
            "line 7 has 14 values for 12 columns",
            twelve.into_bytes(),
            Some(7),
            "ligne 7 : 14 valeurs pour 12 colonnes",
        ),
        (
            "every too-long line is listed",
            many_too_long.into_bytes(),
            Some(2),
            "ligne 2 : 3 valeurs pour 2 colonnes de l'en-t\u{ea}te : une valeur contient sans doute le s\u{e9}parateur \
             \u{ab} , \u{bb} sans \u{ea}tre entre guillemets ; de m\u{ea}me aux lignes 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, \
             \u{2026} (15 lignes en tout)",
        ),
        (
            "a UTF-8 BOM then Windows-1252 bytes on line 3",
            [
                b"\xEF\xBB\xBFnom;ville\r\nA;B\r\nLyc".as_slice(),
                b"\xE9e;C\r\n",
            ]
            .concat(),
            Some(3),
            "ligne 3 : le fichier commence par la marque UTF-8 (BOM)",
        ),
        (
            "a UTF-16 BOM then an odd byte count",
            b"\xFF\xFEn\x00o".to_vec(),
            None,
            "le fichier commence par la marque UTF-16",
        ),
    ];
    for (situation, bytes, line, starts) in cases {
        let error = read(&bytes).expect_err(situation);
        assert_eq!(error.line, line, "{situation}");
        assert!(
            error.to_string().starts_with(starts),
            "{situation}: {error}"
        );
    }
}

fn table(text: &str) -> Table {
    read(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn headers_are_matched_in_any_order_and_spelling() {
    let cases = [
        (
            "canonical",
            "siret;raison_sociale;categorie;code_postal;ville",
        ),
        (
            "as a person types them",
            "SIRET;Raison sociale;Catégorie;Code postal;Ville",
        ),
        (
            "shuffled, hyphens and capitals",
            "VILLE;CODE-POSTAL;Siret;RAISON-SOCIALE;catégorie",
        ),
        (
            "glued and padded",
            " codepostal ;raisonsociale;CATEGORIE;ville;siret",
        ),
        (
            "non-breaking space, extra unknown columns",
            "N°;siret;Raison\u{a0}sociale;Catégorie;Code postal;Ville;Observations",
        ),
    ];
    for (situation, header) in cases {
        let header_cells: Vec<&str> = header.split(';').collect();
        let values: Vec<String> = header_cells
            .iter()
            .map(|h| match header_key(h).as_str() {
                "siret" => "19920131700013".to_owned(),
                "raisonsociale" => " Lycée Émile Zola ".to_owned(),
                "categorie" => "EPLE".to_owned(),
                "codepostal" => "92000".to_owned(),
                "ville" => "Nanterre".to_owned(),
                other => format!("autre:{other}"),
            })
            .collect();
        let t = table(&format!("{header}\n{}\n", values.join(";")));
        let cols = columns(&t, STRUCTURES).unwrap_or_else(|e| panic!("{situation}: {e}"));
        let row = &t.rows[0];
        assert_eq!(
            cols.get(row, "siret"),
            Some("19920131700013"),
            "{situation}"
        );
        assert_eq!(
            cols.get(row, "raison_sociale"),
            Some("Lycée Émile Zola"),
            "{situation}: trimmed"
        );
        assert_eq!(cols.get(row, "categorie"), Some("EPLE"), "{situation}");
        assert_eq!(cols.get(row, "code_postal"), Some("92000"), "{situation}");
        assert_eq!(cols.get(row, "ville"), Some("Nanterre"), "{situation}");
        assert_eq!(
            cols.get(row, "pays"),
            None,
            "{situation}: optional column absent"
        );
        assert_eq!(
            cols.index("uai"),
            None,
            "{situation}: optional column absent"
        );
        let position = header_cells
            .iter()
            .position(|h| header_key(h) == "codepostal");
        assert_eq!(cols.index("code_postal"), position, "{situation}");
        assert_eq!(
            cols.header("code_postal"),
            position.map(|i| header_cells[i]),
            "{situation}"
        );
    }
}

#[test]
fn unknown_columns_are_ignored_and_listed() {
    let t = table("N°;siret;nom;Observations;;ville\n1;19920131700013;Zola;à rappeler;;Nanterre\n");
    let cols = columns(&t, &[("siret", true), ("nom", true), ("ville", false)]).expect("columns");
    assert_eq!(cols.unknown(), ["N°".to_owned(), "Observations".to_owned()]);
    assert_eq!(cols.get(&t.rows[0], "ville"), Some("Nanterre"));
}

#[test]
fn missing_and_absent_values() {
    let t =
        table("siret;ville;pays\n19920131700013;Nanterre;FR\n19920131700013;  \n19920131700013\n");
    let cols: Columns =
        columns(&t, &[("siret", true), ("ville", true), ("pays", false)]).expect("columns");
    let cases = [
        ("every value present", 0, Some("Nanterre"), Some("FR")),
        ("blank cell and row shorter than the header", 1, None, None),
        ("a row with only its first cell", 2, None, None),
    ];
    for (situation, i, ville, pays) in cases {
        assert_eq!(cols.get(&t.rows[i], "ville"), ville, "{situation}");
        assert_eq!(cols.get(&t.rows[i], "pays"), pays, "{situation}");
        assert_eq!(cols.get(&t.rows[i], "not expected"), None, "{situation}");
    }
}

#[test]
fn column_errors_name_what_is_wrong() {
    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "one required column missing",
            "siret;raison sociale;catégorie;ville\n1;2;3;4\n",
            &[
                "colonne obligatoire absente : code_postal",
                "en-têtes attendus : siret, raison_sociale",
            ],
        ),
        (
            "several missing, with the unknown headers that may be the misspelt ones",
            "N° SIRET;Raison sociale;Catégorie;CP;Ville\n1;2;3;4;5\n",
            &[
                "colonnes obligatoires absentes : siret, code_postal",
                "en-têtes non reconnus : « N° SIRET », « CP »",
            ],
        ),
        (
            "a column present twice",
            "siret;raison_sociale;categorie;code_postal;ville;SIRET\n1;2;3;4;5;6\n",
            &["la colonne siret apparaît deux fois (colonnes A et F)"],
        ),
        (
            "an optional column present twice",
            "siret;raison_sociale;categorie;code_postal;ville;uai;UAI\n1;2;3;4;5;6;7\n",
            &["la colonne uai apparaît deux fois (colonnes F et G)"],
        ),
    ];
    for (situation, text, parts) in cases {
        let error: ReadError = columns(&table(text), STRUCTURES).expect_err(situation);
        assert_eq!(error.line, None, "{situation}");
        for part in parts {
            assert!(
                error.message.contains(part),
                "{situation}: {:?} lacks {part:?}",
                error.message
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const EXPECTED: &[(&str, bool)] = &[
    ("siret", true),
    ("nom", false),
    ("a", false),
    ("code_postal", false),
];

thread_local! {
    /// Tables read by `read_and_check` on this test's thread, to show that the properties ran on tables and not
    /// only on errors.
    static TABLES: Cell<usize> = const { Cell::new(0) };
}

/// Runs `read` then `columns` and checks what must hold of any table it returns.
fn read_and_check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(table) = read(bytes) else {
        return Ok(());
    };
    TABLES.set(TABLES.get() + 1);
    prop_assert!(!table.headers.is_empty());
    prop_assert!(!table.rows.is_empty());
    prop_assert!([';', ',', '\t'].contains(&table.separator));
    prop_assert!(
        [
            "UTF-8",
            "UTF-8 (BOM)",
            "Windows-1252",
            "UTF-16LE",
            "UTF-16BE"
        ]
        .contains(&table.encoding)
    );
    let mut previous = 1;
    for row in &table.rows {
        prop_assert!(row.line > previous, "lines {} then {}", previous, row.line);
        prop_assert!(row.cells.len() <= table.headers.len());
        previous = row.line;
    }
    let mut expected: Vec<(&str, bool)> = EXPECTED.to_vec();
    if let Some(first) = table.headers.first() {
        expected.push((first.as_str(), true));
    }
    for expected in [&expected[..], EXPECTED] {
        if let Ok(cols) = columns(&table, expected) {
            for row in &table.rows {
                for (name, _) in expected {
                    let _ = cols.get(row, name);
                    let _ = cols.header(name);
                }
            }
        }
    }
    Ok(())
}

fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    TABLES.set(0);
    let start = Instant::now();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
    let tables = TABLES.get();
    eprintln!(
        "{name}: {cases} cases in {:.2?} ({tables} read as tables)",
        start.elapsed()
    );
}

#[test]
fn never_panics_on_arbitrary_bytes() {
    let prefix = prop_oneof![
        Just(vec![]),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"\xFE\xFF".to_vec()),
    ];
    let strategy = (prefix, prop::collection::vec(any::<u8>(), 0..4096))
        .prop_map(|(prefix, bytes)| [prefix, bytes].concat());
    run("arbitrary bytes", 1000, strategy, |bytes| {
        read_and_check(&bytes)
    });
}

/// Pieces of almost-CSV: separators, quotes, line breaks, accents in UTF-8 and in Windows-1252, stray bytes.
const PIECES: &[&[u8]] = &[
    b"a",
    b"siret",
    b"Nom",
    b"code_postal",
    b" ",
    b";",
    b",",
    b"\t",
    b"\"",
    b"\"\"",
    b"\r\n",
    b"\n",
    b"\r",
    "Lycée".as_bytes(),
    b"Lyc\xE9e",
    b"\xFF",
    b"\x80",
    b"\xC3",
    b"\xEF\xBB\xBF",
    b"\x00",
    b"12345",
];

#[test]
fn never_panics_on_near_csv() {
    let cell = (
        any::<bool>(),
        prop::collection::vec(prop::sample::select(PIECES), 0..4),
    );
    // The header is as wide as the widest line, as in a file a spreadsheet wrote (then the pieces move cells).
    let lines = (1usize..8).prop_flat_map(move |width| {
        (
            prop::collection::vec(cell.clone(), width),
            prop::collection::vec(prop::collection::vec(cell.clone(), 0..=width), 0..12),
        )
            .prop_map(|(header, mut lines)| {
                lines.insert(0, header);
                lines
            })
    });
    let strategy = (
        prop::sample::select(vec![b";".as_slice(), b",", b"\t"]),
        prop::sample::select(vec![b"\r\n".as_slice(), b"\n", b"\r"]),
        any::<bool>(),
        lines,
    )
        .prop_map(|(separator, end, with_bom, lines)| {
            let mut bytes = if with_bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                vec![]
            };
            for line in lines {
                for (i, (quoted, pieces)) in line.into_iter().enumerate() {
                    if i > 0 {
                        bytes.extend_from_slice(separator);
                    }
                    if quoted {
                        bytes.push(b'"');
                    }
                    bytes.extend(pieces.concat());
                    if quoted {
                        bytes.push(b'"');
                    }
                }
                bytes.extend_from_slice(end);
            }
            bytes
        });
    run("near-CSV", 1000, strategy, |bytes| read_and_check(&bytes));
}

/// Writes a table as a spreadsheet does: a cell is quoted when it holds a separator, a quote or a line break.
fn write(rows: &[Vec<String>], separator: char, end: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([';', ',', '\t', '"', '\r', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(&separator.to_string()));
        out.push_str(end);
    }
    out
}

/// Line breaks as a spreadsheet counts them.
fn breaks(s: &str) -> usize {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\r')
        .count()
}

#[test]
fn reads_back_what_a_spreadsheet_writes() {
    // Windows-1252 letters are all ≥ 0xC0 and followed by ASCII or another such letter: never valid UTF-8, as in
    // real French text ("Lycée" is 4C 79 63 E9 65); a Windows-1252 file that happens to be valid UTF-8 is read as
    // UTF-8, which no test can avoid.
    let chars = prop::sample::select(vec![
        'a', 'Z', '0', ' ', 'é', 'È', 'à', 'ç', 'ô', ';', ',', '\t', '"', '\r', '\n',
    ]);
    let cell = prop::collection::vec(chars, 0..6).prop_map(|cs| cs.into_iter().collect::<String>());
    let header = "[a-zA-Zé]{1,6}( [a-z]{1,4})?";
    let strategy = (2usize..6).prop_flat_map(move |width| {
        (
            prop::collection::vec(header, width),
            prop::collection::vec(prop::collection::vec(cell.clone(), width), 1..8),
            prop::sample::select(vec![';', ',', '\t']),
            prop::sample::select(vec!["\r\n", "\n"]),
            0..3u8,
        )
    });
    run(
        "round trip",
        500,
        strategy,
        |(headers, rows, separator, end, encoding)| {
            let mut all = vec![headers.clone()];
            all.extend(rows.iter().cloned());
            let text = write(&all, separator, end);
            let (bytes, expected_encoding) = match encoding {
                0 => (text.as_bytes().to_vec(), "UTF-8"),
                1 => (bom(&text), "UTF-8 (BOM)"),
                _ if text.is_ascii() => (text.as_bytes().to_vec(), "UTF-8"),
                _ => (cp1252(&text), "Windows-1252"),
            };
            let mut expected_rows = Vec::new();
            let mut line = 1 + 1 + headers.iter().map(|h| breaks(h)).sum::<usize>();
            for cells in rows {
                let next = line + 1 + cells.iter().map(|c| breaks(c)).sum::<usize>();
                if !cells.iter().all(|c| c.trim().is_empty()) {
                    expected_rows.push(Row { line, cells });
                }
                line = next;
            }
            let result = read(&bytes);
            if expected_rows.is_empty() {
                prop_assert!(result.is_err());
                return Ok(());
            }
            let table = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
            TABLES.set(TABLES.get() + 1);
            prop_assert_eq!(
                table,
                Table {
                    headers,
                    rows: expected_rows,
                    encoding: expected_encoding,
                    separator
                }
            );
            Ok(())
        },
    );
}
