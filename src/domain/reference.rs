//! The referentiel compiled into guichet: departments and their académie, the
//! 30 académies and their seat, the generic e-mail words and the personal
//! webmail domains (rule R5 helpers).
//!
//! For: looking up these fixed lists, loaded once from `assets/referentiel/`
//! through `include_str!`. Not for: deciding a rule's outcome or wording the
//! message shown to the user (the rules do that), nor for parsing identifiers
//! (see `ids`).

use std::sync::LazyLock;

use super::ids::fold;

const DEPARTEMENTS_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/referentiel/departements.csv"
));
const ACADEMIES_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/referentiel/academies.csv"
));
const GENERIC_WORDS_TXT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/referentiel/adresses_generiques.txt"
));
const WEBMAILS_TXT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/referentiel/webmails.txt"
));

/// A department of the referentiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepartementRef {
    /// "01".."95", "2A", "2B", "971".."976".
    pub code: &'static str,
    /// Official name with accents, e.g. "Hauts-de-Seine".
    pub name: &'static str,
    /// Name of the académie, exactly as in `academies.csv`.
    pub academie: &'static str,
}

/// An académie of the referentiel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcademieRef {
    /// Name with accents, e.g. "Nancy-Metz".
    pub name: &'static str,
    /// Department code of the rectorat's seat.
    pub seat: &'static str,
}

/// Data lines of a `;`-separated file with the given header, as trimmed fields.
fn csv_rows(
    text: &'static str,
    file: &str,
    header: &[&str],
) -> Result<Vec<Vec<&'static str>>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start_matches('\u{feff}').trim()))
        .filter(|(_, l)| !l.is_empty());
    let Some((_, first)) = lines.next() else {
        return Err(format!("{file} : fichier vide"));
    };
    let found: Vec<&str> = first.split(';').map(str::trim).collect();
    if found != header {
        return Err(format!(
            "{file} : en-tête « {first} » au lieu de « {} »",
            header.join(";")
        ));
    }
    lines
        .map(|(n, line)| {
            let fields: Vec<&'static str> = line.split(';').map(str::trim).collect();
            if fields.len() != header.len() || fields.iter().any(|f| f.is_empty()) {
                Err(format!(
                    "{file}, ligne {n} : « {line} » n'a pas {} champs non vides",
                    header.len()
                ))
            } else {
                Ok(fields)
            }
        })
        .collect()
}

fn parse_departements(text: &'static str) -> Result<Vec<DepartementRef>, String> {
    csv_rows(text, "departements.csv", &["code", "nom", "academie"])?
        .into_iter()
        .map(|f| {
            Ok(DepartementRef {
                code: f[0],
                name: f[1],
                academie: f[2],
            })
        })
        .collect()
}

fn parse_academies(text: &'static str) -> Result<Vec<AcademieRef>, String> {
    csv_rows(text, "academies.csv", &["nom", "siege"])?
        .into_iter()
        .map(|f| {
            Ok(AcademieRef {
                name: f[0],
                seat: f[1],
            })
        })
        .collect()
}

/// One entry a line; '#' starts a comment; blank lines skipped.
fn parse_word_list(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect()
}

// The assets are compiled in; the tests `assets_parse` and
// `referentiel_is_consistent` prove they parse, so these cannot fail at run time.
static DEPARTEMENTS: LazyLock<Vec<DepartementRef>> = LazyLock::new(|| {
    parse_departements(DEPARTEMENTS_CSV)
        .expect("invariant : departements.csv est compilé dans guichet et vérifié par les tests")
});
static ACADEMIES: LazyLock<Vec<AcademieRef>> = LazyLock::new(|| {
    parse_academies(ACADEMIES_CSV)
        .expect("invariant : academies.csv est compilé dans guichet et vérifié par les tests")
});
static GENERIC_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| parse_word_list(GENERIC_WORDS_TXT));
static WEBMAILS: LazyLock<Vec<&'static str>> = LazyLock::new(|| parse_word_list(WEBMAILS_TXT));

/// All departments, in file order (01..95, 2A, 2B, 971..976).
pub fn departements() -> &'static [DepartementRef] {
    &DEPARTEMENTS
}

/// The 30 académies, in file order.
pub fn academies() -> &'static [AcademieRef] {
    &ACADEMIES
}

/// The department with this code; accepts lower case ("2a") and surrounding blanks.
pub fn departement(code: &str) -> Option<&'static DepartementRef> {
    let code = code.trim().to_ascii_uppercase();
    departements().iter().find(|d| d.code == code)
}

/// Key used to compare académie names: folded, without a leading "académie de",
/// "académie d'" or "la", and without spaces, hyphens and apostrophes.
fn academie_key(name: &str) -> String {
    let folded = fold(name.trim()).replace(['\u{2019}', '\u{2018}'], "'");
    let mut rest = folded.trim();
    for prefix in ["academie de ", "academie d'", "academie "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    for prefix in ["la ", "l'"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    rest.chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '\''))
        .collect()
}

/// The académie with this name, ignoring case, accents, spaces, hyphens and a
/// leading "la " / "académie de " / "académie d'": "nancy metz", "Académie de La Réunion".
pub fn academie(name: &str) -> Option<&'static AcademieRef> {
    let key = academie_key(name);
    if key.is_empty() {
        return None;
    }
    academies().iter().find(|a| academie_key(a.name) == key)
}

/// The académie a department belongs to.
pub fn academie_of(departement_code: &str) -> Option<&'static AcademieRef> {
    let dep = departement(departement_code)?;
    academies().iter().find(|a| a.name == dep.academie)
}

/// True when `token` is shaped like a UAI: 7 digits then a letter (check letter not verified).
fn is_uai_shaped(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() == 8 && b[..7].iter().all(u8::is_ascii_digit) && b[7].is_ascii_alphabetic()
}

/// R5 helpers. The local part is generic when, after fold(), it equals one of the listed generic words, or starts with one followed by '.', '-' or '_' or digits (e.g. "contact", "accueil2", "secretariat.lycee"), or is "ce.<uai>" / "int.<uai>" / "gestion.<uai>"-style (a listed prefix then a UAI, case-insensitive: "ce.0920131t").
///
/// Any part of the local part (between '.', '-', '_' or '+') that is a UAI, alone
/// or glued after a listed word ("ce0920131t"), makes it generic too: a person's
/// address never carries an établissement's UAI.
pub fn is_generic_local_part(local: &str) -> bool {
    // '.', '_' and '-' separate words alike: "agent.comptable" is the listed "agent-comptable".
    let same_separators = |s: &str| s.replace(['.', '_'], "-");
    let local = same_separators(&fold(local.trim()));
    if local.is_empty() {
        return false;
    }
    let words: Vec<String> = GENERIC_WORDS.iter().map(|w| same_separators(w)).collect();
    let starts_with_word = words.iter().any(|w| {
        local.strip_prefix(w.as_str()).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| matches!(c, '.' | '-' | '_') || c.is_ascii_digit())
        })
    });
    if starts_with_word {
        return true;
    }
    local.split(['.', '-', '_', '+']).any(|token| {
        token.len() >= 8
            && token.is_char_boundary(token.len() - 8)
            && is_uai_shaped(&token[token.len() - 8..])
            && {
                let head = &token[..token.len() - 8];
                head.is_empty() || words.iter().any(|w| w == head)
            }
    })
}

/// True when `suffix` looks like a top-level suffix: "fr", "com", "co.uk", "com.br".
fn is_tld_like(suffix: &str) -> bool {
    let labels: Vec<&str> = suffix.split('.').collect();
    let letters = |l: &&str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase());
    match labels.as_slice() {
        [tld] => letters(tld),
        [second, tld] => letters(second) && second.len() <= 3 && letters(tld),
        _ => false,
    }
}

/// The domain is a personal webmail: exact entries (gmail.com, googlemail.com, orange.fr, wanadoo.fr, free.fr, sfr.fr, neuf.fr, laposte.net, bbox.fr, aol.com, icloud.com, me.com, gmx.fr, gmx.com, protonmail.com, proton.me, live.fr, msn.com, outlook.fr, outlook.com, numericable.fr, club-internet.fr, aliceadsl.fr, yandex.ru, mail.com, …) and wildcard entries written "hotmail.*", "yahoo.*", "live.*" matching any top-level suffix (hotmail.fr, hotmail.co.uk, yahoo.fr, yahoo.com). File webmails.txt, one a line, '#' comments.
///
/// A wildcard's suffix must look like a top-level suffix (one label, or two
/// whose first has at most 3 letters, such as "co.uk"), so "live.*" does not
/// match "live.lycee-exemple.fr".
pub fn is_personal_webmail(domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() {
        return false;
    }
    WEBMAILS.iter().any(|entry| match entry.strip_suffix(".*") {
        Some(name) => domain
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(is_tld_like),
        None => domain == *entry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{Email, normalize_departement};

    const THE_30: [&str; 30] = [
        "Aix-Marseille",
        "Amiens",
        "Besançon",
        "Bordeaux",
        "Clermont-Ferrand",
        "Corse",
        "Créteil",
        "Dijon",
        "Grenoble",
        "Guadeloupe",
        "Guyane",
        "La Réunion",
        "Lille",
        "Limoges",
        "Lyon",
        "Martinique",
        "Mayotte",
        "Montpellier",
        "Nancy-Metz",
        "Nantes",
        "Nice",
        "Normandie",
        "Orléans-Tours",
        "Paris",
        "Poitiers",
        "Reims",
        "Rennes",
        "Strasbourg",
        "Toulouse",
        "Versailles",
    ];

    #[test]
    fn assets_parse() {
        parse_departements(DEPARTEMENTS_CSV).unwrap();
        parse_academies(ACADEMIES_CSV).unwrap();
        assert!(!parse_word_list(GENERIC_WORDS_TXT).is_empty());
        assert!(!parse_word_list(WEBMAILS_TXT).is_empty());
    }

    #[test]
    fn malformed_assets_are_reported() {
        let cases: [(&str, &'static str, &str); 4] = [
            ("empty file", "", "fichier vide"),
            (
                "wrong header",
                "code,nom,academie\n01,Ain,Lyon\n",
                "en-tête",
            ),
            ("missing field", "code;nom;academie\n01;Ain\n", "ligne 2"),
            ("empty field", "code;nom;academie\n01;;Lyon\n", "ligne 2"),
        ];
        for (name, text, fragment) in cases {
            let err = parse_departements(text).unwrap_err();
            assert!(err.contains(fragment), "{name}: {err}");
        }
        assert!(parse_academies("nom;siege\nCorse\n").is_err());
    }

    #[test]
    fn referentiel_is_consistent() {
        let deps = departements();
        let acads = academies();
        assert_eq!(
            deps.len(),
            102,
            "101 départements plus Saint-Pierre-et-Miquelon"
        );
        assert_eq!(acads.len(), 30);

        let mut names: Vec<&str> = acads.iter().map(|a| a.name).collect();
        names.sort_unstable();
        let mut expected = THE_30.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected, "the 30 académies of the post-2020 map");

        let mut codes: Vec<&str> = deps.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), deps.len(), "department codes are unique");

        for d in deps {
            assert_eq!(
                normalize_departement(d.code).as_deref(),
                Ok(d.code),
                "{} is a canonical code",
                d.code
            );
            assert!(
                acads.iter().any(|a| a.name == d.academie),
                "académie « {} » of {} is in academies.csv",
                d.academie,
                d.code
            );
        }
        for a in acads {
            let seat = departement(a.seat)
                .unwrap_or_else(|| panic!("seat {} of {} is a department", a.seat, a.name));
            assert_eq!(
                seat.academie, a.name,
                "seat of {} is in its académie",
                a.name
            );
        }
    }

    #[test]
    fn every_code_the_ids_accept_is_known() {
        let mut accepted = Vec::new();
        for n in 0..1000 {
            for code in [format!("{n:02}"), format!("{n}")] {
                if let Ok(c) = normalize_departement(&code) {
                    accepted.push(c);
                }
            }
        }
        for c in ["2A", "2B"] {
            accepted.push(normalize_departement(c).unwrap());
        }
        accepted.sort_unstable();
        accepted.dedup();
        assert_eq!(accepted.len(), departements().len());
        for c in &accepted {
            assert!(departement(c).is_some(), "{c}");
        }
    }

    #[test]
    fn file_order() {
        let codes: Vec<&str> = departements().iter().map(|d| d.code).collect();
        assert_eq!(codes[0], "01");
        assert_eq!(codes[93], "95");
        assert_eq!(
            &codes[94..],
            ["2A", "2B", "971", "972", "973", "974", "975", "976"]
        );
        assert!(!codes.contains(&"20"));
    }

    #[test]
    fn departements_and_their_academie() {
        let cases = [
            (
                "Hauts-de-Seine belongs to the Versailles académie",
                "92",
                "Hauts-de-Seine",
                "Versailles",
            ),
            (
                "Essonne belongs to Versailles",
                "91",
                "Essonne",
                "Versailles",
            ),
            (
                "Val-d'Oise belongs to Versailles",
                "95",
                "Val-d'Oise",
                "Versailles",
            ),
            (
                "Yvelines belongs to Versailles",
                "78",
                "Yvelines",
                "Versailles",
            ),
            (
                "Seine-Saint-Denis belongs to Créteil",
                "93",
                "Seine-Saint-Denis",
                "Créteil",
            ),
            (
                "Val-de-Marne belongs to Créteil",
                "94",
                "Val-de-Marne",
                "Créteil",
            ),
            (
                "Seine-et-Marne belongs to Créteil",
                "77",
                "Seine-et-Marne",
                "Créteil",
            ),
            ("Paris is its own académie", "75", "Paris", "Paris"),
            (
                "Alpes-Maritimes belongs to Nice",
                "06",
                "Alpes-Maritimes",
                "Nice",
            ),
            ("Var belongs to Nice", "83", "Var", "Nice"),
            (
                "Alpes-de-Haute-Provence belongs to Aix-Marseille",
                "04",
                "Alpes-de-Haute-Provence",
                "Aix-Marseille",
            ),
            (
                "Hautes-Alpes belongs to Aix-Marseille",
                "05",
                "Hautes-Alpes",
                "Aix-Marseille",
            ),
            (
                "Bouches-du-Rhône belongs to Aix-Marseille",
                "13",
                "Bouches-du-Rhône",
                "Aix-Marseille",
            ),
            (
                "Vaucluse belongs to Aix-Marseille",
                "84",
                "Vaucluse",
                "Aix-Marseille",
            ),
            ("Eure belongs to Normandie", "27", "Eure", "Normandie"),
            (
                "Seine-Maritime belongs to Normandie",
                "76",
                "Seine-Maritime",
                "Normandie",
            ),
            (
                "Calvados belongs to Normandie",
                "14",
                "Calvados",
                "Normandie",
            ),
            ("Manche belongs to Normandie", "50", "Manche", "Normandie"),
            ("Orne belongs to Normandie", "61", "Orne", "Normandie"),
            (
                "Moselle belongs to Nancy-Metz",
                "57",
                "Moselle",
                "Nancy-Metz",
            ),
            (
                "Meurthe-et-Moselle belongs to Nancy-Metz",
                "54",
                "Meurthe-et-Moselle",
                "Nancy-Metz",
            ),
            ("Meuse belongs to Nancy-Metz", "55", "Meuse", "Nancy-Metz"),
            ("Vosges belongs to Nancy-Metz", "88", "Vosges", "Nancy-Metz"),
            (
                "Bas-Rhin belongs to Strasbourg",
                "67",
                "Bas-Rhin",
                "Strasbourg",
            ),
            (
                "Haut-Rhin belongs to Strasbourg",
                "68",
                "Haut-Rhin",
                "Strasbourg",
            ),
            (
                "Haute-Savoie belongs to Grenoble",
                "74",
                "Haute-Savoie",
                "Grenoble",
            ),
            ("Savoie belongs to Grenoble", "73", "Savoie", "Grenoble"),
            ("Isère belongs to Grenoble", "38", "Isère", "Grenoble"),
            ("Drôme belongs to Grenoble", "26", "Drôme", "Grenoble"),
            ("Ardèche belongs to Grenoble", "07", "Ardèche", "Grenoble"),
            ("Ain belongs to Lyon", "01", "Ain", "Lyon"),
            ("Loire belongs to Lyon", "42", "Loire", "Lyon"),
            ("Rhône belongs to Lyon", "69", "Rhône", "Lyon"),
            (
                "Corse-du-Sud, lower-case code",
                "2a",
                "Corse-du-Sud",
                "Corse",
            ),
            ("Haute-Corse", "2B", "Haute-Corse", "Corse"),
            (
                "Territoire de Belfort belongs to Besançon",
                "90",
                "Territoire de Belfort",
                "Besançon",
            ),
            (
                "Guadeloupe is its own académie",
                "971",
                "Guadeloupe",
                "Guadeloupe",
            ),
            (
                "Martinique is its own académie",
                "972",
                "Martinique",
                "Martinique",
            ),
            ("Guyane is its own académie", "973", "Guyane", "Guyane"),
            (
                "La Réunion is its own académie",
                "974",
                "La Réunion",
                "La Réunion",
            ),
            (
                "Saint-Pierre-et-Miquelon is attached to Normandie",
                "975",
                "Saint-Pierre-et-Miquelon",
                "Normandie",
            ),
            ("Mayotte is its own académie", "976", "Mayotte", "Mayotte"),
        ];
        for (name, code, dep_name, acad) in cases {
            let d = departement(code).unwrap_or_else(|| panic!("{name}: unknown code"));
            assert_eq!(d.name, dep_name, "{name}");
            assert_eq!(d.academie, acad, "{name}");
            assert_eq!(academie_of(code).map(|a| a.name), Some(acad), "{name}");
        }
    }

    #[test]
    fn unknown_departements() {
        for (name, code) in [
            ("the old Corsica code", "20"),
            ("no leading zero", "1"),
            ("Saint-Barthélemy has no row", "977"),
            ("empty", ""),
        ] {
            assert!(departement(code).is_none(), "{name}");
            assert!(academie_of(code).is_none(), "{name}");
        }
    }

    #[test]
    fn academie_seats() {
        let cases = [
            ("the seat of Corse is Corse-du-Sud", "Corse", "2A"),
            ("the seat of Normandie is Calvados", "Normandie", "14"),
            (
                "the seat of Nancy-Metz is Meurthe-et-Moselle",
                "Nancy-Metz",
                "54",
            ),
            ("the seat of Créteil is Val-de-Marne", "Créteil", "94"),
            ("the seat of Nice is Alpes-Maritimes", "Nice", "06"),
            ("the seat of Versailles is Yvelines", "Versailles", "78"),
            ("the seat of Orléans-Tours is Loiret", "Orléans-Tours", "45"),
            ("the seat of La Réunion is La Réunion", "La Réunion", "974"),
        ];
        for (name, acad, seat) in cases {
            assert_eq!(academie(acad).map(|a| a.seat), Some(seat), "{name}");
        }
    }

    #[test]
    fn academie_lookup() {
        let cases = [
            ("exact name", "Nancy-Metz", Some("Nancy-Metz")),
            (
                "space instead of hyphen, lower case",
                "nancy metz",
                Some("Nancy-Metz"),
            ),
            ("glued", "NANCYMETZ", Some("Nancy-Metz")),
            ("with its article", "La Réunion", Some("La Réunion")),
            ("without article or accent", "reunion", Some("La Réunion")),
            (
                "académie de …",
                "Académie de La Réunion",
                Some("La Réunion"),
            ),
            (
                "académie d'…",
                "académie d'Aix-Marseille",
                Some("Aix-Marseille"),
            ),
            (
                "typographic apostrophe",
                "Académie d’Orléans-Tours",
                Some("Orléans-Tours"),
            ),
            ("no accent", "creteil", Some("Créteil")),
            ("surrounding blanks", "  Besancon ", Some("Besançon")),
            ("a city that is not an académie", "Marseille", None),
            ("an old académie merged in 2020", "Rouen", None),
            ("empty", "", None),
            ("only the prefix", "académie de ", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(academie(input).map(|a| a.name), want, "{name}");
        }
    }

    #[test]
    fn word_lists_are_clean() {
        for (file, list) in [
            ("adresses_generiques.txt", &*GENERIC_WORDS),
            ("webmails.txt", &*WEBMAILS),
        ] {
            let mut sorted = list.clone();
            sorted.sort_unstable();
            let before = sorted.len();
            sorted.dedup();
            assert_eq!(before, sorted.len(), "{file}: duplicates");
            for w in list.iter() {
                assert_eq!(fold(w), *w, "{file}: « {w} » lower case without accent");
                assert!(
                    w.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b"-.*".contains(&b)),
                    "{file}: « {w} »"
                );
            }
        }
        for w in GENERIC_WORDS.iter() {
            assert!(!w.contains(['*', '.']), "adresses_generiques.txt: « {w} »");
        }
        for w in WEBMAILS.iter() {
            let body = w.strip_suffix(".*").unwrap_or(w);
            assert!(!body.contains('*'), "webmails.txt: « {w} »");
            if !w.ends_with(".*") {
                assert!(
                    Email::parse(&format!("x@{w}")).is_ok(),
                    "webmails.txt: « {w} »"
                );
            }
        }
    }

    #[test]
    fn generic_local_parts() {
        let cases = [
            ("a plain generic word", "contact", true),
            ("a generic word with a number", "accueil2", true),
            ("a service box of a lycée", "secretariat.lycee", true),
            ("a lycée's ce.UAI box is generic", "ce.0920131t", true),
            ("an int.UAI box, upper case", "INT.0920131T", true),
            ("a gestion.UAI box", "gestion.0920131t", true),
            ("a UAI alone", "0920131t", true),
            ("a UAI glued to a listed prefix", "ce0920131t", true),
            ("a UAI after an unlisted prefix", "labo.0920131t", true),
            ("accents are folded", "Comptabilité", true),
            ("an agent comptable box", "agent-comptable", true),
            ("underscore separator", "intendance_lycee", true),
            ("no-reply", "no-reply", true),
            (
                "a nominative ac-versailles.fr address is not generic",
                "jean.dupont",
                false,
            ),
            (
                "a first name that starts like a word",
                "infante.marie",
                false,
            ),
            ("a surname that starts like a word", "jean.contacti", false),
            ("a word glued to letters", "contactez", false),
            ("a word in the middle", "jean.secretariat", false),
            (
                "7 digits and a letter but not alone",
                "jean.0920131tx",
                false,
            ),
            ("empty", "", false),
        ];
        for (name, local, want) in cases {
            assert_eq!(is_generic_local_part(local), want, "{name}");
        }
        let nominative = Email::parse("Jean.Dupont@ac-versailles.fr").unwrap();
        assert!(!is_generic_local_part(nominative.local_part()));
        let ce = Email::parse("ce.0920131T@ac-versailles.fr").unwrap();
        assert!(is_generic_local_part(ce.local_part()));
    }

    #[test]
    fn personal_webmails() {
        let cases = [
            ("gmail", "gmail.com", true),
            ("orange", "orange.fr", true),
            ("La Poste's webmail", "laposte.net", true),
            ("upper case and trailing dot", "Wanadoo.FR.", true),
            ("a hotmail.fr address", "hotmail.fr", true),
            (
                "a hotmail.co.uk address is a personal webmail",
                "hotmail.co.uk",
                true,
            ),
            ("yahoo.fr", "yahoo.fr", true),
            ("yahoo.com", "yahoo.com", true),
            ("yahoo.com.br", "yahoo.com.br", true),
            ("live.fr", "live.fr", true),
            ("proton.me", "proton.me", true),
            ("an académie", "ac-versailles.fr", false),
            ("La Poste's corporate domain", "laposte.fr", false),
            (
                "a sub-domain of a webmail is not listed",
                "mail.gmail.com",
                false,
            ),
            ("a wildcard name alone", "hotmail", false),
            (
                "a wildcard followed by a real domain",
                "live.lycee-exemple.fr",
                false,
            ),
            (
                "a wildcard followed by a long label",
                "yahoo.exemple.fr",
                false,
            ),
            ("a look-alike", "gmail.com.fr", false),
            ("a prefix of an entry", "mail.co", false),
            ("empty", "", false),
        ];
        for (name, domain, want) in cases {
            assert_eq!(is_personal_webmail(domain), want, "{name}");
        }
    }
}
