//! What a command handler works with: the store to read, the write set it fills, the operator, the time, and the
//! subjects its journal entry will be indexed under.

use crate::domain::Refusal;
use crate::domain::dossier::Dossier;
use crate::domain::ids::{Email, Siret};
use crate::domain::operator::{Direction, Operator, OperatorRole};
use crate::domain::reference::AcademieRef;
use crate::domain::rules;
use crate::domain::structure::{Category, Structure};
use crate::domain::user::User;
use crate::store::journal::Subject;
use crate::store::{Store, StoreError, WriteSet};
use chrono::{DateTime, NaiveDate, Utc};

/// Who runs a command: the OS login, and the operator an administrator acts as with `--as`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub acting_as: Option<String>,
}

impl Actor {
    pub fn new(login: impl Into<String>) -> Actor {
        Actor {
            login: login.into(),
            acting_as: None,
        }
    }

    pub fn acting_as(login: impl Into<String>, acting_as: Option<String>) -> Actor {
        let login = login.into();
        let acting_as = acting_as.filter(|a| a != &login);
        Actor { login, acting_as }
    }

    /// The operator the journal names.
    pub fn effective(&self) -> &str {
        self.acting_as.as_deref().unwrap_or(&self.login)
    }

    /// The real login, when it differs from the effective one.
    pub fn via(&self) -> Option<&str> {
        self.acting_as.as_ref().map(|_| self.login.as_str())
    }
}

/// What a done command returns: its place in the journal, a French summary, and its result object.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub seq: u64,
    pub summary: String,
    pub result: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<Refusal> for DeskError {
    fn from(r: Refusal) -> Self {
        DeskError::Refused(r)
    }
}

pub(crate) struct Done {
    pub result: serde_json::Value,
    pub summary: String,
}

pub(crate) struct Ctx<'a> {
    pub store: &'a Store,
    pub ws: WriteSet,
    pub operator: Operator,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub subjects: Vec<Subject>,
    pub on_behalf_of: Option<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        store: &'a Store,
        operator: Operator,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Ctx<'a> {
        Ctx {
            store,
            ws: WriteSet::default(),
            operator,
            now,
            today,
            subjects: Vec::new(),
            on_behalf_of: None,
        }
    }

    pub fn about(&mut self, subject: Subject) {
        if !self.subjects.contains(&subject) {
            self.subjects.push(subject);
        }
    }

    pub fn login(&self) -> String {
        self.operator.login.clone()
    }

    /// Lecteurs read only.
    pub fn must_write(&self) -> Result<(), DeskError> {
        if self.operator.role == OperatorRole::Lecteur {
            return Err(Refusal::permission(format!(
                "{} est lecteur : il consulte le guichet mais n'y écrit pas",
                self.operator.login
            ))
            .into());
        }
        Ok(())
    }

    pub fn must_be_admin(&self, what: &str) -> Result<(), DeskError> {
        if self.operator.role != OperatorRole::Admin {
            return Err(Refusal::permission(format!(
                "{what} est réservé à un administrateur ; {} est {}",
                self.operator.login,
                self.operator.role.label()
            ))
            .into());
        }
        Ok(())
    }

    /// A correspondant works on the dossiers of his own direction; an administrator on all.
    pub fn must_handle_direction(&self, direction: &str) -> Result<(), DeskError> {
        self.must_write()?;
        if self.operator.role == OperatorRole::Admin
            || self.operator.direction.as_deref() == Some(direction)
        {
            return Ok(());
        }
        Err(Refusal::permission(format!(
            "ce dossier relève de {direction} ; {} est correspondant de {}",
            self.operator.login,
            self.operator
                .direction
                .as_deref()
                .unwrap_or("aucune direction")
        ))
        .into())
    }

    /// The direction the operator belongs to, as his refusals name it.
    fn own_direction(&self) -> &str {
        self.operator
            .direction
            .as_deref()
            .unwrap_or("aucune direction")
    }

    /// A correspondant acts on a structure — updates it, revokes a MADRHAS right on it, plays its Chorus Pro
    /// rattachements "en tant que" a user — only when his direction is competent for it by R1
    /// (`rules::check_competence`: the direction of its department; for a structure with a comptable public, also
    /// that of its `siege_departement`; for an EPLE, that of its académie's seat). An administrator acts on all, a
    /// lecteur on none.
    pub fn must_be_competent_for(&self, structure: &Structure) -> Result<(), DeskError> {
        self.must_write()?;
        if self.operator.role == OperatorRole::Admin {
            return Ok(());
        }
        let directions = self.store.directions()?;
        if let Some(mine) = &self.operator.direction
            && rules::check_competence(mine, structure, &directions).is_ok()
        {
            return Ok(());
        }
        let seat_of_academie = match (&structure.category, &structure.academie) {
            (Category::Eple, Some(academie)) => {
                format!(", direction du siège de l'académie de {academie} pour un EPLE")
            }
            _ => String::new(),
        };
        Err(Refusal::permission(format!(
            "{} ({}) relève de {}{seat_of_academie} ; {} est correspondant de {} : seule la direction compétente, ou un administrateur, agit sur cette structure",
            structure.name,
            structure.siret.spaced(),
            competent_for(structure, &directions),
            self.operator.login,
            self.own_direction()
        ))
        .into())
    }

    /// The structure of this SIRET, that this operator may act on (`must_be_competent_for`).
    pub fn structure_in_charge(
        &mut self,
        siret: Siret,
        field: &str,
    ) -> Result<Structure, DeskError> {
        let structure = self.structure(siret, field)?;
        self.must_be_competent_for(&structure)?;
        Ok(structure)
    }

    /// For a command about a user given without a dossier (a departure, a deletion from ASPASIE), a correspondant
    /// must be competent (R1, as `must_be_competent_for`) for at least one of the user's structures. They are
    /// the ones R1 reads for a dossier about him: where he holds MADRHAS rights or an active rattachement. A user
    /// who holds none any more (rights revoked, rattachements removed) answers to the structures of his past
    /// rattachements and to the one of the dossier that created his ASPASIE account. A user tied to no structure
    /// at all (a self-service account never attached) is left to an administrator. With a dossier, the dossier's
    /// direction decides instead (`dossier`), its qualification having checked R1 for the user.
    pub fn must_be_competent_for_user(&self, user: &User) -> Result<(), DeskError> {
        self.must_write()?;
        if self.operator.role == OperatorRole::Admin {
            return Ok(());
        }
        let mut sirets = self.store.sirets_of_user(user.id)?;
        if sirets.is_empty() {
            for a in self.store.attachments_of_user(user.id)? {
                if !sirets.contains(&a.siret) {
                    sirets.push(a.siret);
                }
            }
            let created_on = match user.created_by {
                Some(id) => self.store.dossier(id)?.and_then(|d| d.siret),
                None => None,
            };
            if let Some(siret) = created_on
                && !sirets.contains(&siret)
            {
                sirets.push(siret);
            }
        }
        let mut structures = Vec::new();
        for siret in sirets {
            if let Some(s) = self.store.structure(siret)? {
                structures.push(s);
            }
        }
        let directions = self.store.directions()?;
        if let Some(mine) = &self.operator.direction
            && rules::check_competence_for_user(mine, &structures, &directions).is_ok()
        {
            return Ok(());
        }
        let competent: Vec<String> = structures
            .iter()
            .map(|s| competent_for(s, &directions))
            .fold(Vec::new(), |mut all, c| {
                if !all.contains(&c) {
                    all.push(c);
                }
                all
            });
        let whose = if competent.is_empty() {
            format!(
                "{} n'est lié à aucune structure : seul un administrateur agit sur son compte",
                user.email
            )
        } else {
            format!(
                "les structures de {} relèvent de {}",
                user.email,
                competent.join(" ou ")
            )
        };
        Err(Refusal::permission(format!(
            "{whose} ; {} est correspondant de {}",
            self.operator.login,
            self.own_direction()
        ))
        .into())
    }

    /// The référents of an académie are registered by the direction their consolidated requests go to: the one
    /// covering the académie's seat (§1.2.1), or an administrator.
    pub fn must_cover_seat_of(&self, academie: &AcademieRef) -> Result<(), DeskError> {
        self.must_write()?;
        if self.operator.role == OperatorRole::Admin {
            return Ok(());
        }
        let directions = self.store.directions()?;
        let seat = rules::direction_covering(academie.seat, &directions);
        if seat.is_some_and(|d| self.operator.direction.as_deref() == Some(d.code.as_str())) {
            return Ok(());
        }
        let competent = match seat {
            Some(d) => format!(
                "relèvent de {}, direction du siège (département {})",
                d.code, academie.seat
            ),
            None => format!(
                "relèvent de la direction du siège (département {}), qu'aucune direction enregistrée ne couvre : seul un administrateur les enregistre",
                academie.seat
            ),
        };
        Err(Refusal::permission(format!(
            "les référents de l'académie {} {competent} ; {} est correspondant de {}",
            academie.name,
            self.operator.login,
            self.own_direction()
        ))
        .into())
    }

    /// The dossier named by its number or reference, that this operator may work on.
    pub fn dossier(&mut self, id_or_ref: &str) -> Result<Dossier, DeskError> {
        let dossier = self.store.find_dossier(id_or_ref)?.ok_or_else(|| {
            Refusal::not_found(
                "dossier",
                format!("aucun dossier n'a le numéro ou la référence « {id_or_ref} »"),
            )
        })?;
        self.about(Subject::Dossier(dossier.id));
        self.must_handle_direction(&dossier.direction)?;
        Ok(dossier)
    }

    pub fn structure(&mut self, siret: Siret, field: &str) -> Result<Structure, DeskError> {
        let structure = self.store.structure(siret)?.ok_or_else(|| {
            Refusal::not_found(
                field,
                format!("aucune structure n'a le SIRET {}", siret.spaced()),
            )
        })?;
        self.about(Subject::Structure(siret));
        Ok(structure)
    }

    pub fn user_by_email(&mut self, email: &Email, field: &str) -> Result<User, DeskError> {
        let user = self.store.user_by_email(email)?.ok_or_else(|| {
            Refusal::not_found(field, format!("aucun utilisateur n'a l'adresse {email}"))
        })?;
        self.about(Subject::User(user.id));
        Ok(user)
    }

    pub fn save_dossier(&mut self, old: Option<&Dossier>, new: &Dossier) -> Result<(), StoreError> {
        self.about(Subject::Dossier(new.id));
        self.ws.put_dossier(old, new)
    }
}

/// The direction(s) R1 makes competent for a structure, as a refusal names them: `DRFIP69`, `DDFIP92 ou DRFIP69`,
/// or the departments no registered direction covers.
fn competent_for(structure: &Structure, directions: &[Direction]) -> String {
    let departements = rules::competent_departements(structure);
    let mut codes: Vec<&str> = Vec::new();
    for d in departements
        .iter()
        .filter_map(|d| rules::direction_covering(d, directions))
    {
        if !codes.contains(&d.code.as_str()) {
            codes.push(&d.code);
        }
    }
    if codes.is_empty() {
        format!(
            "la direction du département {}, qu'aucune direction enregistrée ne couvre",
            departements.join(" ou ")
        )
    } else {
        codes.join(" ou ")
    }
}

/// The longest name, reference or address a field takes; notes take `MAX_NOTE`.
pub(crate) const MAX_TEXT: usize = 300;
pub(crate) const MAX_NOTE: usize = 4000;

/// A text field that must not be empty once trimmed, nor longer than `MAX_TEXT` characters.
pub(crate) fn required(field: &str, value: &str) -> Result<String, Refusal> {
    bounded(field, value, MAX_TEXT)
}

/// The same, `max` characters at most. Line breaks and tabs are kept; any other control character is refused: a
/// NUL would cut the indexes' keys in two (`sort name‖0‖…`), an escape would reach the operators' terminals.
pub(crate) fn bounded(field: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Refusal::validation(field, "ne peut pas être vide"));
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Refusal::validation(
            field,
            format!(
                "ne peut pas contenir de caractère de contrôle (U+{:04X})",
                u32::from(c)
            ),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(Refusal::validation(
            field,
            format!("{max} caractères au plus"),
        ));
    }
    Ok(trimmed.to_string())
}

/// The first day guichet accepts for a reception or a piece: dossiers are numbered from the year 2000.
pub(crate) fn check_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Refusal> {
    let floor = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    if date < floor {
        return Err(Refusal::validation(field, "date antérieure au 01/01/2000"));
    }
    if date > today {
        return Err(Refusal::validation(field, "date dans le futur"));
    }
    Ok(date)
}
