//! The French texts of the two espaces acted "en tant que" a Chorus Pro user (Mon compte, Activités du
//! gestionnaire), in Chorus Pro's words. They belong with `tui/strings.rs`; they live here until that module takes
//! them.

// Acting as a user.
pub const CONNECTED_AS: &str = "Connecté en tant que : ";
pub const NOBODY: &str = "aucun utilisateur choisi";
pub const NO_PIGP: &str = "sans identifiant PIGP";
pub const INTERIM_WORD: &str = "intérimaire";
pub const ATTACHED_NOWHERE: &str = "rattaché à aucune structure";
pub const NOT_ACTING: &str = ": il n'agit plus dans Chorus Pro";
/// Why an account cannot be acted as: "sorti : il n'agit plus dans Chorus Pro".
pub fn not_acting(status: &str) -> String {
    format!("{status} {NOT_ACTING}")
}
pub const ACTING_GONE: &str = "L'utilisateur choisi est introuvable : c pour en choisir un autre.";
pub const HINT_CHOOSE_USER: &str = "changer d'utilisateur";
pub const HELP_CHOOSE_USER: &str = "Choisir l'utilisateur Chorus Pro en tant que qui agir (tous les comptes par nom, grisés s'ils n'agissent plus ; une ou deux lettres : le début du nom ; trois ou plus : nom, courriel, identifiant PIGP…)";
pub const NO_USER: &str =
    "aucun utilisateur choisi : c pour choisir l'utilisateur en tant que qui agir";

// Pickers.
pub const PICKER_PROMPT: &str = "Rechercher : ";
pub const PICKER_FOOT: &str = "tapez pour filtrer · ↑↓ choisir · ⏎ valider · Échap fermer";
pub const PICKER_NO_MATCH: &str = "Aucune ligne ne correspond au filtre.";
pub const PICKER_UNAVAILABLE: &str = "Indisponible";
/// "12 sur 60000 ligne(s)"; `exact` false: the lines kept are an estimate, « ≈ ».
pub fn picker_count(shown: usize, total: usize, exact: bool) -> String {
    if !exact {
        format!("≈ {shown} sur {total} ligne(s)")
    } else if shown == total {
        format!("{total} ligne(s)")
    } else {
        format!("{shown} sur {total} ligne(s)")
    }
}
pub const HINT_PICK: &str = "choisir";
pub const HELP_PICK: &str = "Choisir la ligne sélectionnée (tapez pour filtrer la liste)";
pub const HINT_CLOSE: &str = "fermer";
pub const HELP_CLOSE: &str = "Fermer la liste sans rien choisir";
pub const PICK_USER_TITLE: &str = "Se connecter en tant que";
/// Beside one or two letters typed in the account picker: they keep the names starting with them.
pub const PICK_BY_NAME_START: &str = "début du nom";
pub const PICK_USER_EMPTY: &str = "Aucun utilisateur : n pour créer un compte Chorus Pro.";
pub const PICK_STRUCTURE_TITLE: &str =
    "Demander un rattachement : rechercher puis sélectionner la structure";
pub const PICK_STRUCTURE_EMPTY: &str = "Aucune structure.";
pub const STRUCTURE_CLOSED: &str = "fermée : on ne peut plus y demander de rattachement";

// Forms and confirmations.
pub const HINT_SAVE: &str = "enregistrer";
pub const HELP_SAVE: &str = "Enregistrer le formulaire (Ctrl-S)";
pub const HINT_CANCEL: &str = "annuler";
pub const HELP_CANCEL: &str = "Fermer le formulaire (demande confirmation s'il y a une saisie)";
pub const HINT_YES: &str = "oui";
pub const HELP_YES: &str = "Confirmer";
pub const HINT_NO: &str = "non";
pub const HELP_NO: &str = "Renoncer";
pub const FORM_FOOT: &str =
    "Tab/Maj-Tab : champ suivant/précédent · ←→ : choix · Ctrl-S : enregistrer · Échap : annuler";
pub const REQUIRED: &str = "champs obligatoires à remplir";

// Mon compte.
pub const CRUMB_ATTACHMENTS: &str = "Mes rattachements aux structures";
pub const CRUMB_REQUEST: &str = "Demander un rattachement";
pub const CRUMB_NEW_ACCOUNT: &str = "Créer un compte Chorus Pro";
pub const CRUMB_CHOOSE: &str = "Changer d'utilisateur";
pub const HINT_REQUEST: &str = "demander un rattachement";
pub const HELP_REQUEST: &str = "Demander un rattachement : rechercher puis sélectionner la structure (validé ensuite par son gestionnaire principal ou secondaire)";
pub const HINT_REMOVE: &str = "supprimer rattachement";
pub const HELP_REMOVE: &str = "Supprimer le rattachement sélectionné (le gestionnaire principal transfère d'abord son profil)";
pub const HINT_NEW_ACCOUNT: &str = "créer un compte";
pub const HELP_NEW_ACCOUNT: &str = "Créer un compte Chorus Pro (utilisateur simple, sans identifiant PIGP), qui devient l'utilisateur en tant que qui agir";
pub const HINT_STRUCTURE: &str = "fiche structure";
pub const HELP_STRUCTURE: &str =
    "Ouvrir la structure du rattachement sélectionné dans l'espace Structures";
pub const ALREADY: &str = "déjà";
pub fn confirm_remove(structure: &str) -> String {
    format!("Supprimer le rattachement à {structure} ? (o : oui, n : non)")
}
pub const NO_ATTACHMENT: &str =
    "Aucun rattachement : d pour demander un rattachement à une structure.";
pub const CHOOSE_FIRST: &str = "Choisissez l'utilisateur Chorus Pro en tant que qui agir (c), ou créez un compte Chorus Pro (n).";
pub const GUIDE_TITLE: &str = "Changer d'établissement (note 2018-08-4031, §2.1 et §2.2)";
pub const GUIDE: [&str; 4] = [
    "1. d  Demander le rattachement à la structure d'arrivée (rechercher puis sélectionner la structure).",
    "2.    Son gestionnaire principal ou secondaire valide la demande (Activités du gestionnaire).",
    "3. s  Supprimer le rattachement à la structure quittée.",
    "Le gestionnaire principal transfère d'abord son profil à son successeur (Activités du gestionnaire > Gérer les structures > t) : jusque-là, la suppression de son rattachement est refusée (R14).",
];
pub const NOTHING_SELECTED: &str = "aucun rattachement sélectionné";

// Columns.
pub const COL_STRUCTURE: &str = "Structure";
pub const COL_SIRET: &str = "SIRET";
pub const COL_ROLE: &str = "Rôle";
pub const COL_STATUS: &str = "Statut";
pub const COL_INTERIM: &str = "Intérim";
pub const COL_REQUESTED: &str = "Demandé le";
pub const COL_DECIDED: &str = "Décidé le";
pub const YES: &str = "oui";

/// The status of a rattachement as Mon compte shows it.
pub fn status(s: crate::domain::chorus::AttachmentStatus) -> &'static str {
    use crate::domain::chorus::AttachmentStatus as S;
    match s {
        S::Demande => "en attente",
        S::Actif => "actif",
        S::Refuse => "refusé",
        S::Supprime => "supprimé",
    }
}

/// The role in a narrow column: GP, GS, utilisateur; "GP intérim".
pub fn role_short(a: &crate::domain::chorus::Attachment) -> &'static str {
    use crate::domain::chorus::Role;
    match (a.role, a.interim) {
        (Role::Gp, true) => "GP intérim",
        (Role::Gp, false) => "GP",
        (Role::Gs, _) => "GS",
        (Role::User, _) => "utilisateur",
    }
}

// Activités du gestionnaire.
pub const CRUMB_PENDING: [&str; 2] = [
    "Mes actions en attente",
    "Les demandes de rattachements à une structure",
];
pub const CRUMB_MANAGE: &str = "Gérer les structures";
pub const CRUMB_HISTORY: &str = "Historique de mes actions";
pub const HINT_PENDING: &str = "demandes";
pub const HELP_PENDING: &str =
    "Mes actions en attente : les demandes de rattachements à une structure";
pub const HINT_MANAGE: &str = "structures";
pub const HELP_MANAGE: &str = "Gérer les structures : gestionnaires secondaires, transfert du profil de gestionnaire principal";
pub const HINT_HISTORY: &str = "historique";
pub const HELP_HISTORY: &str = "Historique de mes actions de gestionnaire";
pub const HINT_TICK: &str = "cocher";
pub const HELP_TICK: &str = "Cocher ou décocher la demande sélectionnée";
pub const HINT_TICK_ALL: &str = "tout cocher";
pub const HINT_UNTICK_ALL: &str = "tout décocher";
pub const HELP_TICK_ALL: &str = "Cocher toutes les demandes, ou tout décocher si toutes le sont";
pub const HELP_VALIDATE: &str =
    "Valider les demandes cochées (ou la demande sélectionnée si aucune n'est cochée)";
pub const HELP_REFUSE: &str = "Refuser les demandes cochées (ou la sélectionnée), motif facultatif";
pub fn hint_validate(n: usize) -> String {
    format!("valider ({n})")
}
pub fn hint_refuse(n: usize) -> String {
    format!("refuser ({n})")
}
pub const NO_REQUEST: &str = "aucune demande de rattachement en attente";
pub const NO_REQUEST_LONG: &str = "Aucune demande de rattachement en attente dans vos structures.";
pub const COL_REQUESTER: &str = "Demandeur";
pub const COL_EMAIL: &str = "Courriel";
pub const COL_REQUESTED_F: &str = "Demandée le";
pub fn pending_title(n: usize, ticked: usize) -> String {
    if ticked > 0 {
        format!(" Les demandes de rattachements à une structure ({n}) · {ticked} cochée(s) ")
    } else {
        format!(" Les demandes de rattachements à une structure ({n}) ")
    }
}
pub const REFUSE_PROMPT: &str = "Motif du refus (facultatif) : ";
pub fn refuse_foot(n: usize) -> String {
    format!("⏎ refuser {n} demande(s) · Échap : renoncer")
}
pub fn bulk_done(done: usize, accept: bool) -> String {
    let verb = if accept { "validée(s)" } else { "refusée(s)" };
    format!("{done} demande(s) de rattachement {verb}")
}
pub fn journal_range(first: u64, last: u64) -> String {
    if first == last {
        format!("journal n° {first}")
    } else {
        format!("journal n° {first} à {last}")
    }
}
pub fn bulk_refused(n: usize) -> String {
    format!("{n} non traitée(s), la première : ")
}
/// R11's sentence when the user acted as manages no structure.
pub fn manages_nothing(email: &str) -> String {
    format!(
        "{email} n'est ni gestionnaire principal ni gestionnaire secondaire d'aucune structure : seuls eux valident ou refusent les demandes de rattachement"
    )
}

// Gérer les structures.
pub const HINT_DESIGNATE: &str = "désigner un GS";
pub const HELP_DESIGNATE: &str = "Désigner un gestionnaire secondaire parmi les utilisateurs rattachés (identifiant PIGP requis)";
pub const HINT_REVOKE: &str = "retirer un GS";
pub const HELP_REVOKE: &str =
    "Retirer son profil à un gestionnaire secondaire (il reste utilisateur de la structure)";
pub const HINT_TRANSFER: &str = "transférer le profil GP";
pub const HELP_TRANSFER: &str = "Transférer le profil de gestionnaire principal à un successeur rattaché doté d'un identifiant PIGP, éventuellement par intérim";
pub const HINT_DETACH: &str = "supprimer un rattachement";
pub const HELP_DETACH: &str = "Supprimer le rattachement d'un utilisateur qui quitte la structure";
pub const NO_STRUCTURE: &str = "aucune structure sélectionnée";
pub const MANAGES_NOTHING_LONG: &str = "Cet utilisateur n'est gestionnaire d'aucune structure : c pour choisir un gestionnaire principal ou secondaire.";
pub const MY_STRUCTURES: &str = "Mes structures";
pub const COL_MY_ROLE: &str = "Mon rôle";
pub const COL_GP: &str = "Gestionnaire principal";
pub const COL_GP_SHORT: &str = "GP";
pub const COL_GS: &str = "GS";
pub const COL_USERS: &str = "Rattachés";
pub const COL_PENDING: &str = "Demandes";
pub const COL_NAME: &str = "Nom";
pub const COL_PIGP: &str = "Identifiant PIGP";
pub const NO_GP: &str = "aucun";
pub fn members_title(structure: &str, n: usize) -> String {
    format!(" Utilisateurs rattachés à {structure} ({n}) ")
}
pub fn pick_designate(structure: &str) -> String {
    format!("Désigner un gestionnaire secondaire de {structure}")
}
pub fn pick_revoke(structure: &str) -> String {
    format!("Retirer un gestionnaire secondaire de {structure}")
}
pub fn pick_successor(structure: &str) -> String {
    format!(
        "Transférer le profil de gestionnaire principal de {structure} : le successeur (identifiant PIGP)"
    )
}
pub fn pick_detach(structure: &str) -> String {
    format!("Supprimer le rattachement d'un utilisateur de {structure}")
}
pub const NO_CANDIDATE: &str =
    "Aucun utilisateur simple rattaché : il demande d'abord son rattachement, que vous validez.";
pub const NO_GS: &str = "Aucun gestionnaire secondaire.";
pub const NO_SUCCESSOR: &str = "Aucun autre utilisateur rattaché n'a d'identifiant PIGP : le successeur demande son rattachement (ou vous validez sa demande), puis vous lui transférez le profil (§2.2).";
pub const NO_MEMBER: &str = "Aucun autre utilisateur rattaché.";
pub const TRANSFER_TITLE: &str = "Transférer le profil de gestionnaire principal";
pub const TRANSFER_INTERIM: &str = "Par intérim";
pub fn transfer_summary(structure: &str, successor: &str) -> String {
    format!("{structure} : le profil de gestionnaire principal passe à {successor}.")
}
pub const TRANSFER_NOTE: &str = "Par intérim : successeur pas encore connu ou habilité ; ce gestionnaire assure la transition puis redevient gestionnaire secondaire (§2.2). Vous devenez utilisateur simple de la structure (gestionnaire secondaire si vous étiez intérimaire).";
pub const TRANSFER_FOOT: &str =
    "espace : intérim oui/non · ⏎ ou Ctrl-S : transférer · Échap : renoncer";

// Historique.
pub const NO_ACTION: &str = "Aucune action de gestionnaire enregistrée pour cet utilisateur.";
pub fn history_title(n: usize) -> String {
    format!(" {CRUMB_HISTORY} ({n}) ")
}
pub const COL_DATE: &str = "Date";
pub const COL_ACTION: &str = "Action";
pub const COL_OUTCOME: &str = "Résultat";
pub const COL_DETAIL: &str = "Détail";
/// A command of the Chorus Pro side, as the history names it.
pub fn command_label(cmd: &str) -> &str {
    match cmd {
        "chorus.account" => "création du compte",
        "attachment.request" => "demande de rattachement",
        "attachment.validate" => "validation de rattachement",
        "attachment.refuse" => "refus de rattachement",
        "attachment.remove" => "suppression de rattachement",
        "manager.designate_gs" => "désignation d'un GS",
        "manager.revoke_gs" => "retrait d'un GS",
        "manager.transfer_gp" => "transfert du profil GP",
        other => other,
    }
}
pub const CRUMB_DESIGNATE: &str = "Désigner un gestionnaire secondaire";
pub const CRUMB_REVOKE: &str = "Retirer un gestionnaire secondaire";
pub const CRUMB_TRANSFER: &str = "Transférer le profil de gestionnaire principal";
pub const CRUMB_DETACH: &str = "Supprimer un rattachement";
pub const CRUMB_REFUSE: &str = "Refuser";
pub const REFUSE_TITLE: &str = "Refuser les demandes de rattachement";
pub const HINT_OPEN_USER: &str = "fiche utilisateur";
pub const HELP_OPEN_USER: &str =
    "Ouvrir la fiche du demandeur sélectionné dans l'espace Utilisateurs";
