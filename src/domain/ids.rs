//! Identifiers of the guichet domain: SIRET, UAI, e-mail address, PIGP `-xt`
//! identifier, dossier number, plus `fold` and the department helpers.
//!
//! For: parsing and checking the *shape* of a value (syntax, check keys) and
//! giving a French message when it is wrong; the caller attaches the field name.
//! Not for: business rules (nominative vs generic address, webmail, habilitation
//! rules), nor anything that needs the referentiel files (see `reference`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value that failed to parse; the message is French, says what is wrong and what is expected. The caller attaches the field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

fn invalid(msg: impl Into<String>) -> Invalid {
    Invalid(msg.into())
}

/// String conversions shared by every identifier (each has `parse` and `Display`):
/// `FromStr`, `From<T> for String` and `TryFrom<String>` (used by serde).
macro_rules! string_conversions {
    ($ty:ty) => {
        impl FromStr for $ty {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                <$ty>::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = Invalid;
            fn try_from(s: String) -> Result<Self, Invalid> {
                <$ty>::parse(&s)
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.to_string()
            }
        }
    };
}

// ---------------------------------------------------------------------------
// SIRET
// ---------------------------------------------------------------------------

/// SIREN of La Poste, whose establishments follow a different check rule.
const LA_POSTE_SIREN: u32 = 356_000_000;

/// A SIRET (14 digits, SIREN + NIC), checked with its control key.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(u64);

fn luhn_ok(digits: &[u8]) -> bool {
    // Luhn from the right: every second digit, starting with the one before
    // the check digit, is doubled.
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl Siret {
    /// Parses a SIRET: 14 digits, spaces allowed inside ("192 045 672 00016").
    ///
    /// The control key is Luhn on the 14 digits. For La Poste (SIREN
    /// 356000000) the establishments' SIRETs instead have a digit sum that is
    /// a multiple of 5; the head office (35600000000048) satisfies Luhn, so for
    /// La Poste either rule is accepted.
    pub fn parse(s: &str) -> Result<Siret, Invalid> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(invalid("valeur vide : un SIRET de 14 chiffres est attendu"));
        }
        let mut digits: Vec<u8> = Vec::with_capacity(14);
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                ' ' | '\u{a0}' | '\u{202f}' => {}
                other => {
                    return Err(invalid(format!(
                        "« {trimmed} » n'est pas un SIRET : caractère « {other} » non permis ; \
                         14 chiffres sont attendus (espaces permis)"
                    )));
                }
            }
        }
        if digits.len() != 14 {
            return Err(invalid(format!(
                "« {trimmed} » n'est pas un SIRET : {} chiffres au lieu de 14",
                digits.len()
            )));
        }
        let value = digits.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
        if value == 0 {
            return Err(invalid(
                "« 00000000000000 » n'est pas un SIRET : un SIRET ne peut pas être nul",
            ));
        }
        let siret = Siret(value);
        let key_ok = if siret.siren() == LA_POSTE_SIREN {
            let sum: u32 = digits.iter().map(|&d| u32::from(d)).sum();
            sum.is_multiple_of(5) || luhn_ok(&digits)
        } else {
            luhn_ok(&digits)
        };
        if !key_ok {
            return Err(invalid(format!(
                "« {trimmed} » : clé de contrôle (Luhn) invalide ; \
                 vérifiez les 14 chiffres du SIRET (faute de frappe probable)"
            )));
        }
        Ok(siret)
    }

    /// Builds a SIRET from a stored key without any check: for decoding stored keys only.
    pub fn from_u64_unchecked(v: u64) -> Siret {
        Siret(v)
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The SIREN: the first 9 of the 14 digits.
    pub fn siren(self) -> u32 {
        // A SIRET has at most 14 digits, so the quotient has at most 9 digits
        // and fits a u32; an out-of-range unchecked value saturates.
        u32::try_from(self.0 / 100_000).unwrap_or(u32::MAX)
    }

    /// The SIRET as Chorus Pro prints it: "192 045 672 00016".
    pub fn spaced(self) -> String {
        let s = self.to_string();
        if s.len() != 14 {
            return s;
        }
        format!("{} {} {} {}", &s[0..3], &s[3..6], &s[6..9], &s[9..14])
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014}", self.0)
    }
}

string_conversions!(Siret);

// ---------------------------------------------------------------------------
// UAI
// ---------------------------------------------------------------------------

/// Letters used as UAI check key, indexed by (7-digit number mod 23).
const UAI_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// An établissement's UAI (ex-RNE): 7 digits then a check letter, uppercase.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uai(String);

/// The check letter of a 7-digit UAI number given as ASCII digits.
fn uai_letter(seven_digits: &str) -> Option<char> {
    if seven_digits.len() != 7 || !seven_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = seven_digits.parse().ok()?;
    // n % 23 < 23 = UAI_LETTERS.len()
    Some(char::from(UAI_LETTERS[(n % 23) as usize]))
}

impl Uai {
    /// Parses a UAI such as "0920131T" (case-insensitive, trimmed).
    pub fn parse(s: &str) -> Result<Uai, Invalid> {
        let upper = s.trim().to_uppercase();
        if upper.is_empty() {
            return Err(invalid(
                "valeur vide : un UAI de 8 caractères est attendu (7 chiffres et une lettre, ex. 0920131T)",
            ));
        }
        let count = upper.chars().count();
        if count != 8 {
            return Err(invalid(format!(
                "« {upper} » n'est pas un UAI : {count} caractères au lieu de 8 \
                 (7 chiffres et une lettre, ex. 0920131T)"
            )));
        }
        // 8 chars; ASCII is checked before slicing by byte offsets.
        if !upper.is_ascii() || !upper[..7].bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "« {upper} » n'est pas un UAI : les 7 premiers caractères doivent être des chiffres \
                 (ex. 0920131T)"
            )));
        }
        let found = upper[7..].chars().next().unwrap_or(' ');
        let Some(expected) = uai_letter(&upper[..7]) else {
            return Err(invalid(format!("« {upper} » n'est pas un UAI valide")));
        };
        if !found.is_ascii_alphabetic() {
            return Err(invalid(format!(
                "« {upper} » n'est pas un UAI : le 8e caractère doit être une lettre \
                 (« {expected} » attendue)"
            )));
        }
        if found != expected {
            return Err(invalid(format!(
                "« {upper} » : lettre de contrôle « {found} » incorrecte, « {expected} » attendue \
                 pour {}",
                &upper[..7]
            )));
        }
        Ok(Uai(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(Uai);

// ---------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------

/// An e-mail address, lowercased and trimmed, syntactically checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

fn check_local_part(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err("rien avant « @ »".to_owned());
    }
    if local.chars().count() > 64 {
        return Err("partie avant « @ » trop longue (64 caractères au plus)".to_owned());
    }
    if let Some(c) = local
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._%+'-".contains(*c)))
    {
        return Err(format!(
            "caractère « {c} » non permis avant « @ » (lettres sans accent, chiffres et . _ % + ' - seulement)"
        ));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err("la partie avant « @ » ne peut ni commencer ni finir par un point".to_owned());
    }
    if local.contains("..") {
        return Err("deux points qui se suivent avant « @ »".to_owned());
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("rien après « @ » : un domaine est attendu (ex. ac-versailles.fr)".to_owned());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "domaine « {domain} » incomplet : un point et une extension sont attendus (ex. ac-versailles.fr)"
        ));
    }
    for label in &labels {
        if label.is_empty() {
            return Err(format!(
                "domaine « {domain} » mal formé : point en trop ou partie vide"
            ));
        }
        if label.len() > 63 {
            return Err(format!(
                "domaine « {domain} » : une partie dépasse 63 caractères"
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "caractère « {c} » non permis dans le domaine (lettres sans accent, chiffres et - seulement)"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "domaine « {domain} » : une partie ne peut ni commencer ni finir par un tiret"
            ));
        }
    }
    // labels.len() >= 2 was checked above.
    let last = labels[labels.len() - 1];
    if last.len() < 2 || !last.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(format!(
            "domaine « {domain} » : l'extension « {last} » doit compter au moins 2 lettres"
        ));
    }
    Ok(())
}

impl Email {
    /// Parses an e-mail address (trimmed, lowercased). Only the syntax is checked.
    pub fn parse(s: &str) -> Result<Email, Invalid> {
        let value = s.trim().to_lowercase();
        if value.is_empty() {
            return Err(invalid(
                "valeur vide : une adresse électronique est attendue (ex. prenom.nom@ac-versailles.fr)",
            ));
        }
        let wrap =
            |why: String| invalid(format!("« {value} » n'est pas une adresse valide : {why}"));
        if value.chars().count() > 254 {
            return Err(wrap("plus de 254 caractères".to_owned()));
        }
        let ats = value.matches('@').count();
        if ats != 1 {
            return Err(wrap(if ats == 0 {
                "il manque « @ »".to_owned()
            } else {
                "une seule « @ » est permise".to_owned()
            }));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(wrap("il manque « @ »".to_owned()));
        };
        check_local_part(local).map_err(wrap)?;
        check_domain(domain).map_err(wrap)?;
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before '@'.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(self.0.as_str(), |(l, _)| l)
    }

    /// The part after '@'.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(Email);

// ---------------------------------------------------------------------------
// PIGP identifier
// ---------------------------------------------------------------------------

const PIGP_SUFFIX: &str = "-xt";
const PIGP_MAX_STEM: usize = 60;

/// A PIGP "-xt" identifier (note §2.2), lowercase, e.g. "jean.dupont-xt".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PigpId(String);

/// Turns a first name or surname into identifier characters: folded, apostrophes
/// and spaces become '-', other punctuation is dropped, '-' runs collapsed and
/// trimmed.
fn pigp_slug(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            '-' | '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{2010}' | '\u{2011}' => {
                out.push('-')
            }
            c if c.is_whitespace() => out.push('-'),
            _ => {}
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if c == '-' && (collapsed.is_empty() || collapsed.ends_with('-')) {
            continue;
        }
        collapsed.push(c);
    }
    while collapsed.ends_with('-') {
        collapsed.pop();
    }
    collapsed
}

impl PigpId {
    /// Parses an identifier such as "jean.dupont-xt" (trimmed, lowercased).
    pub fn parse(s: &str) -> Result<PigpId, Invalid> {
        let value = s.trim().to_lowercase();
        if value.is_empty() {
            return Err(invalid(
                "valeur vide : un identifiant PIGP en « -xt » est attendu (ex. jean.dupont-xt)",
            ));
        }
        let Some(stem) = value.strip_suffix(PIGP_SUFFIX) else {
            return Err(invalid(format!(
                "« {value} » n'est pas un identifiant PIGP : il doit finir par « -xt » (ex. jean.dupont-xt)"
            )));
        };
        if stem.is_empty() {
            return Err(invalid(format!(
                "« {value} » n'est pas un identifiant PIGP : rien avant « -xt » (ex. jean.dupont-xt)"
            )));
        }
        let len = stem.chars().count();
        if len > PIGP_MAX_STEM {
            return Err(invalid(format!(
                "« {value} » n'est pas un identifiant PIGP : {len} caractères avant « -xt », \
                 {PIGP_MAX_STEM} au plus"
            )));
        }
        if let Some(c) = stem
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
        {
            return Err(invalid(format!(
                "« {value} » n'est pas un identifiant PIGP : caractère « {c} » non permis \
                 (lettres sans accent, chiffres, point et tiret seulement)"
            )));
        }
        if !stem
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(invalid(format!(
                "« {value} » n'est pas un identifiant PIGP : il doit commencer par une lettre ou un chiffre"
            )));
        }
        Ok(PigpId(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier guichet proposes: "prenom.nom-xt" in lowercase ASCII (accents folded: é→e, ç→c, œ→oe, æ→ae, ß→ss…, apostrophes and spaces → '-', other punctuation dropped, repeated '-' collapsed), with `rank` > 1 appended to the name for homonyms: propose("Jean","Dupont",2) == "jean.dupont2-xt"; propose("Anne-Marie","Le Goff",1) == "anne-marie.le-goff-xt"; propose("Éloïse","D'Artagnan",1)=="eloise.d-artagnan-xt". If the result would be invalid (e.g. empty names), return Err(Invalid).
    pub fn propose(prenom: &str, nom: &str, rank: u32) -> Result<PigpId, Invalid> {
        let first = pigp_slug(prenom);
        let last = pigp_slug(nom);
        if first.is_empty() {
            return Err(invalid(format!(
                "impossible de proposer un identifiant PIGP : le prénom « {} » ne contient aucune lettre utilisable",
                prenom.trim()
            )));
        }
        if last.is_empty() {
            return Err(invalid(format!(
                "impossible de proposer un identifiant PIGP : le nom « {} » ne contient aucune lettre utilisable",
                nom.trim()
            )));
        }
        let rank = if rank > 1 {
            rank.to_string()
        } else {
            String::new()
        };
        PigpId::parse(&format!("{first}.{last}{rank}{PIGP_SUFFIX}")).map_err(|e| {
            invalid(format!(
                "impossible de proposer un identifiant PIGP pour {} {} : {e}",
                prenom.trim(),
                nom.trim()
            ))
        })
    }
}

impl fmt::Display for PigpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(PigpId);

// ---------------------------------------------------------------------------
// Dossier number
// ---------------------------------------------------------------------------

/// A guichet dossier number, "AAAA-NNNNN" (e.g. "2026-00412").
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierId {
    pub year: u16,
    pub number: u32,
}

impl DossierId {
    /// Parses "AAAA-NNNNN": a year 2000..=2999, '-', exactly 5 digits, number ≥ 1.
    pub fn parse(s: &str) -> Result<DossierId, Invalid> {
        let value = s.trim();
        let expected = "format attendu AAAA-NNNNN, ex. 2026-00412";
        let Some((year, number)) = value.split_once('-') else {
            return Err(invalid(format!(
                "« {value} » n'est pas un numéro de dossier : {expected}"
            )));
        };
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !all_digits(year) {
            return Err(invalid(format!(
                "« {value} » n'est pas un numéro de dossier : l'année doit compter 4 chiffres ({expected})"
            )));
        }
        if number.len() != 5 || !all_digits(number) {
            return Err(invalid(format!(
                "« {value} » n'est pas un numéro de dossier : le numéro doit compter 5 chiffres ({expected})"
            )));
        }
        // Both parts are 4 and 5 ASCII digits: they fit u16 and u32.
        let year: u16 = year.parse().map_err(|_| invalid(expected))?;
        let number: u32 = number.parse().map_err(|_| invalid(expected))?;
        if !(2000..=2999).contains(&year) {
            return Err(invalid(format!(
                "« {value} » n'est pas un numéro de dossier : année {year} hors de 2000 à 2999"
            )));
        }
        if number == 0 {
            return Err(invalid(format!(
                "« {value} » n'est pas un numéro de dossier : le numéro commence à 00001"
            )));
        }
        Ok(DossierId { year, number })
    }

    pub fn new(year: u16, number: u32) -> DossierId {
        DossierId { year, number }
    }

    /// Storage key: big-endian year (2 bytes) then number (4 bytes), so keys sort chronologically.
    pub fn key(self) -> [u8; 6] {
        let y = self.year.to_be_bytes();
        let n = self.number.to_be_bytes();
        [y[0], y[1], n[0], n[1], n[2], n[3]]
    }

    /// Decodes a key made by [`DossierId::key`]; `None` when it is not 6 bytes long.
    pub fn from_key(k: &[u8]) -> Option<DossierId> {
        let k: &[u8; 6] = k.try_into().ok()?;
        Some(DossierId {
            year: u16::from_be_bytes([k[0], k[1]]),
            number: u32::from_be_bytes([k[2], k[3], k[4], k[5]]),
        })
    }
}

impl fmt::Display for DossierId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:05}", self.year, self.number)
    }
}

string_conversions!(DossierId);

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

/// The unaccented form of a lowercase Latin-1 / Latin Extended-A letter, if it has one.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Folds a string for matching: lowercase, accents removed (é→e, À→a, ç→c, œ→oe, æ→ae, ß→ss, ï→i, ô→o, ñ→n, …all Latin-1 + Latin Extended-A letters French names use). Used by e-mail rules and filters.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for upper in s.chars() {
        for c in upper.to_lowercase() {
            if ('\u{0300}'..='\u{036f}').contains(&c) {
                // Combining diacritical mark (decomposed input): dropped.
                continue;
            }
            match fold_letter(c) {
                Some(plain) => out.push_str(plain),
                None => out.push(c),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------

/// Department code from a French postal code (5 digits, trimmed): "92000"→"92", "01000"→"01", Corsica "20000".."20190"→"2A", "20200".."20699"→"2B" (any other 20xxx → Err), overseas "971xx"→"971", "972xx"→"972", "973xx"→"973", "974xx"→"974", "975xx"→"975", "976xx"→"976"; "977xx"/"978xx" (Saint-Barthélemy, Saint-Martin) → "971"; "00xxx", "96xxx", "98xxx", "99xxx" or non-5-digit → Err with a French message.
pub fn departement_from_postal_code(cp: &str) -> Result<String, Invalid> {
    let cp = cp.trim();
    if cp.len() != 5 || !cp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "« {cp} » n'est pas un code postal : 5 chiffres sont attendus (ex. 92000)"
        )));
    }
    // 5 ASCII digits: fits u32.
    let n: u32 = cp
        .parse()
        .map_err(|_| invalid(format!("« {cp} » n'est pas un code postal")))?;
    let unknown = || {
        invalid(format!(
            "« {cp} » : code postal qui ne correspond à aucun département connu du référentiel"
        ))
    };
    match n / 1000 {
        0 | 96 | 98 | 99 => Err(unknown()),
        20 => match n {
            20000..=20190 => Ok("2A".to_owned()),
            20200..=20699 => Ok("2B".to_owned()),
            _ => Err(unknown()),
        },
        97 => match (n / 100) % 10 {
            d @ 1..=6 => Ok(format!("97{d}")),
            7 | 8 => Ok("971".to_owned()),
            _ => Err(unknown()),
        },
        d => Ok(format!("{d:02}")),
    }
}

/// True when code is a department code the referentiel knows ("01".."95" without "20", "2A","2B","971".."976"). Normalises "2a"→"2A", "1"→"01"? No: exact codes only, but accept lowercase 2a/2b.
pub fn normalize_departement(code: &str) -> Result<String, Invalid> {
    let code = code.trim();
    let upper = code.to_ascii_uppercase();
    let ok = match upper.as_str() {
        "2A" | "2B" | "971" | "972" | "973" | "974" | "975" | "976" => true,
        two if two.len() == 2 && two.bytes().all(|b| b.is_ascii_digit()) => {
            two != "00" && two != "20" && two <= "95"
        }
        _ => false,
    };
    if ok {
        Ok(upper)
    } else {
        Err(invalid(format!(
            "« {code} » n'est pas un code de département : attendu 01 à 95, 2A, 2B ou 971 à 976"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends the Luhn check digit to 13 digits.
    fn with_luhn(thirteen: &str) -> String {
        assert_eq!(thirteen.len(), 13);
        for d in 0..=9 {
            let candidate = format!("{thirteen}{d}");
            let digits: Vec<u8> = candidate.bytes().map(|b| b - b'0').collect();
            if luhn_ok(&digits) {
                return candidate;
            }
        }
        unreachable!("one of ten digits always completes a Luhn sum")
    }

    /// Hand-written Luhn, independent of `luhn_ok`, to cross-check literals.
    fn luhn_by_hand(s: &str) -> bool {
        let mut sum = 0;
        for (i, b) in s.bytes().enumerate() {
            let mut d = u32::from(b - b'0');
            // 14 digits: positions 0, 2, 4… from the left are doubled.
            if i % 2 == 0 {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
        }
        sum.is_multiple_of(10)
    }

    #[test]
    fn luhn_helpers_agree_on_literals() {
        for s in ["73282932000074", "35600000000048", "19204567200016"] {
            assert!(luhn_by_hand(s), "{s}");
        }
        assert!(!luhn_by_hand("35600000049837"));
        let digit_sum: u32 = "35600000049837".bytes().map(|b| u32::from(b - b'0')).sum();
        assert_eq!(digit_sum, 45);
        let computed = with_luhn("1300252650001");
        assert_eq!(computed, "13002526500013");
        assert!(luhn_by_hand(&computed));
    }

    #[test]
    fn siret_parse() {
        let computed = with_luhn("1234567890123");
        let cases: Vec<(&str, String, Option<u64>)> = vec![
            (
                "a SIRET with spaces as Chorus Pro prints it",
                "192 045 672 00016".into(),
                Some(19204567200016),
            ),
            (
                "a well-known valid SIRET",
                "73282932000074".into(),
                Some(73282932000074),
            ),
            (
                "surrounding blanks are trimmed",
                "  73282932000074\n".into(),
                Some(73282932000074),
            ),
            (
                "non-breaking spaces as copied from a web page",
                "732\u{a0}829\u{a0}320\u{a0}00074".into(),
                Some(73282932000074),
            ),
            (
                "a SIRET whose check digit was computed here",
                computed.clone(),
                computed.parse().ok(),
            ),
            (
                "La Poste head office passes Luhn",
                "35600000000048".into(),
                Some(35600000000048),
            ),
            (
                "a La Poste establishment fails Luhn but its digit sum is a multiple of 5",
                "35600000049837".into(),
                Some(35600000049837),
            ),
            (
                "a La Poste SIRET failing both Luhn and the mod-5 rule",
                "35600000049838".into(),
                None,
            ),
            (
                "mod-5 is for La Poste only (digit sum 45, bad Luhn)",
                "73282932000072".into(),
                None,
            ),
            ("13 digits", "7328293200007".into(), None),
            ("15 digits", "732829320000740".into(), None),
            ("a letter inside", "73282932O00074".into(), None),
            ("bad Luhn key", "73282932000075".into(), None),
            ("empty", "   ".into(), None),
            ("all zeros", "00000000000000".into(), None),
        ];
        for (name, input, expected) in cases {
            let got = Siret::parse(&input).ok().map(Siret::as_u64);
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn siret_messages_distinguish_length_from_key() {
        let cases = [
            ("too short", "123", "au lieu de 14"),
            ("letters", "7328293200007A", "non permis"),
            (
                "bad key",
                "73282932000075",
                "clé de contrôle (Luhn) invalide",
            ),
        ];
        for (name, input, fragment) in cases {
            let err = Siret::parse(input).unwrap_err();
            assert!(err.to_string().contains(fragment), "{name}: {err}");
        }
    }

    #[test]
    fn siret_accessors() {
        let s = Siret::parse("192 045 672 00016").unwrap();
        assert_eq!(s.siren(), 192045672);
        assert_eq!(s.to_string(), "19204567200016");
        assert_eq!(s.spaced(), "192 045 672 00016");
        let leading_zero = Siret::from_u64_unchecked(1234567800012);
        assert_eq!(leading_zero.to_string(), "01234567800012");
        assert_eq!(leading_zero.spaced(), "012 345 678 00012");
        assert_eq!(leading_zero.siren(), 12345678);
        assert_eq!(
            "73282932000074".parse::<Siret>().unwrap().as_u64(),
            73282932000074
        );
    }

    #[test]
    fn uai_parse() {
        let cases: [(&str, &str, Result<&str, &str>); 10] = [
            ("a valid lycée UAI", "0920131T", Ok("0920131T")),
            ("lower case is accepted", " 0920131t ", Ok("0920131T")),
            ("a Corse-du-Sud UAI", "6200001G", Ok("6200001G")),
            ("a Haute-Corse UAI", "7200009X", Ok("7200009X")),
            (
                "wrong check letter names the expected one",
                "0920131A",
                Err("« T » attendue"),
            ),
            ("7 characters", "0920131", Err("7 caractères au lieu de 8")),
            (
                "9 characters",
                "0920131TT",
                Err("9 caractères au lieu de 8"),
            ),
            (
                "a letter among the digits",
                "09A0131T",
                Err("7 premiers caractères"),
            ),
            (
                "a digit in place of the letter",
                "09201310",
                Err("doit être une lettre"),
            ),
            ("empty", "", Err("valeur vide")),
        ];
        for (name, input, expected) in cases {
            match (Uai::parse(input), expected) {
                (Ok(u), Ok(want)) => assert_eq!(u.as_str(), want, "{name}"),
                (Err(e), Err(fragment)) => {
                    assert!(e.0.contains(fragment), "{name}: {e}")
                }
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn uai_check_letters_follow_mod_23() {
        // 920131 = 23 × 40005 + 16, letter 16 of ABCDEFGHJKLMNPRSTUVWXYZ is T.
        assert_eq!(920131 % 23, 16);
        assert_eq!(uai_letter("0920131"), Some('T'));
        assert_eq!(uai_letter("6200001"), Some('G')); // 6200001 % 23 = 6
        assert_eq!(6200001 % 23, 6);
        assert_eq!(7200009 % 23, 20); // X
    }

    #[test]
    fn email_parse() {
        let long_local = "a".repeat(65);
        let long_label = format!("x@{}.fr", "a".repeat(64));
        let too_long = format!("x@{}.fr", vec!["a".repeat(60); 5].join("."));
        let cases: Vec<(&str, String, Result<&str, &str>)> = vec![
            (
                "a nominative académie address",
                "Jean.Dupont@AC-Versailles.fr".into(),
                Ok("jean.dupont@ac-versailles.fr"),
            ),
            (
                "trimmed",
                "  ce.0920131t@ac-versailles.fr ".into(),
                Ok("ce.0920131t@ac-versailles.fr"),
            ),
            (
                "apostrophe and plus",
                "o'neil+chorus@example.com".into(),
                Ok("o'neil+chorus@example.com"),
            ),
            (
                "sub-domain",
                "a@mail.lycee.region.fr".into(),
                Ok("a@mail.lycee.region.fr"),
            ),
            (
                "no at sign",
                "jean.dupont.ac-versailles.fr".into(),
                Err("il manque « @ »"),
            ),
            (
                "two at signs",
                "jean@dupont@ac-versailles.fr".into(),
                Err("une seule"),
            ),
            (
                "empty local part",
                "@ac-versailles.fr".into(),
                Err("rien avant"),
            ),
            (
                "local part too long",
                format!("{long_local}@example.fr"),
                Err("64"),
            ),
            (
                "accent in local part",
                "éloïse@example.fr".into(),
                Err("caractère « é »"),
            ),
            (
                "space in local part",
                "jean dupont@example.fr".into(),
                Err("caractère « "),
            ),
            (
                "leading dot",
                ".jean@example.fr".into(),
                Err("commencer ni finir par un point"),
            ),
            (
                "trailing dot",
                "jean.@example.fr".into(),
                Err("commencer ni finir par un point"),
            ),
            (
                "double dot",
                "jean..dupont@example.fr".into(),
                Err("deux points"),
            ),
            ("empty domain", "jean@".into(), Err("rien après")),
            (
                "single-label domain",
                "jean@localhost".into(),
                Err("incomplet"),
            ),
            ("empty label", "jean@example..fr".into(), Err("partie vide")),
            ("label too long", long_label, Err("63")),
            (
                "underscore in domain",
                "jean@ex_ample.fr".into(),
                Err("caractère « _ »"),
            ),
            (
                "label starting with a hyphen",
                "jean@-example.fr".into(),
                Err("tiret"),
            ),
            (
                "label ending with a hyphen",
                "jean@example-.fr".into(),
                Err("tiret"),
            ),
            (
                "one-letter extension",
                "jean@example.f".into(),
                Err("au moins 2 lettres"),
            ),
            (
                "numeric extension",
                "jean@example.123".into(),
                Err("au moins 2 lettres"),
            ),
            ("over 254 characters", too_long, Err("254")),
            ("empty", " ".into(), Err("valeur vide")),
        ];
        for (name, input, expected) in cases {
            match (Email::parse(&input), expected) {
                (Ok(e), Ok(want)) => assert_eq!(e.as_str(), want, "{name}"),
                (Err(e), Err(fragment)) => {
                    assert!(e.0.contains(fragment), "{name}: {e}")
                }
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn email_parts() {
        let e = Email::parse("Jean.Dupont@ac-versailles.fr").unwrap();
        assert_eq!(e.local_part(), "jean.dupont");
        assert_eq!(e.domain(), "ac-versailles.fr");
        assert_eq!(e.to_string(), "jean.dupont@ac-versailles.fr");
    }

    #[test]
    fn pigp_parse() {
        let long = format!("{}-xt", "a".repeat(61));
        let max = format!("{}-xt", "a".repeat(60));
        let cases: Vec<(&str, String, bool)> = vec![
            ("a plain identifier", "jean.dupont-xt".into(), true),
            (
                "upper case and blanks are normalised",
                " Jean.Dupont-XT ".into(),
                true,
            ),
            ("homonym rank", "jean.dupont2-xt".into(), true),
            ("60 characters before -xt", max, true),
            ("61 characters before -xt", long, false),
            ("missing -xt", "jean.dupont".into(), false),
            ("only -xt", "-xt".into(), false),
            ("accent", "éloïse.martin-xt".into(), false),
            ("underscore", "jean_dupont-xt".into(), false),
            ("starting with a dot", ".jean-xt".into(), false),
            ("starting with a hyphen", "-jean-xt".into(), false),
            ("empty", "".into(), false),
        ];
        for (name, input, ok) in cases {
            assert_eq!(PigpId::parse(&input).is_ok(), ok, "{name}");
        }
        assert_eq!(
            PigpId::parse(" Jean.Dupont-XT ").unwrap().as_str(),
            "jean.dupont-xt"
        );
    }

    #[test]
    fn pigp_propose() {
        let cases: [(&str, &str, &str, u32, Option<&str>); 12] = [
            (
                "first of the name",
                "Jean",
                "Dupont",
                1,
                Some("jean.dupont-xt"),
            ),
            (
                "second homonym",
                "Jean",
                "Dupont",
                2,
                Some("jean.dupont2-xt"),
            ),
            (
                "tenth homonym",
                "Jean",
                "Dupont",
                10,
                Some("jean.dupont10-xt"),
            ),
            (
                "rank 0 is the first",
                "Jean",
                "Dupont",
                0,
                Some("jean.dupont-xt"),
            ),
            (
                "compound first name and particle",
                "Anne-Marie",
                "Le Goff",
                1,
                Some("anne-marie.le-goff-xt"),
            ),
            (
                "accents and apostrophe",
                "Éloïse",
                "D'Artagnan",
                1,
                Some("eloise.d-artagnan-xt"),
            ),
            (
                "typographic apostrophe",
                "Loïc",
                "D’Arc",
                1,
                Some("loic.d-arc-xt"),
            ),
            (
                "ligatures and sharp s",
                "Lætitia",
                "Œhlenschläger-Straß",
                1,
                Some("laetitia.oehlenschlager-strass-xt"),
            ),
            (
                "other punctuation dropped, blanks collapsed",
                " Jean-  Pierre ",
                "St. -Exupéry (né)",
                1,
                Some("jean-pierre.st-exupery-ne-xt"),
            ),
            ("empty first name", "", "Dupont", 1, None),
            ("surname of punctuation only", "Jean", "?!", 1, None),
            (
                "name too long",
                "Jean",
                "Abcdefghij Abcdefghij Abcdefghij Abcdefghij Abcdefghij Abcdefghij",
                1,
                None,
            ),
        ];
        for (name, prenom, nom, rank, expected) in cases {
            let got = PigpId::propose(prenom, nom, rank);
            match expected {
                Some(want) => assert_eq!(got.map(|p| p.to_string()).as_deref(), Ok(want), "{name}"),
                None => assert!(got.is_err(), "{name}: {got:?}"),
            }
        }
    }

    #[test]
    fn dossier_id_parse() {
        let cases = [
            ("a dossier number", "2026-00412", Some((2026, 412))),
            ("the last of a year", "2025-99999", Some((2025, 99999))),
            ("trimmed", " 2026-00001 ", Some((2026, 1))),
            ("number zero", "2026-00000", None),
            ("year before 2000", "1999-00001", None),
            ("4-digit number", "2026-0412", None),
            ("6-digit number", "2026-000412", None),
            ("2-digit year", "26-00412", None),
            ("no dash", "202600412", None),
            ("sign in number", "2026-+0412", None),
            ("letters", "2026-0041A", None),
        ];
        for (name, input, expected) in cases {
            let got = DossierId::parse(input).ok().map(|d| (d.year, d.number));
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn dossier_id_display_and_keys() {
        let d = DossierId::new(2026, 412);
        assert_eq!(d.to_string(), "2026-00412");
        assert_eq!("2026-00412".parse::<DossierId>(), Ok(d));
        assert_eq!(DossierId::from_key(&d.key()), Some(d));
        assert_eq!(DossierId::from_key(&[0, 1, 2]), None);
        assert_eq!(DossierId::from_key(&[0; 7]), None);

        let earlier = DossierId::parse("2025-99999").unwrap();
        let later = DossierId::parse("2026-00001").unwrap();
        assert!(earlier < later, "ordering of the type");
        assert!(earlier.key() < later.key(), "ordering of the keys");
        assert!(DossierId::new(2026, 9).key() < DossierId::new(2026, 10).key());
        assert!(DossierId::new(2026, 255).key() < DossierId::new(2026, 256).key());
    }

    #[test]
    fn fold_cases() {
        let cases = [
            ("acute and grave", "Élève À", "eleve a"),
            ("cedilla", "Français", "francais"),
            ("ligatures", "Œuvre Æther", "oeuvre aether"),
            ("sharp s", "Straße", "strasse"),
            (
                "diaeresis and circumflex",
                "Noël Hôtel Maïté",
                "noel hotel maite",
            ),
            ("tilde", "Nuñez", "nunez"),
            (
                "Latin Extended-A",
                "Łukasz Dvořák Şahin",
                "lukasz dvorak sahin",
            ),
            ("decomposed accents", "e\u{301}le\u{300}ve", "eleve"),
            (
                "ASCII untouched but lowercased",
                "Nancy-Metz d'Oc",
                "nancy-metz d'oc",
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(fold(input), want, "{name}");
        }
    }

    #[test]
    fn postal_codes() {
        let cases = [
            ("Hauts-de-Seine", "92000", Some("92")),
            ("Ain keeps its leading zero", "01000", Some("01")),
            ("trimmed", " 75007 ", Some("75")),
            ("first Corse-du-Sud code", "20000", Some("2A")),
            ("Ajaccio", "20090", Some("2A")),
            ("last Corse-du-Sud code", "20190", Some("2A")),
            ("gap between the Corsicas", "20195", None),
            ("first Haute-Corse code", "20200", Some("2B")),
            ("last Haute-Corse code", "20699", Some("2B")),
            ("beyond Haute-Corse", "20700", None),
            ("Guadeloupe", "97100", Some("971")),
            ("Martinique", "97200", Some("972")),
            ("Guyane", "97300", Some("973")),
            ("La Réunion", "97400", Some("974")),
            ("Saint-Pierre-et-Miquelon", "97500", Some("975")),
            ("Mayotte", "97600", Some("976")),
            ("Saint-Barthélemy", "97133", Some("971")),
            ("Saint-Barthélemy 977", "97700", Some("971")),
            ("Saint-Martin", "97800", Some("971")),
            ("970 does not exist", "97000", None),
            ("Monaco and the TOM", "98000", None),
            ("96", "96000", None),
            ("99", "99000", None),
            ("00", "00100", None),
            ("4 digits", "9200", None),
            ("letters", "92OOO", None),
            ("95 is the last mainland", "95000", Some("95")),
        ];
        for (name, input, want) in cases {
            assert_eq!(
                departement_from_postal_code(input).ok().as_deref(),
                want,
                "{name}"
            );
        }
        assert!(
            departement_from_postal_code("98000")
                .unwrap_err()
                .0
                .contains("98000")
        );
    }

    #[test]
    fn departement_codes() {
        let cases = [
            ("mainland", "92", Some("92")),
            ("leading zero", "01", Some("01")),
            ("last mainland", "95", Some("95")),
            ("Corse-du-Sud lower case", "2a", Some("2A")),
            ("Haute-Corse", "2B", Some("2B")),
            ("Mayotte", "976", Some("976")),
            ("Saint-Pierre-et-Miquelon", "975", Some("975")),
            ("no leading zero", "1", None),
            ("20 no longer exists", "20", None),
            ("00", "00", None),
            ("96", "96", None),
            ("977", "977", None),
            ("2C", "2C", None),
            ("empty", "", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(normalize_departement(input).ok().as_deref(), want, "{name}");
        }
    }

    #[test]
    fn serde_round_trips() {
        let siret = Siret::parse("192 045 672 00016").unwrap();
        let json = serde_json::to_string(&siret).unwrap();
        assert_eq!(json, "\"19204567200016\"");
        assert_eq!(serde_json::from_str::<Siret>(&json).unwrap(), siret);
        assert!(serde_json::from_str::<Siret>("\"73282932000075\"").is_err());
        assert!(serde_json::from_str::<Siret>("19204567200016").is_err());

        let uai = Uai::parse("0920131t").unwrap();
        let json = serde_json::to_string(&uai).unwrap();
        assert_eq!(json, "\"0920131T\"");
        assert_eq!(serde_json::from_str::<Uai>(&json).unwrap(), uai);
        assert!(serde_json::from_str::<Uai>("\"0920131A\"").is_err());

        let email = Email::parse("Jean.Dupont@ac-versailles.fr").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, "\"jean.dupont@ac-versailles.fr\"");
        assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
        assert!(serde_json::from_str::<Email>("\"pas-une-adresse\"").is_err());

        let pigp = PigpId::propose("Jean", "Dupont", 2).unwrap();
        let json = serde_json::to_string(&pigp).unwrap();
        assert_eq!(json, "\"jean.dupont2-xt\"");
        assert_eq!(serde_json::from_str::<PigpId>(&json).unwrap(), pigp);
        assert!(serde_json::from_str::<PigpId>("\"jean.dupont\"").is_err());

        let dossier = DossierId::new(2026, 412);
        let json = serde_json::to_string(&dossier).unwrap();
        assert_eq!(json, "\"2026-00412\"");
        assert_eq!(serde_json::from_str::<DossierId>(&json).unwrap(), dossier);
        assert!(serde_json::from_str::<DossierId>("\"2026-00000\"").is_err());
    }
}
