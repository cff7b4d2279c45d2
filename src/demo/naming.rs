//! How the lists of `names` become the words of the demonstration: slugs for addresses, a structure's name from its
//! template, the stem of its internet domain, the domain of an académie. Pure functions of their arguments; the
//! random choices are made by the callers.

use super::names;
use crate::domain::ids::fold;
use crate::domain::structure::Category;

const STOP_WORDS: &[&str] = &[
    "de", "des", "du", "la", "le", "les", "et", "en", "a", "au", "aux", "pour", "sur",
];

/// Lowercase ASCII words joined by '-': "Saint-Germain-en-Laye" → "saint-germain-en-laye", "N'Diaye" → "n-diaye".
pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The stem of a structure's own domain from its name template: upper-case words kept ("cci", "gip"), then the
/// initials of the other words ("École nationale supérieure d'architecture" → "ensa"), or the word itself when
/// there is only one ("Habitat" → "habitat").
pub(super) fn domain_stem(template: &str) -> String {
    let head = template.split('{').next().unwrap_or_default();
    let mut parts = Vec::new();
    let mut initials = String::new();
    let mut last = String::new();
    let mut words = 0;
    for raw in head.split_whitespace() {
        let word = raw.rsplit(['\'', '’']).next().unwrap_or(raw);
        if word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase()) {
            parts.push(word.to_ascii_lowercase());
            continue;
        }
        let folded = slug(word);
        if folded.is_empty() || STOP_WORDS.contains(&folded.as_str()) {
            continue;
        }
        initials.extend(folded.chars().next());
        last = folded;
        words += 1;
    }
    match words {
        0 => {}
        1 => parts.push(last),
        _ => parts.push(initials),
    }
    parts.join("-")
}

/// "de" before a name, elided before a vowel: "de Lyon", "d'Orange", "d'Évry-Courcouronnes".
pub(super) fn de(name: &str) -> String {
    let vowel = fold(name)
        .chars()
        .next()
        .is_some_and(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'));
    if vowel {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

pub(super) fn fill(
    template: &str,
    personality: &str,
    place: &str,
    city: &str,
    of: &str,
    academie: &str,
) -> String {
    template
        .replace("de {c}", &de(city))
        .replace("de {a}", &de(academie))
        .replace("{p}", personality)
        .replace("{l}", place)
        .replace("{c}", city)
        .replace("{d}", of)
        .replace("{a}", academie)
}

pub(super) fn templates(category: Category) -> &'static [&'static str] {
    match category {
        Category::Eple => names::EPLE_NAMES,
        Category::Epn => names::EPN_NAMES,
        Category::Eplefpa => names::EPLEFPA_NAMES,
        Category::EplMer => names::EPL_MER_NAMES,
        Category::Gip => names::GIP_NAMES,
        Category::Gcs => names::GCS_NAMES,
        Category::Gcsms => names::GCSMS_NAMES,
        Category::Cci => names::CCI_NAMES,
        Category::Cma => names::CMA_NAMES,
        Category::Oph => names::OPH_NAMES,
        Category::Sem => names::SEM_NAMES,
        Category::Autre => names::AUTRE_NAMES,
    }
}

pub(super) fn academie_domain(academie: &str) -> String {
    format!("ac-{}.fr", slug(academie))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_slugs() {
        assert_eq!(
            domain_stem("École nationale supérieure d'architecture de {c}"),
            "ensa"
        );
        assert_eq!(domain_stem("CCI {d}"), "cci");
        assert_eq!(domain_stem("Habitat {d}"), "habitat");
        assert_eq!(domain_stem("Office public de l'habitat de {c}"), "oph");
        assert_eq!(slug("Saint-Germain-en-Laye"), "saint-germain-en-laye");
        assert_eq!(slug("N'Diaye"), "n-diaye");
        assert_eq!(academie_domain("Aix-Marseille"), "ac-aix-marseille.fr");
    }
}
