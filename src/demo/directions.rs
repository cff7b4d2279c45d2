//! The frame of the demonstration, set up first: the directions taken from `names::DIRECTIONS`, the departments
//! they cover (and those where EPLE can be, their académie's seat being covered too), the correspondant and the
//! lecteur of the first direction, and one référent for each académie whose EPLE the demonstration can hold.

use super::names::{DEPARTEMENTS, DIRECTIONS};
use super::naming::academie_domain;
use super::{CORRESPONDANT, Gen, LECTEUR};
use crate::desk::DeskError;
use crate::domain::reference;
use serde_json::json;

/// The référent of an académie, who sends the requests of its EPLE (R2, R3).
pub(super) struct Referent {
    pub(super) academie: &'static str,
    pub(super) name: String,
    pub(super) email: String,
}

impl Gen<'_> {
    pub(super) fn dir_of(&self, departement: &str) -> Option<usize> {
        self.dirs
            .iter()
            .position(|d| d.departements.contains(&departement))
    }

    pub(super) fn reference(&mut self) -> Result<(), DeskError> {
        let n = self.scale.directions.clamp(1, DIRECTIONS.len());
        self.dirs = DIRECTIONS.iter().take(n).collect();
        for d in self.dirs.clone() {
            let departements: Vec<&str> = d.departements.to_vec();
            self.ok(json!({
                "cmd": "direction.add", "code": d.code, "name": d.name, "codique": d.codique,
                "departements": departements,
                "balf": format!("{}.demat@dgfip.finances.gouv.fr", d.code.to_lowercase()),
            }))?;
        }
        self.depts = (0..DEPARTEMENTS.len())
            .filter(|&i| self.dir_of(DEPARTEMENTS[i].code).is_some())
            .collect();
        self.eple_depts = self
            .depts
            .iter()
            .copied()
            .filter(|&i| {
                reference::academie_of(DEPARTEMENTS[i].code)
                    .is_some_and(|a| self.dir_of(a.seat).is_some())
            })
            .collect();
        let first = self.dirs.first().map(|d| d.code).unwrap_or_default();
        let desk = self.desk;
        let store = desk.store();
        if store.operator(CORRESPONDANT)?.is_none() {
            self.correspondant = self.ok(json!({
                "cmd": "operator.add", "login": CORRESPONDANT, "name": "Camille Chevalier",
                "direction": first, "role": "correspondant",
            }))?;
        }
        if store.operator(LECTEUR)?.is_none() {
            self.ok(json!({
                "cmd": "operator.add", "login": LECTEUR, "name": "Dominique Lemoine",
                "direction": first, "role": "lecteur",
            }))?;
        }
        let mut academies: Vec<&'static str> = Vec::new();
        for &i in &self.eple_depts {
            if let Some(a) = reference::academie_of(DEPARTEMENTS[i].code)
                && !academies.contains(&a.name)
            {
                academies.push(a.name);
            }
        }
        for academie in academies {
            let (_, prenom, nom) = self.random_name();
            let domain = academie_domain(academie);
            let Some(email) = self.unique_email(&prenom, &nom, &domain) else {
                continue;
            };
            let name = format!("{prenom} {nom}");
            if self.ok(
                json!({"cmd": "referent.add", "academie": academie, "name": name, "email": email}),
            )? {
                self.referents.push(Referent {
                    academie,
                    name,
                    email,
                });
            }
        }
        Ok(())
    }
}
