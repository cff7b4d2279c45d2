//! Issue 3: random sequences of valid and invalid commands over a small world (a few structures and users), with
//! the invariants of the note checked after every step:
//!
//! - a structure has at most one active gestionnaire principal (§2.2, R14);
//! - every active GP or GS holds a PIGP identifier (introduction, R9);
//! - no user deleted from ASPASIE still holds MADRHAS rights (§2.3.2, R15);
//! - a refused command changed nothing but the journal, which gained exactly one entry; a done command adds
//!   exactly one entry too;
//! - the journal's SHA-256 chain verifies (every five steps and at the end).
//!
//! The steps pick users and SIRETs from small pools, blindly (any e-mail, any SIRET: mostly refusals) or aimed at
//! the current state (a pending request decided by a manager of its structure, the GP handing over to someone
//! attached…: mostly accepted), so that both kinds are well represented.

mod common;

use common::checks::{check_chain, check_invariants};
use common::*;
use guichet::desk::{Desk, DeskError};
use guichet::domain::chorus::{Attachment, AttachmentStatus, Right, Role};
use guichet::domain::dossier::Status;
use guichet::domain::ids::{Email, Siret};
use guichet::domain::user::{User, UserStatus};
use guichet::store::{StateDump, T};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

const ANNE: &str = "anne.lefevre@ac-versailles.fr"; // GP of EPLE_92
const FARID: &str = "farid.haddad@ac-versailles.fr"; // GS of EPLE_92
const HUGO: &str = "hugo.blanc@ac-versailles.fr"; // GP of EPLE_78
const THOMAS: &str = "thomas.nguyen@inas-lyon.fr"; // GP of EPN_69
const EMMA: &str = "emma.roux@ac-versailles.fr"; // self-service account, no PIGP
const PAUL: &str = "paul.simon@ac-versailles.fr"; // self-service account, no PIGP
const NINA: &str = "nina.inconnue@ac-versailles.fr"; // nobody (until a step opens her an account)

const USERS: [&str; 7] = [ANNE, FARID, HUGO, THOMAS, EMMA, PAUL, NINA];

/// A valid SIRET that is no structure of the world.
const UNKNOWN_SIRET: &str = "18945612300018";
/// The structures of the world the steps play with (the CCI has no gestionnaire), then an unknown SIRET.
const SIRETS: [&str; 5] = [EPLE_92, EPLE_78, EPN_69, CCI_92, UNKNOWN_SIRET];
const KNOWN_SIRETS: usize = 4;

/// Accepted and refused steps over the cases of a run.
#[derive(Default)]
struct Tally {
    accepted: AtomicUsize,
    refused: AtomicUsize,
}

fn chorus_account(email: &str) -> String {
    let (civilite, nom, prenom) = match email {
        EMMA => ("MME", "Roux", "Emma"),
        PAUL => ("M", "Simon", "Paul"),
        NINA => ("MME", "Inconnue", "Nina"),
        ANNE => ("MME", "Lefèvre", "Anne"),
        FARID => ("M", "Haddad", "Farid"),
        HUGO => ("M", "Blanc", "Hugo"),
        _ => ("M", "Nguyen", "Thomas"),
    };
    format!(
        r#"{{"cmd":"chorus.account","email":"{email}","civilite":"{civilite}","nom":"{nom}","prenom":"{prenom}"}}"#
    )
}

/// The world of `common`, then Anne GP and Farid GS of the Lycée Jean Moulin (one dossier of the référent),
/// Hugo GP of the Collège des Sablons, Thomas GP of the INAS (by its agent comptable), and two self-service
/// accounts without PIGP identifier.
fn world() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    let lycee = format!(
        r#"{{"cmd":"dossier.receive","ref":"LYCEE","kind":"habilitation","channel":"referent","siret":"{EPLE_92}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}},"received_on":"2026-11-02","persons":[{{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"{ANNE}","role":"gp"}},{{"civilite":"M","nom":"Haddad","prenom":"Farid","email":"{FARID}","role":"gs","fonction":"adjoint-gestionnaire"}}]}}"#
    );
    habilitate(&desk, &lycee, "LYCEE", &[ANNE, FARID]);
    let college = eple_dossier("COLLEGE", "DDFIP78", EPLE_78, HUGO)
        .replace("\"MME\"", "\"M\"")
        .replace("\"Lefèvre\"", "\"Blanc\"")
        .replace("\"Anne\"", "\"Hugo\"");
    habilitate(&desk, &college, "COLLEGE", &[HUGO]);
    let inas = format!(
        r#"{{"cmd":"dossier.receive","ref":"INAS","kind":"habilitation","channel":"agent_comptable","siret":"{EPN_69}","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"}},"received_on":"2026-11-02","persons":[{{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"{THOMAS}","role":"gp"}}]}}"#
    );
    habilitate(&desk, &inas, "INAS", &[THOMAS]);
    ok(&desk, &chorus_account(EMMA));
    ok(&desk, &chorus_account(PAUL));
    (dir, desk)
}

/// Indices into the pools (taken modulo their length), and whether the step aims at the current state.
#[derive(Debug, Clone, Copy)]
struct Pick {
    by: usize,
    user: usize,
    siret: usize,
    aimed: bool,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Request(Pick),
    Validate(Pick),
    Refuse(Pick),
    Remove(Pick),
    DesignateGs(Pick),
    RevokeGs(Pick),
    TransferGp {
        pick: Pick,
        interim: bool,
    },
    /// Aimed: an active user who is GP nowhere.
    Depart {
        user: usize,
        keeps_pigp_apps: bool,
        new_pigp_elsewhere: bool,
        aimed: bool,
    },
    /// Aimed: a user who left.
    Delete {
        user: usize,
        aimed: bool,
    },
    /// Aimed: a right that exists.
    Revoke {
        user: usize,
        siret: usize,
        aimed: bool,
    },
    Account {
        user: usize,
    },
    /// A reinitialisation dossier received; `from_user`: the requester is the user's registered address;
    /// `competent`: sent to the direction competent for the user's structures; `channel_user`: by the user himself.
    ResetReceive {
        user: usize,
        from_user: bool,
        competent: bool,
        channel_user: bool,
    },
    /// `dossier.qualify` of one of the reset dossiers received so far (aimed: one still to qualify).
    Qualify {
        dossier: usize,
        aimed: bool,
    },
    /// `password.reset` on one of the reset dossiers received so far (aimed: a qualified one).
    Reset {
        dossier: usize,
        aimed: bool,
    },
    Garbage(usize),
}

/// Whether a step aims at the current state rather than at the pools blindly.
fn aimed() -> impl Strategy<Value = bool> {
    prop::bool::weighted(0.6)
}

fn pick() -> impl Strategy<Value = Pick> {
    (0..12usize, 0..12usize, 0..12usize, aimed()).prop_map(|(by, user, siret, aimed)| Pick {
        by,
        user,
        siret,
        aimed,
    })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => pick().prop_map(Step::Request),
        3 => pick().prop_map(Step::Validate),
        1 => pick().prop_map(Step::Refuse),
        2 => pick().prop_map(Step::Remove),
        2 => pick().prop_map(Step::DesignateGs),
        1 => pick().prop_map(Step::RevokeGs),
        2 => (pick(), any::<bool>()).prop_map(|(pick, interim)| Step::TransferGp { pick, interim }),
        2 => (0..12usize, any::<bool>(), any::<bool>(), aimed()).prop_map(
            |(user, keeps_pigp_apps, new_pigp_elsewhere, aimed)| Step::Depart {
                user,
                keeps_pigp_apps,
                new_pigp_elsewhere,
                aimed,
            }
        ),
        2 => (0..12usize, aimed()).prop_map(|(user, aimed)| Step::Delete { user, aimed }),
        1 => (0..12usize, 0..12usize, aimed())
            .prop_map(|(user, siret, aimed)| Step::Revoke { user, siret, aimed }),
        1 => (0..12usize).prop_map(|user| Step::Account { user }),
        2 => (
            // Mostly the PIGP holders, who have a password to reset.
            prop_oneof![3 => 0..4usize, 1 => 0..12usize],
            prop::bool::weighted(0.75),
            prop::bool::weighted(0.75),
            prop::bool::weighted(0.85),
        )
            .prop_map(|(user, from_user, competent, channel_user)| Step::ResetReceive {
                user,
                from_user,
                competent,
                channel_user,
            }),
        2 => (0..12usize, aimed()).prop_map(|(dossier, aimed)| Step::Qualify { dossier, aimed }),
        2 => (0..12usize, aimed()).prop_map(|(dossier, aimed)| Step::Reset { dossier, aimed }),
        1 => (0..6usize).prop_map(Step::Garbage),
    ]
}

/// One Chorus Pro rattachement of the known structures, with the index of its SIRET and its user's e-mail.
struct Seen {
    siret: usize,
    email: String,
    attachment: Attachment,
}

fn siret(s: &str) -> Siret {
    Siret::parse(s).expect("valid SIRET")
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn seen(desk: &Desk) -> Result<Vec<Seen>, TestCaseError> {
    let store = desk.store();
    let mut out = Vec::new();
    for (i, s) in SIRETS.iter().enumerate().take(KNOWN_SIRETS) {
        for attachment in store.attachments_of_structure(siret(s)).map_err(fail)? {
            let email = store
                .user(attachment.user)
                .map_err(fail)?
                .map(|u| u.email.as_str().to_string())
                .unwrap_or_else(|| NINA.to_string());
            out.push(Seen {
                siret: i,
                email,
                attachment,
            });
        }
    }
    Ok(out)
}

fn is_active(s: &Seen) -> bool {
    s.attachment.status == AttachmentStatus::Actif
}

fn is_manager(s: &Seen) -> bool {
    is_active(s) && matches!(s.attachment.role, Role::Gp | Role::Gs)
}

fn nth<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

struct Run<'a> {
    desk: &'a Desk,
    /// The references of the reset dossiers received (or attempted) so far.
    resets: Vec<String>,
}

impl Run<'_> {
    /// (by, user, siret) blindly from the pools.
    fn blind(p: Pick) -> (String, String, String) {
        (
            USERS[p.by % USERS.len()].to_string(),
            USERS[p.user % USERS.len()].to_string(),
            SIRETS[p.siret % SIRETS.len()].to_string(),
        )
    }

    /// (by, user, siret) aimed at the rattachements selected by `which`, decided by someone from `deciders`
    /// (given the chosen rattachement and all of its structure's); blind when there is none.
    fn aimed(
        &self,
        p: Pick,
        which: impl Fn(&Seen) -> bool,
        deciders: impl Fn(&Seen, &[&Seen]) -> Vec<String>,
    ) -> Result<(String, String, String), TestCaseError> {
        if !p.aimed {
            return Ok(Self::blind(p));
        }
        let all = seen(self.desk)?;
        let candidates: Vec<&Seen> = all.iter().filter(|s| which(s)).collect();
        let Some(chosen) = nth(&candidates, p.user) else {
            return Ok(Self::blind(p));
        };
        let same: Vec<&Seen> = all.iter().filter(|s| s.siret == chosen.siret).collect();
        let by = nth(&deciders(chosen, &same), p.by)
            .unwrap_or_else(|| USERS[p.by % USERS.len()].to_string());
        Ok((by, chosen.email.clone(), SIRETS[chosen.siret].to_string()))
    }

    fn managers(same: &[&Seen]) -> Vec<String> {
        same.iter()
            .filter(|s| is_manager(s))
            .map(|s| s.email.clone())
            .collect()
    }

    fn gp(same: &[&Seen]) -> Vec<String> {
        same.iter()
            .filter(|s| s.attachment.is_active_gp())
            .map(|s| s.email.clone())
            .collect()
    }

    fn chorus(cmd: &str, (by, user, siret): (String, String, String)) -> String {
        format!(r#"{{"cmd":"{cmd}","by":"{by}","user":"{user}","siret":"{siret}"}}"#)
    }

    /// A user of the pool; aimed, one whose record satisfies `fits` when there is one.
    fn user_among(
        &self,
        i: usize,
        aimed: bool,
        fits: impl Fn(&User) -> bool,
    ) -> Result<String, TestCaseError> {
        if aimed {
            let mut fitting = Vec::new();
            for email in USERS {
                let email = Email::parse(email).expect("valid e-mail");
                if let Some(u) = self.desk.store().user_by_email(&email).map_err(fail)?
                    && fits(&u)
                {
                    fitting.push(u.email.as_str().to_string());
                }
            }
            if let Some(email) = nth(&fitting, i) {
                return Ok(email);
            }
        }
        Ok(USERS[i % USERS.len()].to_string())
    }

    /// One of the reset dossiers received so far; aimed, one in `status` when there is one.
    fn reset_among(&self, i: usize, aimed: bool, status: Status) -> Result<String, TestCaseError> {
        if aimed {
            let mut fitting = Vec::new();
            for reference in &self.resets {
                if let Some(d) = self.desk.store().dossier_by_ref(reference).map_err(fail)?
                    && d.status == status
                {
                    fitting.push(reference.clone());
                }
            }
            if let Some(reference) = nth(&fitting, i) {
                return Ok(reference);
            }
        }
        Ok(nth(&self.resets, i).unwrap_or_else(|| "REINIT-AUCUN".to_string()))
    }

    /// The JSON line of step `i`.
    fn render(&mut self, i: usize, step: Step) -> Result<String, TestCaseError> {
        Ok(match step {
            Step::Request(p) => {
                let (by, _, siret) = Self::blind(p);
                format!(r#"{{"cmd":"attachment.request","by":"{by}","siret":"{siret}"}}"#)
            }
            Step::Validate(p) | Step::Refuse(p) => {
                let cmd = if matches!(step, Step::Validate(_)) {
                    "attachment.validate"
                } else {
                    "attachment.refuse"
                };
                let target = self.aimed(
                    p,
                    |s| s.attachment.status == AttachmentStatus::Demande,
                    |_, same| Self::managers(same),
                )?;
                Self::chorus(cmd, target)
            }
            Step::Remove(p) => {
                let target = self.aimed(
                    p,
                    |s| {
                        matches!(
                            s.attachment.status,
                            AttachmentStatus::Actif | AttachmentStatus::Demande
                        )
                    },
                    |chosen, same| {
                        let mut who = vec![chosen.email.clone()];
                        who.extend(Self::managers(same));
                        who
                    },
                )?;
                Self::chorus("attachment.remove", target)
            }
            Step::DesignateGs(p) => {
                let target = self.aimed(
                    p,
                    |s| is_active(s) && s.attachment.role == Role::User,
                    |_, same| Self::gp(same),
                )?;
                Self::chorus("manager.designate_gs", target)
            }
            Step::RevokeGs(p) => {
                let target = self.aimed(
                    p,
                    |s| is_active(s) && s.attachment.role == Role::Gs,
                    |_, same| Self::gp(same),
                )?;
                Self::chorus("manager.revoke_gs", target)
            }
            Step::TransferGp { pick: p, interim } => {
                // Aimed: a successor attached to a structure that has a GP, the GP handing over.
                let (by, to, siret) = self.aimed(
                    p,
                    |s| is_active(s) && !s.attachment.is_active_gp(),
                    |_, same| Self::gp(same),
                )?;
                format!(
                    r#"{{"cmd":"manager.transfer_gp","by":"{by}","to":"{to}","siret":"{siret}","interim":{interim}}}"#
                )
            }
            Step::Depart {
                user,
                keeps_pigp_apps,
                new_pigp_elsewhere,
                aimed,
            } => {
                let gps: Vec<String> = seen(self.desk)?
                    .into_iter()
                    .filter(|s| s.attachment.is_active_gp())
                    .map(|s| s.email)
                    .collect();
                let email = self.user_among(user, aimed, |u| {
                    u.status == UserStatus::Actif && !gps.iter().any(|g| g == u.email.as_str())
                })?;
                format!(
                    r#"{{"cmd":"user.depart","email":"{email}","keeps_pigp_apps":{keeps_pigp_apps},"new_pigp_elsewhere":{new_pigp_elsewhere}}}"#
                )
            }
            Step::Delete { user, aimed } => {
                let email = self.user_among(user, aimed, |u| u.status == UserStatus::Sorti)?;
                format!(r#"{{"cmd":"aspasie.delete","email":"{email}"}}"#)
            }
            Step::Revoke { user, siret, aimed } => {
                let mut email = USERS[user % USERS.len()].to_string();
                let mut siret = SIRETS[siret % SIRETS.len()].to_string();
                if aimed {
                    let store = self.desk.store();
                    let rights: Vec<(sled::IVec, Right)> =
                        store.scan(T::Rights, b"").map_err(fail)?;
                    if let Some((_, right)) = nth(&rights, user)
                        && let Some(holder) = store.user(right.user).map_err(fail)?
                    {
                        email = holder.email.as_str().to_string();
                        siret = right.siret.to_string();
                    }
                }
                format!(r#"{{"cmd":"madrhas.revoke","email":"{email}","siret":"{siret}"}}"#)
            }
            Step::Account { user } => chorus_account(USERS[user % USERS.len()]),
            Step::ResetReceive {
                user,
                from_user,
                competent,
                channel_user,
            } => {
                let email = USERS[user % USERS.len()];
                let versailles = email.ends_with("@ac-versailles.fr");
                let direction = match (competent, versailles) {
                    (true, true) | (false, false) => "DDFIP78",
                    (true, false) | (false, true) => "DRFIP69",
                };
                let requester = if from_user {
                    email
                } else {
                    "usurpateur.anonyme@ac-versailles.fr"
                };
                let channel = if channel_user {
                    "utilisateur"
                } else {
                    "agent_comptable"
                };
                let reference = format!("REINIT-{i}");
                self.resets.push(reference.clone());
                format!(
                    r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"reinitialisation","channel":"{channel}","user":"{email}","direction":"{direction}","requester":{{"name":"Demandeur","email":"{requester}"}},"received_on":"2026-11-20"}}"#
                )
            }
            Step::Qualify { dossier, aimed } => {
                let reference = self.reset_among(dossier, aimed, Status::Recue)?;
                format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#)
            }
            Step::Reset { dossier, aimed } => {
                let reference = self.reset_among(dossier, aimed, Status::Qualifiee)?;
                format!(r#"{{"cmd":"password.reset","dossier":"{reference}"}}"#)
            }
            Step::Garbage(k) => match k % 6 {
                0 => r#"{"cmd":"attachment.request","by":"#.to_string(),
                1 => format!(r#"{{"cmd":"structure.delete","siret":"{EPLE_92}"}}"#),
                // The SIRET of the Lycée Jean Moulin with a wrong check digit.
                2 => format!(
                    r#"{{"cmd":"attachment.request","by":"{EMMA}","siret":"19920131700019"}}"#
                ),
                3 => "[1,2]".to_string(),
                4 => {
                    r#"{"cmd":"user.depart","email":"anne.lefevre@@ac-versailles.fr"}"#.to_string()
                }
                _ => format!(
                    r#"{{"cmd":"madrhas.revoke","email":"{ANNE}","siret":"{EPLE_92}","motif":"x"}}"#
                ),
            },
        })
    }
}

/// The trees whose content differs between two dumps.
fn changed_trees(before: &StateDump, after: &StateDump) -> Vec<&'static str> {
    before
        .keys()
        .chain(after.keys())
        .filter(|name| before.get(*name) != after.get(*name))
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Runs the steps on a fresh world; after each, checks what the refusal or success left and the invariants.
fn run(steps: &[Step], tally: &Tally) -> Result<(), TestCaseError> {
    let (_dir, desk) = world();
    check_invariants(&desk).map_err(|e| fail(format!("after the set-up: {e}")))?;
    check_chain(&desk).map_err(|e| fail(format!("after the set-up: {e}")))?;
    let store = desk.store();
    let actor = actor();
    let mut run = Run {
        desk: &desk,
        resets: Vec::new(),
    };
    let mut transcript = String::new();
    let (mut accepted, mut refused) = (0usize, 0usize);
    for (i, step) in steps.iter().enumerate() {
        let line = run.render(i, *step)?;
        let before = store.dump_state().map_err(fail)?;
        let (head_before, _) = store.journal_head().map_err(fail)?;
        let outcome = desk.execute_line(&actor, &line);
        let after = store.dump_state().map_err(fail)?;
        let (head_after, _) = store.journal_head().map_err(fail)?;
        let said = match &outcome {
            Ok(receipt) => format!("ok: {}", receipt.summary),
            Err(DeskError::Refused(r)) => format!("refused {}: {}", r.rule.code(), r.message),
            Err(other) => format!("error: {other}"),
        };
        transcript.push_str(&format!("  step {i}: {line}\n      → {said}\n"));
        let context = |what: String| fail(format!("{what}\n{transcript}"));
        match outcome {
            Ok(_) => {
                accepted += 1;
                // The bootstrap entry was written by the set-up: a done command adds its own entry only.
                if head_after != head_before + 1 {
                    return Err(context(format!(
                        "step {i} done: journal went from {head_before} to {head_after}, expected one entry"
                    )));
                }
            }
            Err(DeskError::Refused(_)) => {
                refused += 1;
                if before != after {
                    return Err(context(format!(
                        "step {i} refused but changed the trees {:?}",
                        changed_trees(&before, &after)
                    )));
                }
                if head_after != head_before + 1 {
                    return Err(context(format!(
                        "step {i} refused: journal went from {head_before} to {head_after}, expected one entry"
                    )));
                }
            }
            Err(other) => return Err(context(format!("step {i}: store error {other}"))),
        }
        check_invariants(&desk).map_err(|e| context(format!("after step {i}: {e}")))?;
        if (i + 1) % 5 == 0 || i + 1 == steps.len() {
            check_chain(&desk).map_err(|e| context(format!("after step {i}: {e}")))?;
        }
    }
    tally.accepted.fetch_add(accepted, Ordering::Relaxed);
    tally.refused.fetch_add(refused, Ordering::Relaxed);
    eprintln!(
        "invariants: {} steps, {accepted} accepted, {refused} refused",
        steps.len()
    );
    Ok(())
}

#[test]
fn invariants_hold_after_every_step() {
    let config = ProptestConfig {
        // 24 cases keep the debug run within seconds on two cores; PROPTEST_CASES=2000 searches deeper.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        // A failure is reported with its transcript; no regression file is written beside the tests.
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let tally = Tally::default();
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&prop::collection::vec(step(), 1..40), |steps| {
        run(&steps, &tally)
    }) {
        panic!("{e}");
    }
    let accepted = tally.accepted.load(Ordering::Relaxed);
    let refused = tally.refused.load(Ordering::Relaxed);
    let total = accepted + refused;
    eprintln!(
        "invariants: {total} steps in all, {accepted} accepted ({}%), {refused} refused ({}%)",
        accepted * 100 / total.max(1),
        refused * 100 / total.max(1)
    );
    // The generator must keep producing both kinds (about a third accepted): if the vocabulary drifted and every
    // line were refused, the invariants would hold trivially.
    assert!(
        accepted * 10 >= total && refused * 10 >= total,
        "{accepted} accepted and {refused} refused steps: the generator no longer exercises both"
    );
}

#[test]
fn the_world_starts_with_its_gestionnaires() {
    let (_dir, desk) = world();
    for (siret, gp) in [(EPLE_92, ANNE), (EPLE_78, HUGO), (EPN_69, THOMAS)] {
        assert_eq!(
            desk.structure_view(siret).expect("structure")["gp"]["email"],
            gp
        );
    }
    let gs = desk.structure_view(EPLE_92).expect("structure")["gs"].to_string();
    assert!(gs.contains(FARID), "Farid is GS of the lycée: {gs}");
    for email in [EMMA, PAUL] {
        assert!(desk.user_view(email).expect("user")["pigp_id"].is_null());
    }
    check_invariants(&desk).expect("invariants");
    check_chain(&desk).expect("chain");
}

/// The checks are not vacuous: each sees its invariant broken when a record is forged behind the desk's back.
#[test]
fn the_checks_see_a_forged_store() {
    use guichet::store::{codec, keys};
    fn forge<V: serde::Serialize>(desk: &Desk, t: T, key: &[u8], value: &V) {
        let bytes = codec::encode(value).expect("encode");
        desk.store().tree(t).insert(key, bytes).expect("insert");
    }
    fn user(desk: &Desk, email: &str) -> User {
        let email = Email::parse(email).expect("e-mail");
        desk.store()
            .user_by_email(&email)
            .expect("read")
            .expect("user")
    }
    fn attachment(desk: &Desk, email: &str, s: &str) -> Attachment {
        let u = user(desk, email);
        desk.store()
            .attachment(siret(s), u.id)
            .expect("read")
            .expect("attachment")
    }
    let pair = |s: &str, u: &User| keys::pair(keys::siret(siret(s)), keys::user(u.id));

    // Farid made a second GP of the lycée.
    let (_dir, desk) = world();
    let mut farid = attachment(&desk, FARID, EPLE_92);
    farid.role = Role::Gp;
    forge(
        &desk,
        T::Attachments,
        &pair(EPLE_92, &user(&desk, FARID)),
        &farid,
    );
    let e = check_invariants(&desk).expect_err("two GPs");
    assert!(e.contains("2 active GPs"), "{e}");

    // Emma, without PIGP identifier, made GS of the lycée.
    let (_dir, desk) = world();
    let emma = user(&desk, EMMA);
    let mut forged = attachment(&desk, FARID, EPLE_92);
    forged.user = emma.id;
    forge(&desk, T::Attachments, &pair(EPLE_92, &emma), &forged);
    let e = check_invariants(&desk).expect_err("a GS without PIGP");
    assert!(e.contains("without a PIGP identifier"), "{e}");

    // Hugo deleted while he still holds his rights on the collège.
    let (_dir, desk) = world();
    let mut hugo = user(&desk, HUGO);
    hugo.status = UserStatus::Supprime;
    forge(&desk, T::Users, &keys::user(hugo.id), &hugo);
    let e = check_invariants(&desk).expect_err("a deleted user with rights");
    assert!(e.contains("holds"), "{e}");

    // A journal entry rewritten.
    let (_dir, desk) = world();
    let journal = desk.store().tree(T::Journal);
    let (key, mut value) = journal
        .iter()
        .nth(3)
        .expect("entry")
        .map(|(k, v)| (k, v.to_vec()))
        .expect("read");
    let last = value.len() - 1;
    value[last] ^= 1;
    journal.insert(key, value).expect("insert");
    check_chain(&desk).expect_err("a rewritten entry");
}
