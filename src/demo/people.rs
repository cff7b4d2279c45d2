//! The people of the demonstration as the generator models them: who they are (a unique name and nominative
//! address at their structure's domain, a function fitting their role), where they stand in their life
//! (planned in a dossier, active, gone, deleted), and how one is picked for the next event. Only the model: the
//! desk learns of them through the dossiers and accounts of the other modules.

use super::naming::slug;
use super::{Gen, names};
use crate::domain::chorus::Role;
use crate::domain::ids::Email;
use crate::domain::reference;
use crate::domain::structure::Category;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Life {
    /// Named in a dossier, not (yet) created.
    Planned,
    Actif,
    Sorti,
    Supprime,
}

pub(super) struct Person {
    pub(super) male: bool,
    pub(super) prenom: String,
    pub(super) nom: String,
    pub(super) email: String,
    pub(super) fonction: Option<String>,
    pub(super) role: Role,
    pub(super) pigp: bool,
    pub(super) life: Life,
    /// Already the subject of an event, or of a dossier still open: not picked again.
    pub(super) busy: bool,
    /// The structure he works for.
    pub(super) org: usize,
    /// National: the structures of his groupement he is habilitated on, `org` first (empty: `org` alone).
    pub(super) sirets: Vec<usize>,
}

impl Gen<'_> {
    pub(super) fn random_name(&mut self) -> (bool, String, String) {
        let male = self.rng.percent(50);
        let prenom = self
            .rng
            .word(if male { names::FIRST_M } else { names::FIRST_F });
        let nom = self.rng.word(names::SURNAMES);
        (male, prenom.to_string(), nom.to_string())
    }

    /// `prenom.nom@domain`, numbered for homonyms (`jean.dupont2@…`); `None` when the name looks generic (R5).
    pub(super) fn unique_email(&mut self, prenom: &str, nom: &str, domain: &str) -> Option<String> {
        let base = format!("{}.{}", slug(prenom), slug(nom));
        if reference::is_generic_local_part(&base) {
            return None;
        }
        for n in 1..10_000 {
            let local = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let email = format!("{local}@{domain}");
            if Email::parse(&email).is_err() {
                return None;
            }
            if self.emails.insert(email.clone()) {
                return Some(email);
            }
        }
        None
    }

    pub(super) fn fonction(
        &mut self,
        category: Category,
        role: Role,
        male: bool,
    ) -> Option<String> {
        let list = match (category, role) {
            (_, Role::User) => return None,
            (Category::Eple, Role::Gp) => names::EPLE_GP_FONCTIONS,
            (Category::Eple, Role::Gs) => names::EPLE_GS_FONCTIONS,
            (_, Role::Gp) => names::GP_FONCTIONS,
            (_, Role::Gs) => names::GS_FONCTIONS,
        };
        self.rng
            .pick(list)
            .map(|(m, f)| if male { m } else { f }.to_string())
    }

    /// A new person of a structure, with a unique nominative address at its domain.
    pub(super) fn new_person(&mut self, org: usize, role: Role) -> usize {
        let domain = self.orgs[org].domain.clone();
        let category = self.orgs[org].category;
        let mut found = None;
        for _ in 0..1000 {
            let (male, prenom, nom) = self.random_name();
            if let Some(email) = self.unique_email(&prenom, &nom, &domain) {
                found = Some((male, prenom, nom, email));
                break;
            }
        }
        let (male, prenom, nom, email) = found.unwrap_or_else(|| {
            let n = self.people.len();
            (
                false,
                "Claire".to_string(),
                "Martin".to_string(),
                format!("claire.martin{n}@{domain}"),
            )
        });
        let fonction = self.fonction(category, role, male);
        self.people.push(Person {
            male,
            prenom,
            nom,
            email,
            fonction,
            role,
            pigp: false,
            life: Life::Planned,
            busy: false,
            org,
            sirets: Vec::new(),
        });
        self.people.len() - 1
    }

    pub(super) fn person_json(&self, p: usize, active: bool) -> Value {
        let x = &self.people[p];
        let mut person = json!({
            "civilite": if x.male { "M" } else { "MME" },
            "nom": x.nom, "prenom": x.prenom, "email": x.email, "role": x.role.wire(),
            "fonction": x.fonction, "email_active": active,
        });
        if !x.sirets.is_empty()
            && let Some(object) = person.as_object_mut()
        {
            let sirets: Vec<&str> = x
                .sirets
                .iter()
                .map(|&o| self.orgs[o].siret.as_str())
                .collect();
            object.insert("sirets".to_string(), json!(sirets));
        }
        person
    }

    pub(super) fn full_name(&self, p: usize) -> String {
        format!("{} {}", self.people[p].prenom, self.people[p].nom)
    }

    pub(super) fn active(&self, p: usize) -> bool {
        self.people[p].life == Life::Actif
    }

    /// An active ASPASIE user not yet the subject of an event.
    pub(super) fn free_pigp(&self, p: usize) -> bool {
        let x = &self.people[p];
        x.life == Life::Actif && x.pigp && !x.busy
    }

    pub(super) fn is_gp(&self, p: usize) -> bool {
        self.orgs[self.people[p].org].gp == Some(p)
    }

    /// A person satisfying `ok`, from a random starting point.
    pub(super) fn pick_person(&mut self, ok: impl Fn(&Self, usize) -> bool) -> Option<usize> {
        let n = self.people.len();
        let start = self.rng.below(n);
        let this: &Self = self;
        (0..n).map(|k| (start + k) % n).find(|&p| ok(this, p))
    }
}
