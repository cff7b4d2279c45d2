//! Every French text of the interface, in Chorus Pro's words, in one place.

pub const APP: &str = "guichet";
pub const LOCAL_DB: &str = "base locale";
/// The status bar of a desk that is a client of `guichet serve`, followed by the socket.
pub const SERVED_DB: &str = "serveur";

pub const ESPACES: [&str; 8] = [
    "Accueil",
    "Dossiers",
    "Utilisateurs",
    "Structures",
    "Mon compte",
    "Activités du gestionnaire",
    "Journal",
    "Référentiels",
];

/// The same, shortened for narrow terminals.
pub const ESPACES_SHORT: [&str; 8] = [
    "Accueil",
    "Dossiers",
    "Utilisateurs",
    "Structures",
    "Compte",
    "Activités",
    "Journal",
    "Référentiels",
];

/// The same, for 80 columns.
pub const ESPACES_TINY: [&str; 8] = [
    "Accueil", "Dossiers", "Util.", "Struct.", "Compte", "Activ.", "Journal", "Réf.",
];

pub const TOO_SMALL: &str = "Fenêtre trop petite : agrandissez le terminal (au moins 60 × 16).";

// Global keys.
pub const HINT_ESPACES: &str = "espaces";
pub const HELP_ESPACES: &str = "Aller à l'espace de ce numéro (1 Accueil … 8 Référentiels)";
pub const HINT_NEXT: &str = "espace suivant";
pub const HELP_NEXT: &str = "Espace suivant ; Maj-Tab : espace précédent";
pub const HINT_HELP: &str = "aide";
pub const HELP_HELP: &str = "Cette aide : les touches de l'écran, actives ou non, et pourquoi";
pub const HINT_PALETTE: &str = "commandes";
pub const HELP_PALETTE: &str =
    "La palette de commandes : tapez pour chercher une action, ⏎ pour la lancer";
pub const HINT_ACTIONS: &str = "actions";
pub const HELP_ACTIONS: &str = "Les actions possibles sur la sélection, à choisir dans une liste (comme la palette, sans les espaces)";
pub const HINT_QUIT: &str = "quitter";
pub const HELP_QUIT: &str = "Quitter guichet (jamais depuis un formulaire en cours de saisie)";
pub const HINT_COPY: &str = "copier";
pub const HELP_COPY: &str =
    "Copier l'identifiant sélectionné dans le presse-papiers (OSC 52, fonctionne en SSH)";
pub const HINT_MOVE: &str = "choisir";
pub const HELP_MOVE: &str = "Monter, descendre (j/k), page (PgPréc/PgSuiv), début et fin (g/G)";
pub const HINT_OPEN: &str = "ouvrir";
pub const HINT_BACK: &str = "retour";
pub const HELP_BACK: &str = "Revenir à l'écran précédent";
pub const HINT_FILTER: &str = "filtrer";
pub const HELP_FILTER: &str =
    "Filtrer la liste en tapant (sans tenir compte des majuscules ni des accents)";

pub const HELP_TITLE: &str = "Aide";
pub const HELP_FOOT: &str = "Échap ou ? pour fermer";
pub const PALETTE_TITLE: &str = "Commandes";
pub const PALETTE_PROMPT: &str = "Chercher une action : ";
pub const CONFIRM_TITLE: &str = "Confirmer";
pub const CONFIRM_DISCARD: &str = "Abandonner la saisie en cours ? (o : oui, n : non)";
pub const COPIED: &str = "copié dans le presse-papiers";
pub const NOTHING_TO_COPY: &str = "rien à copier ici";
pub const NO_OPERATOR: &str =
    "n'est pas un opérateur de ce guichet : un administrateur l'ajoute (operator.add)";

pub const FILTER_PROMPT: &str = "Filtre : ";
pub const EMPTY: &str = "Aucun élément.";

/// "il y a N j", or "aujourd'hui".
pub fn age(days: i64) -> String {
    match days {
        ..=0 => "aujourd'hui".to_string(),
        1 => "hier".to_string(),
        n => format!("{n} j"),
    }
}

/// A date as the interface writes it: jj/mm/aaaa.
pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Done: the journal's summary, with the entry number.
pub fn done(summary: &str, seq: u64) -> String {
    format!("✓ {summary} (journal n° {seq})")
}

/// Refused: the rule's message as the desk wrote it.
pub fn refused(message: &str) -> String {
    format!("✗ {message}")
}

pub const SERVER_CLOSING: &str = "Le serveur guichet s'arrête : ce qu'il a confirmé est enregistré ; vos saisies restent à l'écran.";
pub const SERVER_GONE: &str = "Le serveur guichet ne répond plus : vos saisies restent à l'écran ; le guichet se reconnecte dès qu'il revient.";
pub const SERVER_BACK: &str = "Reconnecté au serveur guichet.";

/// The status line when someone changed the record of the open form.
pub fn changed_underneath(by: &str) -> String {
    format!(
        "{by} vient de modifier ce que votre formulaire concerne : vérifiez avant d'enregistrer (Ctrl-S demandera confirmation)."
    )
}

/// The question before saving over someone else's change.
pub fn save_over(by: &str) -> String {
    format!(
        "{by} a modifié cet enregistrement pendant votre saisie. Enregistrer quand même ? (o : oui, n : non — Échap ferme le formulaire pour voir la version à jour)"
    )
}
