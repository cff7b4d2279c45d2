//! The structures of the demonstration: how many of each category (at least one of each, a GIP with and one
//! without comptable), where they are (EPLE where their académie's seat is covered, EPL de la mer by the sea, a few
//! with their siège under another direction), their plausible names and domains, their comptable, and the model
//! the generator keeps of each — who is GP, GS or simple user there. Nationally, the departments are weighed by
//! their population and the structures with a comptable join groupements comptables (`groupements`).

use super::Gen;
use super::names;
use super::naming::{academie_domain, de, domain_stem, fill, slug, templates};
use crate::desk::DeskError;
use crate::domain::reference;
use crate::domain::structure::Category;
use serde_json::json;

pub(super) struct Org {
    pub(super) siret: String,
    pub(super) category: Category,
    pub(super) comptable: Option<(String, String)>,
    /// Its department, index in `Gen::geo`.
    pub(super) dept: usize,
    pub(super) academie: Option<&'static str>,
    /// The domain of its people's addresses.
    pub(super) domain: String,
    /// The stem of the references of its dossiers.
    pub(super) acro: String,
    /// The competent direction (R1), index in `Gen::dirs`.
    pub(super) direction: usize,
    /// Every direction competent for it.
    pub(super) competent: Vec<usize>,
    /// A habilitation dossier has been received for it.
    pub(super) claimed: bool,
    pub(super) gp: Option<usize>,
    pub(super) interim: bool,
    pub(super) gs: Vec<usize>,
    pub(super) users: Vec<usize>,
    /// A structure-level event (handover, interim) happened: not picked for another.
    pub(super) busy: bool,
    /// National: its groupement comptable, index in `Gen::groups`.
    pub(super) group: Option<usize>,
}

const CATEGORY_WEIGHTS: &[(Category, usize)] = &[
    (Category::Eple, 35),
    (Category::Epn, 14),
    (Category::Eplefpa, 5),
    (Category::EplMer, 2),
    (Category::Gip, 6),
    (Category::Gcs, 4),
    (Category::Gcsms, 4),
    (Category::Cci, 5),
    (Category::Cma, 5),
    (Category::Oph, 5),
    (Category::Sem, 5),
    (Category::Autre, 5),
];

/// One of each category first (a GIP with and one without comptable), so that a small scale has them all.
const FIRST_CATEGORIES: &[(Category, Option<bool>)] = &[
    (Category::Epn, None),
    (Category::Eple, None),
    (Category::Eplefpa, None),
    (Category::EplMer, None),
    (Category::Gip, Some(true)),
    (Category::Gip, Some(false)),
    (Category::Gcs, None),
    (Category::Gcsms, None),
    (Category::Cci, None),
    (Category::Cma, None),
    (Category::Oph, None),
    (Category::Sem, None),
    (Category::Autre, None),
];

impl Gen<'_> {
    pub(super) fn structures(&mut self, n: usize) -> Result<(), DeskError> {
        let total: usize = CATEGORY_WEIGHTS.iter().map(|(_, w)| w).sum();
        for i in 0..n {
            let (category, has_comptable) = match FIRST_CATEGORIES.get(i) {
                Some(first) => *first,
                None => {
                    let mut r = self.rng.below(total);
                    let mut chosen = Category::Eple;
                    for (c, w) in CATEGORY_WEIGHTS {
                        if r < *w {
                            chosen = *c;
                            break;
                        }
                        r -= w;
                    }
                    (chosen, None)
                }
            };
            self.structure(category, has_comptable)?;
            self.tick();
        }
        Ok(())
    }

    fn dept_for(&mut self, category: Category) -> usize {
        if self.national {
            return self.weighted_dept(category);
        }
        let pool: Vec<usize> = match category {
            Category::Eple => self.eple_depts.clone(),
            Category::EplMer => {
                let coastal: Vec<usize> = self
                    .depts
                    .iter()
                    .copied()
                    .filter(|&i| self.geo[i].coastal)
                    .collect();
                if coastal.is_empty() {
                    self.depts.clone()
                } else {
                    coastal
                }
            }
            _ => self.depts.clone(),
        };
        let pool = if pool.is_empty() {
            self.depts.clone()
        } else {
            pool
        };
        self.rng.pick(&pool).unwrap_or_default()
    }

    /// National: a department where a structure of `category` can be, weighed by its population.
    fn weighted_dept(&mut self, category: Category) -> usize {
        let fits = |g: &Self, i: usize| match category {
            Category::Eple => g.eple_depts.contains(&i),
            Category::EplMer => g.geo[i].coastal,
            _ => true,
        };
        let mut pool: Vec<usize> = self
            .depts
            .iter()
            .copied()
            .filter(|&i| fits(self, i))
            .collect();
        if pool.is_empty() {
            pool = self.depts.clone();
        }
        let total: u64 = pool.iter().map(|&i| u64::from(self.population[i])).sum();
        let mut r = self.rng.below(total.max(1) as usize) as u64;
        for &i in &pool {
            let w = u64::from(self.population[i]);
            if r < w {
                return i;
            }
            r -= w;
        }
        pool.first().copied().unwrap_or_default()
    }

    /// The towns of a department where a lycée maritime can stand.
    fn is_seaside(&self, dept: usize, city: &str) -> bool {
        if self.national {
            self.seaside[dept].contains(&city)
        } else {
            names::SEASIDE.contains(&city)
        }
    }

    fn unique_domain(&mut self, stem: &str, place: &str) -> String {
        let place = slug(place);
        let base = if stem.is_empty() {
            place
        } else {
            format!("{stem}-{place}")
        };
        for n in 1.. {
            let label = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let domain = format!("{label}.fr");
            if self.domains.insert(domain.clone()) {
                return domain;
            }
        }
        format!("{base}.fr")
    }

    fn structure(
        &mut self,
        category: Category,
        has_comptable: Option<bool>,
    ) -> Result<(), DeskError> {
        let dept = self.dept_for(category);
        let spec = self.geo[dept];
        let seaside: Vec<(&'static str, &'static str)> = spec
            .cities
            .iter()
            .copied()
            .filter(|(c, _)| self.is_seaside(dept, c))
            .collect();
        let cities = if category == Category::EplMer && !seaside.is_empty() {
            &seaside[..]
        } else {
            spec.cities
        };
        let academie = reference::academie_of(spec.code).map(|a| a.name);
        let mut template = "";
        let mut name = String::new();
        let (mut city, mut postal_code) = ("", "");
        for attempt in 0..16 {
            (city, postal_code) = self.rng.pick(cities).unwrap_or(("Paris", "75001"));
            template = self.rng.word(templates(category));
            let personality = self.rng.word(names::PERSONALITIES);
            let place = self.rng.word(names::PLACES);
            let candidate = fill(
                template,
                personality,
                place,
                city,
                spec.of,
                academie.unwrap_or(city),
            );
            let candidate = if attempt < 8 || !template.contains("{p}") {
                candidate
            } else {
                format!("{candidate} {}", de(city))
            };
            if !self.names.contains(&candidate) {
                name = candidate;
                break;
            }
        }
        if name.is_empty() {
            let base = fill(template, "Jean Moulin", "Les Tilleuls", city, spec.of, city);
            name = (2..)
                .map(|n| format!("{base} ({n})"))
                .find(|c| !self.names.contains(c))
                .unwrap_or(base);
        }
        let place = if template.contains("{d}") {
            spec.plain
        } else if template.contains("{a}") {
            academie.unwrap_or(city)
        } else {
            city
        };
        let own = self.unique_domain(&domain_stem(template), place);
        let ac = academie_domain(academie.unwrap_or(city));
        let domain = match category {
            Category::Eple => ac.clone(),
            Category::Eplefpa => "educagri.fr".to_string(),
            _ => own.clone(),
        };
        let has_comptable = has_comptable
            .or(category.default_has_comptable())
            .unwrap_or_else(|| self.rng.percent(65));
        let group = if self.national && has_comptable {
            self.groupement(dept, category)
        } else {
            None
        };
        let comptable = if let Some(g) = group.and_then(|g| self.groups[g].comptable.clone()) {
            Some(g)
        } else if has_comptable {
            let comptable_domain = match category {
                Category::Eple => ac,
                Category::Eplefpa => "educagri.fr".to_string(),
                Category::Epn | Category::EplMer => own.clone(),
                _ => "dgfip.finances.gouv.fr".to_string(),
            };
            let mut found = None;
            for _ in 0..100 {
                let (_, prenom, nom) = self.random_name();
                if let Some(email) = self.unique_email(&prenom, &nom, &comptable_domain) {
                    found = Some((format!("{prenom} {nom}"), email));
                    break;
                }
            }
            found
        } else {
            None
        };
        let uai = (category == Category::Eple).then(|| self.uai(spec.code));
        let siret = self.siret(category);
        // As R1 reads it: only a structure with a comptable centralises at its siège, and one in a groupement
        // stays with its groupement's direction. The draws are made whatever the answer, so that the same seed
        // gives the same demonstration as before for every other structure.
        let may_centralise = has_comptable && group.is_none();
        let siege = if category != Category::Eple && self.dirs.len() >= 2 && self.rng.percent(4) {
            let own_dir = self.dir_of(spec.code);
            let others: Vec<usize> = self
                .depts
                .iter()
                .copied()
                .filter(|&i| self.dir_of(self.geo[i].code) != own_dir)
                .collect();
            self.rng.pick(&others).filter(|_| may_centralise)
        } else {
            None
        };
        let (direction, competent) = if category == Category::Eple {
            let seat = reference::academie_of(spec.code)
                .map(|a| a.seat)
                .unwrap_or(spec.code);
            let d = self
                .dir_of(seat)
                .or(self.dir_of(spec.code))
                .unwrap_or_default();
            (d, vec![d])
        } else {
            let here = self.dir_of(spec.code).unwrap_or_default();
            match siege.and_then(|s| self.dir_of(self.geo[s].code)) {
                Some(seat) => (seat, vec![here, seat]),
                None => (here, vec![here]),
            }
        };
        let street = self.rng.word(names::STREETS);
        let address = format!("{} {street}", 1 + self.rng.below(120));
        let value = json!({
            "cmd": "structure.add", "siret": siret, "name": name, "category": category.wire(),
            "has_comptable": has_comptable,
            "comptable": comptable.as_ref().map(|(n, e)| json!({"name": n, "email": e})),
            "address": address, "postal_code": postal_code, "city": city, "uai": uai,
            "siege_departement": siege.map(|s| self.geo[s].code),
        });
        if !self.ok(value)? {
            return Ok(());
        }
        if let (Some(g), Some(c)) = (group, &comptable) {
            self.join(g, self.orgs.len(), c);
        }
        self.structures_added += 1;
        self.names.insert(name);
        let acro = match &uai {
            Some(u) => u.clone(),
            None => own.trim_end_matches(".fr").to_uppercase(),
        };
        self.orgs.push(Org {
            siret,
            category,
            comptable,
            dept,
            academie,
            domain,
            acro,
            direction,
            competent,
            claimed: false,
            gp: None,
            interim: false,
            gs: Vec::new(),
            users: Vec::new(),
            busy: false,
            group,
        });
        Ok(())
    }

    pub(super) fn pick_org(&mut self, ok: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let n = self.orgs.len();
        let start = self.rng.below(n);
        let this: &Self = self;
        (0..n).map(|k| (start + k) % n).find(|&o| ok(this, o))
    }

    /// The active GP and GS of a structure.
    pub(super) fn managers(&self, o: usize) -> Vec<usize> {
        let org = &self.orgs[o];
        org.gp
            .iter()
            .chain(org.gs.iter())
            .copied()
            .filter(|&p| self.active(p))
            .collect()
    }
}
