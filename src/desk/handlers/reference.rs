//! Directions, operators, référents and structures: the reference records the rules read.

use crate::desk::command::{
    ComptableIn, DirectionAdd, OperatorAdd, OperatorUpdate, ReferentAdd, StructureAdd,
    StructureUpdate,
};
use crate::desk::context::{Ctx, DeskError, Done, required};
use crate::domain::Refusal;
use crate::domain::ids::{departement_from_postal_code, normalize_departement};
use crate::domain::operator::{Direction, Operator, OperatorRole, Referent};
use crate::domain::reference;
use crate::domain::structure::{Category, Comptable, Structure};
use serde_json::json;

pub(super) fn direction_add(ctx: &mut Ctx, c: &DirectionAdd) -> Result<Done, DeskError> {
    ctx.must_be_admin("l'ajout d'une direction")?;
    let code = required("code", &c.code)?.to_uppercase();
    if !code
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        return Err(Refusal::validation(
            "code",
            "lettres, chiffres, - et _ seulement (ex. DDFIP92)",
        )
        .into());
    }
    let name = required("name", &c.name)?;
    let codique = c.codique.trim().to_string();
    if !(3..=9).contains(&codique.len()) || !codique.chars().all(|ch| ch.is_ascii_digit()) {
        return Err(Refusal::validation("codique", "le codique compte de 3 à 9 chiffres").into());
    }
    if c.departements.is_empty() {
        return Err(Refusal::validation(
            "departements",
            "une direction couvre au moins un département",
        )
        .into());
    }
    if ctx.store.direction(&code)?.is_some() {
        return Err(
            Refusal::state(Some("code"), format!("la direction {code} existe déjà")).into(),
        );
    }
    let existing = ctx.store.directions()?;
    let mut departements = Vec::new();
    for (i, raw) in c.departements.iter().enumerate() {
        let field = format!("departements[{i}]");
        let dep = normalize_departement(raw).map_err(|e| Refusal::validation(&field, e.0))?;
        if let Some(other) = existing.iter().find(|d| d.departements.contains(&dep)) {
            return Err(Refusal::state(
                Some(&field),
                format!(
                    "le département {dep} est déjà couvert par {} : une seule direction est compétente par département",
                    other.code
                ),
            )
            .into());
        }
        if !departements.contains(&dep) {
            departements.push(dep);
        }
    }
    let direction = Direction {
        code: code.clone(),
        name,
        codique,
        departements,
        balf: c.balf.clone(),
    };
    ctx.ws.put_direction(&direction)?;
    Ok(Done {
        summary: format!("direction {code} ajoutée"),
        result: json!({"direction": code, "departements": direction.departements}),
    })
}

pub(super) fn operator_add(ctx: &mut Ctx, c: &OperatorAdd) -> Result<Done, DeskError> {
    ctx.must_be_admin("l'ajout d'un opérateur")?;
    let login = required("login", &c.login)?;
    if login.chars().any(char::is_whitespace) {
        return Err(
            Refusal::validation("login", "un identifiant de connexion n'a pas d'espace").into(),
        );
    }
    let name = required("name", &c.name)?;
    if ctx.store.operator(&login)?.is_some() {
        return Err(
            Refusal::state(Some("login"), format!("l'opérateur {login} existe déjà")).into(),
        );
    }
    let direction = match c
        .direction
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(code) => {
            let code = code.to_uppercase();
            if ctx.store.direction(&code)?.is_none() {
                return Err(
                    Refusal::not_found("direction", format!("aucune direction {code}")).into(),
                );
            }
            Some(code)
        }
        None if c.role == OperatorRole::Admin => None,
        None => {
            return Err(Refusal::validation(
                "direction",
                "un correspondant ou un lecteur appartient à une direction",
            )
            .into());
        }
    };
    let operator = Operator {
        login: login.clone(),
        name,
        direction,
        role: c.role,
    };
    ctx.ws.put_operator(&operator)?;
    Ok(Done {
        summary: format!("opérateur {login} ajouté ({})", c.role.label()),
        result: json!({"login": login, "role": c.role, "direction": operator.direction}),
    })
}

pub(super) fn operator_update(ctx: &mut Ctx, c: &OperatorUpdate) -> Result<Done, DeskError> {
    let login = c.login.trim();
    let oneself_renamed = login == ctx.operator.login && c.direction.is_none() && c.role.is_none();
    if !oneself_renamed {
        ctx.must_be_admin("la modification d'un opérateur")?;
    }
    let mut operator = ctx
        .store
        .operator(login)?
        .ok_or_else(|| Refusal::not_found("login", format!("aucun opérateur {login}")))?;
    if let Some(name) = &c.name {
        operator.name = required("name", name)?;
    }
    if let Some(code) = c.direction.as_deref().map(str::trim) {
        let code = code.to_uppercase();
        if ctx.store.direction(&code)?.is_none() {
            return Err(Refusal::not_found("direction", format!("aucune direction {code}")).into());
        }
        operator.direction = Some(code);
    }
    if let Some(role) = c.role {
        if login == ctx.operator.login && role != OperatorRole::Admin {
            return Err(Refusal::state(
                Some("role"),
                "un administrateur ne se retire pas lui-même ce rôle : un autre administrateur le fait",
            )
            .into());
        }
        if role != OperatorRole::Admin && operator.direction.is_none() {
            return Err(Refusal::validation(
                "direction",
                "un correspondant ou un lecteur appartient à une direction",
            )
            .into());
        }
        operator.role = role;
    }
    ctx.ws.put_operator(&operator)?;
    Ok(Done {
        summary: format!("opérateur {login} modifié"),
        result: json!({"login": login, "name": operator.name, "direction": operator.direction, "role": operator.role}),
    })
}

/// A correspondant registers the référents of the académies whose seat his direction covers (`must_cover_seat_of`).
pub(super) fn referent_add(ctx: &mut Ctx, c: &ReferentAdd) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let academie = reference::academie(&c.academie).ok_or_else(|| {
        Refusal::validation(
            "academie",
            format!(
                "académie inconnue « {} » ; académies : {}",
                c.academie,
                reference::academies()
                    .iter()
                    .map(|a| a.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    ctx.must_cover_seat_of(academie)?;
    let name = required("name", &c.name)?;
    if ctx
        .store
        .referents_of(academie.name)?
        .iter()
        .any(|r| r.email == c.email)
    {
        return Err(Refusal::state(
            Some("email"),
            format!(
                "{} est déjà référent de l'académie {}",
                c.email, academie.name
            ),
        )
        .into());
    }
    let referent = Referent {
        academie: academie.name.to_string(),
        name,
        email: c.email.clone(),
    };
    ctx.ws.put_referent(&referent)?;
    Ok(Done {
        summary: format!(
            "référent {} ajouté pour l'académie {}",
            c.email, academie.name
        ),
        result: json!({"academie": academie.name, "email": c.email}),
    })
}

/// A correspondant registers only structures his direction is competent for, by R1 on the record as settled
/// (its department, the seat of one with a comptable public, the académie's seat for an EPLE).
pub(super) fn structure_add(ctx: &mut Ctx, c: &StructureAdd) -> Result<Done, DeskError> {
    ctx.must_write()?;
    if ctx.store.structure(c.siret)?.is_some() {
        return Err(Refusal::state(
            Some("siret"),
            format!("la structure {} existe déjà", c.siret.spaced()),
        )
        .into());
    }
    let draft = Structure {
        siret: c.siret,
        name: required("name", &c.name)?,
        category: c.category,
        has_comptable: false,
        comptable: None,
        address: c.address.clone(),
        postal_code: required("postal_code", &c.postal_code)?,
        city: required("city", &c.city)?,
        country: c.country.clone().unwrap_or_else(|| "France".to_string()),
        departement: String::new(),
        academie: None,
        uai: c.uai.clone(),
        siege_departement: None,
        active: true,
    };
    let structure = settle(
        draft,
        c.has_comptable,
        c.comptable.as_ref(),
        c.departement.as_deref(),
        c.siege_departement.as_deref(),
    )?;
    ctx.must_be_competent_for(&structure)?;
    ctx.ws.put_structure(&structure)?;
    ctx.about(crate::store::journal::Subject::Structure(c.siret));
    Ok(Done {
        summary: format!(
            "structure {} ajoutée : {}",
            c.siret.spaced(),
            structure.name
        ),
        result: json!({
            "siret": c.siret,
            "departement": structure.departement,
            "academie": structure.academie,
            "has_comptable": structure.has_comptable,
        }),
    })
}

/// A correspondant updates the structures his direction is competent for as they stand (R1); the update may
/// move one out of his competence (a structure that moved), never bring one in.
pub(super) fn structure_update(ctx: &mut Ctx, c: &StructureUpdate) -> Result<Done, DeskError> {
    ctx.must_write()?;
    let mut s = ctx.structure_in_charge(c.siret, "siret")?;
    let postal_changed = c.postal_code.is_some();
    // A new category brings its own default: a CCI has no comptable public even if the EPN it was had one.
    let category_changed = c.category.is_some_and(|new| new != s.category);
    if let Some(v) = &c.name {
        s.name = required("name", v)?;
    }
    if let Some(v) = c.category {
        s.category = v;
    }
    if let Some(v) = &c.address {
        s.address = Some(v.clone()).filter(|a| !a.trim().is_empty());
    }
    if let Some(v) = &c.postal_code {
        s.postal_code = required("postal_code", v)?;
    }
    if let Some(v) = &c.city {
        s.city = required("city", v)?;
    }
    if let Some(v) = &c.country {
        s.country = required("country", v)?;
    }
    if let Some(v) = &c.uai {
        s.uai = Some(v.clone());
    }
    if let Some(v) = c.active {
        s.active = v;
    }
    let has_comptable = match (c.has_comptable, category_changed) {
        (Some(v), _) => Some(v),
        (None, true) => None,
        (None, false) => Some(s.has_comptable),
    };
    let comptable = c.comptable.clone().or_else(|| {
        s.comptable.as_ref().map(|k| ComptableIn {
            name: k.name.clone(),
            email: k.email.clone(),
        })
    });
    let departement = c
        .departement
        .clone()
        .or_else(|| (!postal_changed).then(|| s.departement.clone()));
    let siege = c
        .siege_departement
        .clone()
        .or_else(|| s.siege_departement.clone());
    let comptable = comptable
        .filter(|_| c.has_comptable != Some(false) && !category_changed || c.comptable.is_some());
    let structure = settle(
        s,
        has_comptable,
        comptable.as_ref(),
        departement.as_deref(),
        siege.as_deref(),
    )?;
    ctx.ws.put_structure(&structure)?;
    Ok(Done {
        summary: format!("structure {} modifiée", c.siret.spaced()),
        result: json!({"siret": c.siret, "departement": structure.departement, "academie": structure.academie}),
    })
}

/// Derives and checks what a structure's fields imply: comptable, department, académie, UAI of an EPLE.
fn settle(
    mut s: Structure,
    has_comptable: Option<bool>,
    comptable: Option<&ComptableIn>,
    departement: Option<&str>,
    siege: Option<&str>,
) -> Result<Structure, Refusal> {
    s.has_comptable = match has_comptable.or_else(|| s.category.default_has_comptable()) {
        Some(v) => v,
        None => {
            return Err(Refusal::validation(
                "has_comptable",
                format!(
                    "précisez si ce {} est doté d'un comptable public (true/false) : cela décide du canal de ses demandes",
                    s.category.wire()
                ),
            ));
        }
    };
    s.comptable = match comptable {
        Some(_) if !s.has_comptable => {
            return Err(Refusal::validation(
                "comptable",
                "une structure sans comptable public n'a pas d'agent comptable",
            ));
        }
        Some(k) => Some(Comptable {
            name: required("comptable.name", &k.name)?,
            email: k.email.clone(),
        }),
        None => None,
    };
    s.departement = match departement {
        Some(d) => normalize_departement(d).map_err(|e| Refusal::validation("departement", e.0))?,
        None => departement_from_postal_code(&s.postal_code)
            .map_err(|e| Refusal::validation("postal_code", e.0))?,
    };
    s.academie = reference::academie_of(&s.departement).map(|a| a.name.to_string());
    s.siege_departement = match siege.map(str::trim).filter(|v| !v.is_empty()) {
        Some(d) => Some(
            normalize_departement(d).map_err(|e| Refusal::validation("siege_departement", e.0))?,
        ),
        None => None,
    };
    if s.category == Category::Eple && s.uai.is_none() {
        return Err(Refusal::validation(
            "uai",
            "un EPLE est identifié par son UAI (7 chiffres et une lettre)",
        ));
    }
    Ok(s)
}
