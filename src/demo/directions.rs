//! The frame of the demonstration, set up first: the directions taken from `names::DIRECTIONS` (nationally, one
//! per department from `geography`), the departments they cover (and those where EPLE can be, their académie's
//! seat being covered too), the correspondant and the lecteur of the first direction (nationally, a correspondant
//! in every direction), and one référent for each académie whose EPLE the demonstration can hold.

use super::geography;
use super::names::{DEPARTEMENTS, DIRECTIONS};
use super::naming::{academie_domain, slug};
use super::{CORRESPONDANT, Gen, LECTEUR};
use crate::desk::DeskError;
use crate::domain::reference;
use serde_json::json;
use std::collections::HashSet;

/// The référent of an académie, who sends the requests of its EPLE (R2, R3).
pub(super) struct Referent {
    pub(super) academie: &'static str,
    pub(super) name: String,
    pub(super) email: String,
}

impl Gen<'_> {
    /// The direction covering a department (the first, should two claim it).
    pub(super) fn dir_of(&self, departement: &str) -> Option<usize> {
        self.dir_by_dept.get(departement).copied()
    }

    /// The code of a direction.
    pub(super) fn dir_code(&self, direction: usize) -> &'static str {
        self.dirs.get(direction).map(|d| d.code).unwrap_or_default()
    }

    /// The directions, the map and their index.
    fn map(&mut self) {
        if self.national {
            let national = geography::national();
            let n = self.scale.directions.clamp(1, national.directions.len());
            self.dirs = national.directions.iter().take(n).collect();
            self.geo = national.places.iter().map(|p| &p.spec).collect();
            self.seaside = national.places.iter().map(|p| p.seaside).collect();
            self.population = national.places.iter().map(|p| p.population).collect();
        } else {
            let n = self.scale.directions.clamp(1, DIRECTIONS.len());
            self.dirs = DIRECTIONS.iter().take(n).collect();
            self.geo = DEPARTEMENTS.iter().collect();
        }
        for (i, d) in self.dirs.iter().enumerate() {
            for &dep in d.departements {
                self.dir_by_dept.entry(dep).or_insert(i);
            }
        }
    }

    pub(super) fn reference(&mut self) -> Result<(), DeskError> {
        self.map();
        for d in self.dirs.clone() {
            let departements: Vec<&str> = d.departements.to_vec();
            self.ok(json!({
                "cmd": "direction.add", "code": d.code, "name": d.name, "codique": d.codique,
                "departements": departements,
                "balf": format!("{}.demat@dgfip.finances.gouv.fr", d.code.to_lowercase()),
            }))?;
        }
        self.depts = (0..self.geo.len())
            .filter(|&i| self.dir_of(self.geo[i].code).is_some())
            .collect();
        self.eple_depts = self
            .depts
            .iter()
            .copied()
            .filter(|&i| {
                reference::academie_of(self.geo[i].code)
                    .is_some_and(|a| self.dir_of(a.seat).is_some())
            })
            .collect();
        // The correspondant and the lecteur belong to the DDFiP des Yvelines (the first direction of the
        // demonstration; nationally, among the others in the referentiel's order).
        let home = self
            .dirs
            .iter()
            .position(|d| DIRECTIONS.first().is_some_and(|h| h.code == d.code))
            .unwrap_or(0);
        let first = self.dir_code(home);
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
        self.operators = vec![None; self.dirs.len()];
        if self.correspondant
            && let Some(slot) = self.operators.get_mut(home)
        {
            *slot = Some(CORRESPONDANT.to_string());
        }
        if self.national {
            self.correspondants()?;
        }
        let mut academies: Vec<&'static str> = Vec::new();
        for &i in &self.eple_depts {
            if let Some(a) = reference::academie_of(self.geo[i].code)
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

    /// National: a correspondant in each direction that has none, who is assigned some of its dossiers.
    fn correspondants(&mut self) -> Result<(), DeskError> {
        let mut logins: HashSet<String> = [CORRESPONDANT, LECTEUR].map(String::from).into();
        for d in 0..self.dirs.len() {
            if self.operators[d].is_some() {
                continue;
            }
            let (_, prenom, nom) = self.random_name();
            let stem = format!(
                "{}.{}",
                slug(&prenom),
                slug(&nom).chars().next().unwrap_or('x')
            );
            let login = (1..)
                .map(|n| {
                    if n == 1 {
                        stem.clone()
                    } else {
                        format!("{stem}{n}")
                    }
                })
                .find(|l| !logins.contains(l))
                .unwrap_or_default();
            logins.insert(login.clone());
            let code = self.dir_code(d);
            if self.ok(json!({
                "cmd": "operator.add", "login": login, "name": format!("{prenom} {nom}"),
                "direction": code, "role": "correspondant",
            }))? {
                self.operators[d] = Some(login);
            }
        }
        Ok(())
    }
}
