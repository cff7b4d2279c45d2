//! The identifiers of the demonstration's structures: SIRETs with valid Luhn keys and a SIREN prefix that fits the
//! category, UAIs with their check letter for the EPLE. Each is unique in the database and passes the same parsing
//! as real input (`Siret::parse`, `Uai::parse`); none is meant to match a real establishment.

use super::Gen;
use crate::domain::ids::{Siret, Uai};
use crate::domain::structure::Category;

/// The Luhn key that completes `digits` (SIREN key on 8 digits, SIRET key on 13).
fn luhn_key(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The first digits of a SIREN, by category: public bodies in 1 and 2, companies (SEM) in 3 to 5.
fn siren_prefix(category: Category) -> &'static str {
    match category {
        Category::Epn | Category::Cci | Category::Cma => "18",
        Category::Eple | Category::Eplefpa | Category::EplMer => "19",
        Category::Gip => "13",
        Category::Gcs | Category::Gcsms => "26",
        Category::Oph => "27",
        Category::Sem => "4",
        Category::Autre => "25",
    }
}

impl Gen<'_> {
    pub(super) fn siret(&mut self, category: Category) -> String {
        loop {
            let mut siren = siren_prefix(category).to_string();
            while siren.len() < 8 {
                siren.push(char::from(b'0' + self.rng.below(10) as u8));
            }
            siren.push(char::from(b'0' + luhn_key(&siren) as u8));
            if siren == "356000000" {
                continue;
            }
            let mut body = format!("{siren}000{}", 1 + self.rng.below(3));
            body.push(char::from(b'0' + luhn_key(&body) as u8));
            if Siret::parse(&body).is_ok() && self.sirets.insert(body.clone()) {
                return body;
            }
        }
    }

    pub(super) fn uai(&mut self, departement: &str) -> String {
        // The academic numbering: 0 and the department, 620 and 720 for Corsica, the code overseas.
        let head = match departement {
            "2A" => "620".to_string(),
            "2B" => "720".to_string(),
            d if d.len() == 2 => format!("0{d}"),
            d => d.to_string(),
        };
        loop {
            let seven = format!("{head}{:04}", self.rng.below(10_000));
            let Ok(n) = seven.parse::<u32>() else {
                continue;
            };
            let letters = b"ABCDEFGHJKLMNPRSTUVWXYZ";
            let letter = char::from(letters[(n % 23) as usize]);
            let uai = format!("{seven}{letter}");
            if Uai::parse(&uai).is_ok() && self.uais.insert(uai.clone()) {
                return uai;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::rng::Rng;

    #[test]
    fn generated_identifiers_are_valid() {
        let mut rng = Rng::new(7);
        for _ in 0..200 {
            let mut siren = "18".to_string();
            while siren.len() < 8 {
                siren.push(char::from(b'0' + rng.below(10) as u8));
            }
            siren.push(char::from(b'0' + luhn_key(&siren) as u8));
            let mut body = format!("{siren}0001");
            body.push(char::from(b'0' + luhn_key(&body) as u8));
            assert!(Siret::parse(&body).is_ok(), "{body}");
        }
        assert_eq!(luhn_key("1992013170001"), 3, "the SIRET of the examples");
    }
}
