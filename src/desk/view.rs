//! Read models: what `show`, `report` and the screens display, as stable JSON objects (DESIGN.md §6). Views only
//! read; each reads the records and index entries it shows, never a whole tree.

use super::{Desk, DeskError};
use crate::domain::Refusal;
use crate::domain::chorus::{AttachmentStatus, Role};
use crate::domain::dossier::{Channel, Corbeille, DocumentKind, Dossier, Kind};
use crate::domain::ids::{DossierId, Email, PigpId, Siret};
use crate::domain::rules;
use crate::domain::user::{User, UserStatus};
use crate::store::GpState;
use crate::store::journal::{Entry, Outcome, Subject};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub rule: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub seq: u64,
    pub at: String,
    pub operator: String,
    pub command: String,
    pub outcome: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueLine {
    pub direction: String,
    pub corbeille: Corbeille,
    pub label: &'static str,
    pub count: i64,
    pub oldest_received_on: Option<NaiveDate>,
    pub oldest_age_days: Option<i64>,
    pub over_15_days: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgingLine {
    pub direction: String,
    pub corbeille: Corbeille,
    pub label: &'static str,
    pub days_0_7: usize,
    pub days_8_15: usize,
    pub days_16_30: usize,
    pub days_31_plus: usize,
}

/// Dossiers older than this are flagged on the Accueil (DESIGN.md §7).
pub const OVERDUE_DAYS: i64 = 15;

fn history_lines(entries: Vec<Entry>) -> Vec<HistoryLine> {
    entries
        .into_iter()
        .map(|e| {
            let command = serde_json::from_str::<Value>(&e.draft.command)
                .ok()
                .and_then(|v| v.get("cmd").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| "ligne illisible".to_string());
            let (outcome, text) = match e.draft.outcome {
                Outcome::Done { summary } => ("fait".to_string(), summary),
                Outcome::Refused { rule, message, .. } => (format!("refusé {rule}"), message),
            };
            HistoryLine {
                seq: e.seq,
                at: e.draft.at.to_rfc3339(),
                operator: e.draft.operator,
                command,
                outcome,
                text,
            }
        })
        .collect()
}

fn not_found(field: &str, what: String) -> DeskError {
    Refusal::not_found(field, what).into()
}

impl Desk {
    /// The live controls of a dossier: R1, R2, R3, R12 and R13 each passed or failed with its sentence.
    pub fn controls(&self, d: &Dossier) -> Result<Vec<Control>, DeskError> {
        let store = self.store();
        let mut out = Vec::new();
        let mut push = |rule: &str, result: Result<(), Refusal>, ok: String| {
            out.push(match result {
                Ok(()) => Control {
                    rule: rule.to_string(),
                    ok: true,
                    message: ok,
                },
                Err(r) => Control {
                    rule: rule.to_string(),
                    ok: false,
                    message: r.message,
                },
            });
        };
        let structure = match d.siret {
            Some(s) => store.structure(s)?,
            None => None,
        };
        if let Some(structure) = &structure {
            let directions = store.directions()?;
            push(
                "R1",
                rules::check_competence(&d.direction, structure, &directions),
                format!("compétence : {}", d.direction),
            );
            push(
                "R2",
                rules::check_channel(d.kind, d.channel, structure),
                format!("canal : {}", d.channel.label()),
            );
            if d.kind == Kind::Habilitation {
                let referents = store.referents()?;
                push(
                    "R3",
                    rules::check_requester(
                        d.channel,
                        &d.requester,
                        structure,
                        &referents,
                        &d.persons,
                    ),
                    format!("demandeur : {} ({})", d.requester.name, d.channel.label()),
                );
            }
            if d.channel == Channel::Referent {
                let academie = structure.academie.clone().unwrap_or_default();
                let mut result = Ok(());
                for (i, p) in d.persons.iter().enumerate() {
                    if p.user.is_some() {
                        continue;
                    }
                    let holder = store.user_by_email(&p.email)?;
                    let academies = match &holder {
                        Some(u) => store.academies_of_user(u.id)?,
                        None => Vec::new(),
                    };
                    let field = format!("persons[{i}].email");
                    result = result.and(rules::check_no_intra_academic_move(
                        &field,
                        p,
                        holder.as_ref(),
                        &academies,
                        &academie,
                    ));
                }
                push(
                    "R12",
                    result,
                    "aucun mouvement intra-académique".to_string(),
                );
            }
        }
        if d.kind == Kind::Habilitation {
            push(
                "R13",
                rules::check_addresses_active(&d.persons),
                "adresses actives".to_string(),
            );
        }
        Ok(out)
    }

    pub fn dossier_view(&self, key: &str) -> Result<Value, DeskError> {
        let store = self.store();
        let d = store
            .find_dossier(key)?
            .ok_or_else(|| not_found("dossier", format!("aucun dossier « {key} »")))?;
        let structure = match d.siret {
            Some(s) => store.structure(s)?,
            None => None,
        };
        let mut persons = Vec::new();
        for p in &d.persons {
            let user = match p.user {
                Some(id) => store.user(id)?,
                None => None,
            };
            persons.push(json!({
                "civilite": p.civilite, "nom": p.nom, "prenom": p.prenom, "email": p.email,
                "role": p.role, "sirets": d.sirets_of(p), "fonction": p.fonction,
                "email_active": p.email_active,
                "pigp_id": user.as_ref().and_then(|u| u.pigp_id.clone()),
                "population": p.population, "codique": p.codique,
                "madrhas": p.madrhas_opened,
            }));
        }
        let documents: serde_json::Map<String, Value> = DocumentKind::ALL
            .iter()
            .map(|k| (k.wire().to_string(), json!(d.documents.get(*k))))
            .collect();
        let today = self.today();
        Ok(json!({
            "id": d.id, "ref": d.reference, "kind": d.kind, "channel": d.channel,
            "direction": d.direction, "siret": d.siret,
            "structure": structure.as_ref().map(|s| json!({"name": s.name, "category": s.category, "departement": s.departement, "academie": s.academie, "uai": s.uai})),
            "requester": {"name": d.requester.name, "email": d.requester.email},
            "received_on": d.received_on, "age_days": (today - d.received_on).num_days(),
            "lot": d.lot, "status": d.status, "corbeille": d.corbeille(),
            "assignee": d.assignee, "user": d.user,
            "persons": persons,
            "documents": documents,
            "required_documents": if d.kind == Kind::Habilitation { rules::required_documents(d.channel).to_vec() } else { Vec::new() },
            "missing_documents": if d.kind == Kind::Habilitation { rules::missing_documents(d.channel, &d.documents) } else { Vec::new() },
            "controls": self.controls(&d)?,
            "notes": d.notes.iter().map(|n| json!({"at": n.at.to_rfc3339(), "by": n.by, "text": n.text})).collect::<Vec<_>>(),
            "reject_reason": d.reject_reason, "forwarded_to": d.forwarded_to,
            "forwarded_from": d.forwarded_from, "closed_on": d.closed_on,
            "history": history_lines(store.history(Subject::Dossier(d.id))?),
        }))
    }

    /// A user by e-mail or PIGP identifier.
    pub fn find_user(&self, key: &str) -> Result<User, DeskError> {
        let store = self.store();
        let by_pigp = match PigpId::parse(key) {
            Ok(p) => store.user_by_pigp(&p)?,
            Err(_) => None,
        };
        let found = match by_pigp {
            Some(u) => Some(u),
            None => match Email::parse(key) {
                Ok(e) => store.user_by_email(&e)?,
                Err(_) => None,
            },
        };
        found.ok_or_else(|| {
            not_found(
                "user",
                format!("aucun utilisateur n'a l'adresse ou l'identifiant PIGP « {key} »"),
            )
        })
    }

    pub fn user_view(&self, key: &str) -> Result<Value, DeskError> {
        let store = self.store();
        let u = self.find_user(key)?;
        let rights: Vec<Value> = store
            .rights_of_user(u.id)?
            .into_iter()
            .map(|r| json!({"siret": r.siret, "opened_at": r.opened_at.to_rfc3339(), "opened_by": r.opened_by, "dossier": r.dossier}))
            .collect();
        let attachments: Vec<Value> = store
            .attachments_of_user(u.id)?
            .into_iter()
            .map(|a| json!({"siret": a.siret, "role": a.role, "status": a.status, "interim": a.interim}))
            .collect();
        Ok(json!({
            "id": u.id.0, "civilite": u.civilite, "nom": u.nom, "prenom": u.prenom, "email": u.email,
            "fonction": u.fonction, "address": u.address, "postal_code": u.postal_code, "city": u.city,
            "country": u.country, "pigp_id": u.pigp_id, "population": u.population, "codique": u.codique,
            "status": u.status, "keeps_pigp_apps": u.keeps_pigp_apps,
            "new_pigp_elsewhere": u.new_pigp_elsewhere, "created_by": u.created_by,
            "rights": rights, "attachments": attachments,
            "last_reset_on": u.last_reset_on,
            "dossiers": store.dossiers_of_user(u.id)?.iter().map(|d| json!({"id": d.id, "kind": d.kind, "status": d.status})).collect::<Vec<_>>(),
            "open_reset": store.dossiers_of_user(u.id)?.iter().find(|d| d.kind == Kind::Reinitialisation && !d.status.is_final()).map(|d| d.id),
            "history": history_lines(store.history(Subject::User(u.id))?),
            "actions": history_lines(store.history(Subject::Actor(u.id))?),
        }))
    }

    pub fn structure_view(&self, key: &str) -> Result<Value, DeskError> {
        let store = self.store();
        let siret = Siret::parse(key).map_err(|e| Refusal::validation("siret", e.0))?;
        let s = store.structure(siret)?.ok_or_else(|| {
            not_found(
                "siret",
                format!("aucune structure n'a le SIRET {}", siret.spaced()),
            )
        })?;
        let person = |u: &User| json!({"email": u.email, "pigp_id": u.pigp_id, "name": format!("{} {}", u.prenom, u.nom)});
        let (mut gp, mut gp_interim, mut gs, mut users, mut pending) =
            (Value::Null, false, vec![], vec![], vec![]);
        for a in store.attachments_of_structure(siret)? {
            let Some(u) = store.user(a.user)? else {
                continue;
            };
            match (a.status, a.role) {
                (AttachmentStatus::Actif, Role::Gp) => {
                    gp = person(&u);
                    gp_interim = a.interim;
                }
                (AttachmentStatus::Actif, Role::Gs) => gs.push(person(&u)),
                (AttachmentStatus::Demande, _) => pending.push(json!({"email": u.email, "name": format!("{} {}", u.prenom, u.nom), "requested_at": a.requested_at.to_rfc3339()})),
                _ => {}
            }
            if a.status == AttachmentStatus::Actif {
                users.push(json!({"email": u.email, "name": format!("{} {}", u.prenom, u.nom), "role": a.role, "status": u.status}));
            }
        }
        let mut rights = Vec::new();
        for id in store.holders_of_rights(siret)? {
            if let Some(u) = store.user(id)? {
                rights.push(json!({"email": u.email, "pigp_id": u.pigp_id}));
            }
        }
        let directions = store.directions()?;
        let competent: Vec<String> = rules::competent_departements(&s)
            .iter()
            .filter_map(|d| rules::direction_covering(d, &directions).map(|d| d.code.clone()))
            .collect();
        let dossiers: Vec<DossierId> = store.dossiers_of_siret(siret)?;
        Ok(json!({
            "siret": s.siret, "name": s.name, "category": s.category, "has_comptable": s.has_comptable,
            "comptable": s.comptable.as_ref().map(|k| json!({"name": k.name, "email": k.email})),
            "address": s.address, "postal_code": s.postal_code, "city": s.city, "country": s.country,
            "departement": s.departement, "academie": s.academie, "uai": s.uai,
            "siege_departement": s.siege_departement, "active": s.active,
            "population": rules::population(s.category),
            "expected_channel": rules::expected_channel(&s),
            "competent_directions": competent,
            "gp": gp, "gp_interim": gp_interim, "gs": gs, "users": users, "pending": pending,
            "rights": rights, "dossiers": dossiers,
        }))
    }

    /// R16: departed or deleted users still attached in Chorus Pro or still holding MADRHAS rights.
    pub fn residual_access(&self) -> Result<Vec<Value>, DeskError> {
        let store = self.store();
        let mut users = Vec::new();
        for id in store.residual_users()? {
            if let Some(u) = store.user(id)? {
                users.push(u);
            }
        }
        // The departed first, then the deleted; by id within each.
        users.sort_by_key(|u| (u.status != UserStatus::Sorti, u.id.0));
        let mut out = Vec::new();
        for u in users {
            let attachments: Vec<Value> = store
                .attachments_of_user(u.id)?
                .into_iter()
                .filter(|a| {
                    matches!(
                        a.status,
                        AttachmentStatus::Actif | AttachmentStatus::Demande
                    )
                })
                .map(|a| json!({"siret": a.siret, "role": a.role, "status": a.status}))
                .collect();
            let rights: Vec<Siret> = store
                .rights_of_user(u.id)?
                .into_iter()
                .map(|r| r.siret)
                .collect();
            out.push(json!({
                "email": u.email, "pigp_id": u.pigp_id, "name": format!("{} {}", u.prenom, u.nom),
                "status": u.status, "attachments": attachments, "rights": rights,
            }));
        }
        Ok(out)
    }

    /// R14: active structures without a gestionnaire principal, and those whose GP is interim, in SIRET order.
    /// Read from the index the transactions keep (`Store::derive`), not from every structure.
    pub fn orphans(&self) -> Result<Vec<Value>, DeskError> {
        let store = self.store();
        let mut out = Vec::new();
        for state in GpState::ALL {
            for siret in store.gp_state_sirets(state)? {
                let Some(s) = store.structure(siret)? else {
                    continue;
                };
                let (situation, holder) = match state {
                    GpState::SansGp => ("sans_gp", None),
                    GpState::Interim => {
                        let gp = store
                            .attachments_of_structure(siret)?
                            .into_iter()
                            .find(|a| a.is_active_gp());
                        let holder = match gp {
                            Some(a) => store.user(a.user)?,
                            None => None,
                        };
                        ("gp_interim", holder)
                    }
                };
                out.push((siret.as_u64(), json!({
                    "siret": s.siret, "name": s.name, "category": s.category, "departement": s.departement,
                    "situation": situation, "gp": holder.map(|u| json!({"email": u.email, "pigp_id": u.pigp_id})),
                })));
            }
        }
        out.sort_by_key(|(siret, _)| *siret);
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }

    /// The Accueil's alerts: structures without a GP, with an interim GP, and users with accès résiduels — three
    /// counters.
    pub fn alert_counts(&self) -> Result<(usize, usize, usize), DeskError> {
        let store = self.store();
        Ok((
            store.gp_state_count(GpState::SansGp)?,
            store.gp_state_count(GpState::Interim)?,
            store.residual_count()?,
        ))
    }

    fn direction_codes(&self, only: Option<&str>) -> Result<Vec<String>, DeskError> {
        let codes: Vec<String> = self
            .store()
            .directions()?
            .iter()
            .map(|d| d.code.clone())
            .collect();
        match only {
            Some(code) => {
                let code = code.trim().to_uppercase();
                if codes.contains(&code) {
                    Ok(vec![code])
                } else {
                    Err(not_found("direction", format!("aucune direction {code}")))
                }
            }
            None => Ok(codes),
        }
    }

    /// Counts per corbeille from the counters, the oldest from the first index key, the overdue from the index.
    pub fn queues(&self, direction: Option<&str>) -> Result<Vec<QueueLine>, DeskError> {
        let store = self.store();
        let today = self.today();
        let mut out = Vec::new();
        for code in self.direction_codes(direction)? {
            for &corbeille in Corbeille::ALL {
                let count = store.corbeille_count(&code, corbeille)?;
                let oldest = store
                    .corbeille_page(&code, corbeille, 0, 1)?
                    .first()
                    .map(|e| e.received_on);
                let over_15_days = if corbeille.is_open() && count > 0 {
                    self.count_older(&code, corbeille, today)?
                } else {
                    0
                };
                out.push(QueueLine {
                    direction: code.clone(),
                    corbeille,
                    label: corbeille.label(),
                    count,
                    oldest_received_on: oldest,
                    oldest_age_days: oldest.map(|d| (today - d).num_days()),
                    over_15_days,
                });
            }
        }
        Ok(out)
    }

    /// Dossiers received more than `OVERDUE_DAYS` ago: the index is sorted by date, so the scan stops at the
    /// first recent one.
    fn count_older(
        &self,
        code: &str,
        corbeille: Corbeille,
        today: NaiveDate,
    ) -> Result<usize, DeskError> {
        let mut n = 0;
        let page = 256;
        loop {
            let entries = self.store().corbeille_page(code, corbeille, n, page)?;
            let old = entries
                .iter()
                .take_while(|e| (today - e.received_on).num_days() > OVERDUE_DAYS)
                .count();
            n += old;
            if old < page || entries.len() < page {
                return Ok(n);
            }
        }
    }

    /// Age buckets of the open corbeilles, from the index keys alone.
    pub fn aging(&self, direction: Option<&str>) -> Result<Vec<AgingLine>, DeskError> {
        let store = self.store();
        let today = self.today();
        let mut out = Vec::new();
        for code in self.direction_codes(direction)? {
            for &corbeille in Corbeille::ALL.iter().filter(|c| c.is_open()) {
                let mut line = AgingLine {
                    direction: code.clone(),
                    corbeille,
                    label: corbeille.label(),
                    days_0_7: 0,
                    days_8_15: 0,
                    days_16_30: 0,
                    days_31_plus: 0,
                };
                for e in store.corbeille_page(&code, corbeille, 0, usize::MAX)? {
                    match (today - e.received_on).num_days() {
                        ..=7 => line.days_0_7 += 1,
                        8..=15 => line.days_8_15 += 1,
                        16..=30 => line.days_16_30 += 1,
                        _ => line.days_31_plus += 1,
                    }
                }
                out.push(line);
            }
        }
        Ok(out)
    }
}
