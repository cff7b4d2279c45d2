//! One handler per command: read what the rules need, check, stage the writes. Handlers never commit; the desk
//! commits what they staged, or journals their refusal.

mod accounts;
mod aspasie;
mod chorus;
mod dossier;
mod reference;

use super::command::{AttachmentAction, Command};
use super::context::{Ctx, DeskError, Done};
use crate::store::Store;
use crate::store::journal::Subject;

/// Runs a command's handler, then stages the derived indexes its writes change (R14, R16: `Store::derive`).
pub(crate) fn run(ctx: &mut Ctx, command: &Command) -> Result<Done, DeskError> {
    let done = handle(ctx, command)?;
    ctx.store.derive(&mut ctx.ws)?;
    Ok(done)
}

fn handle(ctx: &mut Ctx, command: &Command) -> Result<Done, DeskError> {
    match command {
        Command::DirectionAdd(c) => reference::direction_add(ctx, c),
        Command::OperatorAdd(c) => reference::operator_add(ctx, c),
        Command::OperatorUpdate(c) => reference::operator_update(ctx, c),
        Command::ReferentAdd(c) => reference::referent_add(ctx, c),
        Command::StructureAdd(c) => reference::structure_add(ctx, c),
        Command::StructureUpdate(c) => reference::structure_update(ctx, c),
        Command::DossierReceive(c) => dossier::receive(ctx, c),
        Command::DossierAddPersons(c) => dossier::add_persons(ctx, c),
        Command::DossierQualify(c) => dossier::qualify(ctx, &c.dossier),
        Command::DossierDocument(c) => dossier::document(ctx, c),
        Command::DossierConfirmEmail(c) => dossier::confirm_email(ctx, c),
        Command::DossierForward(c) => dossier::forward(ctx, c),
        Command::DossierReject(c) => dossier::reject(ctx, c),
        Command::DossierAssign(c) => dossier::assign(ctx, c),
        Command::DossierNote(c) => dossier::note(ctx, c),
        Command::DossierClose(c) => dossier::close(ctx, &c.dossier),
        Command::AspasieCreate(c) => aspasie::create(ctx, c),
        Command::MadrhasOpen(c) => aspasie::madrhas_open(ctx, c),
        Command::MadrhasRevoke(c) => aspasie::madrhas_revoke(ctx, c),
        Command::PasswordReset(c) => accounts::password_reset(ctx, &c.dossier),
        Command::UserUpdate(c) => accounts::update(ctx, c),
        Command::UserDepart(c) => accounts::depart(ctx, c),
        Command::AspasieDelete(c) => accounts::delete(ctx, c),
        Command::ChorusAccount(c) => chorus::account(ctx, c),
        Command::AttachmentRequest(c) => chorus::request(ctx, c),
        Command::AttachmentValidate(c) => chorus::decide(ctx, c, true, None),
        Command::AttachmentRefuse(c) => chorus::decide(
            ctx,
            &AttachmentAction {
                by: c.by.clone(),
                user: c.user.clone(),
                siret: c.siret,
            },
            false,
            c.reason.as_deref(),
        ),
        Command::AttachmentRemove(c) => chorus::remove(ctx, c),
        Command::ManagerDesignateGs(c) => chorus::designate_gs(ctx, c, true),
        Command::ManagerRevokeGs(c) => chorus::designate_gs(ctx, c, false),
        Command::ManagerTransferGp(c) => chorus::transfer_gp(ctx, c),
    }
}

/// What a refused command was about, so that the refusal shows in that dossier's history.
pub(crate) fn subjects_of_refused(store: &Store, command: &Command) -> Vec<Subject> {
    let dossier = match command {
        Command::DossierQualify(c) | Command::DossierClose(c) | Command::PasswordReset(c) => {
            Some(&c.dossier)
        }
        Command::UserUpdate(c) => Some(&c.dossier),
        Command::UserDepart(c) => c.dossier.as_ref(),
        Command::AspasieDelete(c) => c.dossier.as_ref(),
        Command::DossierDocument(c) => Some(&c.dossier),
        Command::DossierConfirmEmail(c) | Command::MadrhasOpen(c) => Some(&c.dossier),
        Command::DossierForward(c) => Some(&c.dossier),
        Command::DossierReject(c) => Some(&c.dossier),
        Command::DossierAssign(c) => Some(&c.dossier),
        Command::DossierAddPersons(c) => Some(&c.dossier),
        Command::DossierNote(c) => Some(&c.dossier),
        Command::AspasieCreate(c) => Some(&c.dossier),
        _ => None,
    };
    let mut subjects = Vec::new();
    if let Some(d) = dossier.and_then(|d| store.find_dossier(d).ok().flatten()) {
        subjects.push(Subject::Dossier(d.id));
        subjects.extend(d.user_id.map(Subject::User));
    }
    // An attempt on a user (an e-mail change during a reset, a deletion refused) shows in his history.
    let user = match command {
        Command::UserUpdate(c) => Some(&c.email),
        Command::UserDepart(c) => Some(&c.email),
        Command::AspasieDelete(c) => Some(&c.email),
        Command::MadrhasRevoke(c) => Some(&c.email),
        _ => None,
    };
    if let Some(u) = user.and_then(|e| store.user_by_email(e).ok().flatten())
        && !subjects.contains(&Subject::User(u.id))
    {
        subjects.push(Subject::User(u.id));
    }
    subjects
}
