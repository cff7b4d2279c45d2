//! Table-driven tests of the rules: one named case per situation.
//!
//! The tables are kept one case per line or two (`#[rustfmt::skip]`) so that they read as a list of situations.

use super::*;
use crate::domain::ids::{PigpId, Siret, Uai};
use crate::domain::structure::Category::{Cci, Cma, EplMer, Eple, Eplefpa, Epn, Gip, Sem};
use crate::domain::structure::Comptable;
use crate::domain::user::{Civilite, UserId};
use chrono::NaiveDate;

/// What a case expects: `OK`, or the refusal's rule, field and fragments of its French message.
type Want = Option<(Rule, &'static str, &'static [&'static str])>;
const OK: Want = None;

fn email(s: &str) -> Email {
    Email::parse(s).unwrap_or_else(|e| panic!("fixture e-mail {s}: {e}"))
}

/// A structure of that category located in that department, with the académie of the referentiel and, when the
/// category has a comptable public (a GIP is assumed not to), its registered agent comptable.
fn structure(category: Category, departement: &str) -> Structure {
    let has_comptable = category.default_has_comptable().unwrap_or(false);
    Structure {
        siret: Siret::parse("19920131700013").unwrap(),
        name: format!("{} du {departement}", category.wire()),
        category,
        has_comptable,
        comptable: has_comptable.then(|| Comptable {
            name: "Claire Martin".into(),
            email: email("claire.martin@ac-versailles.fr"),
        }),
        address: None,
        postal_code: format!("{departement}000"),
        city: "Ville".into(),
        country: "France".into(),
        departement: departement.into(),
        academie: reference::academie_of(departement).map(|a| a.name.to_string()),
        uai: (category == Eple).then(|| Uai::parse("0920131T").unwrap()),
        siege_departement: None,
        active: true,
    }
}

fn with_seat(structure: Structure, seat: &str) -> Structure {
    Structure {
        siege_departement: Some(seat.into()),
        ..structure
    }
}

fn gip(has_comptable: bool) -> Structure {
    Structure {
        has_comptable,
        ..structure(Gip, "92")
    }
}

fn direction(code: &str, codique: &str, departements: &[&str]) -> Direction {
    Direction {
        code: code.into(),
        name: format!("direction {code}"),
        codique: codique.into(),
        departements: departements.iter().map(|d| d.to_string()).collect(),
        balf: email(&format!("{}@dgfip.finances.gouv.fr", code.to_lowercase())),
    }
}

fn directions() -> Vec<Direction> {
    vec![
        direction("DDFIP78", "7800", &["78"]),
        direction("DDFIP92", "9200", &["92"]),
        direction("DDFIP93", "9300", &["93"]),
        direction("DDFIP94", "9400", &["94"]),
        direction("DRFIP13", "1300", &["13"]),
        direction("DDFIP2A", "2010", &["2A"]),
    ]
}

fn person(address: &str, role: Role) -> Person {
    Person {
        civilite: Civilite::Mme,
        nom: "Durand".into(),
        prenom: "Alice".into(),
        email: email(address),
        role,
        sirets: vec![],
        fonction: None,
        email_active: true,
        user: None,
        population: None,
        codique: None,
        madrhas_opened: false,
    }
}

fn user(pigp: Option<&str>, status: UserStatus) -> User {
    User {
        id: UserId(1),
        civilite: Civilite::Mme,
        nom: "Durand".into(),
        prenom: "Alice".into(),
        email: email("alice.durand@ac-versailles.fr"),
        fonction: None,
        address: None,
        postal_code: None,
        city: None,
        country: None,
        pigp_id: pigp.map(|p| PigpId::parse(p).unwrap()),
        population: None,
        codique: None,
        status,
        keeps_pigp_apps: false,
        new_pigp_elsewhere: false,
        created_by: None,
        last_reset_on: None,
    }
}

fn documents(kinds: &[DocumentKind]) -> Documents {
    let mut documents = Documents::default();
    for kind in kinds {
        documents.set(*kind, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
    }
    documents
}

/// Asserts the outcome of a rule; a refusal must name its rule and field, cite the note and its paragraph, and
/// contain each expected fragment.
#[track_caller]
fn assert_outcome<T: std::fmt::Debug>(situation: &str, got: Result<T, Refusal>, want: Want) {
    match (got, want) {
        (Ok(_), None) => {}
        (Ok(v), Some((rule, ..))) => {
            panic!("{situation}: expected a refusal by {rule}, got Ok({v:?})")
        }
        (Err(r), None) => panic!("{situation}: expected Ok, got {r:?}"),
        (Err(r), Some((rule, field, fragments))) => {
            assert_eq!(r.rule, rule, "{situation}: {}", r.message);
            assert_eq!(r.field.as_deref(), Some(field), "{situation}: field");
            let paragraph = rule.paragraph().unwrap();
            assert!(
                r.message.contains("note 2018-08-4031") && r.message.contains(paragraph),
                "{situation}: the message should cite the note, {paragraph}: {}",
                r.message
            );
            for fragment in fragments {
                assert!(
                    r.message.contains(fragment),
                    "{situation}: the message should contain « {fragment} »: {}",
                    r.message
                );
            }
        }
    }
}

#[test]
fn r2_expected_channel() {
    use Channel::{AgentComptable as Comptable, FaceAFace, Referent};
    struct Case {
        situation: &'static str,
        structure: Structure,
        channel: Channel,
    }
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an EPLE goes through the académie's référent", structure: structure(Eple, "92"), channel: Referent },
        Case { situation: "an EPN goes through its agent comptable", structure: structure(Epn, "92"), channel: Comptable },
        Case { situation: "an EPLEFPA goes through its agent comptable", structure: structure(Eplefpa, "78"), channel: Comptable },
        Case { situation: "an EPL Mer goes through its agent comptable", structure: structure(EplMer, "13"), channel: Comptable },
        Case { situation: "a GIP with a comptable public: agent comptable", structure: gip(true), channel: Comptable },
        Case { situation: "a GIP without comptable public: face à face", structure: gip(false), channel: FaceAFace },
        Case { situation: "a CCI has no comptable public: face à face", structure: structure(Cci, "13"), channel: FaceAFace },
        Case { situation: "a CMA has no comptable public: face à face", structure: structure(Cma, "92"), channel: FaceAFace },
        Case { situation: "a SEM has no comptable public: face à face", structure: structure(Sem, "92"), channel: FaceAFace },
    ];
    for case in cases {
        assert_eq!(
            expected_channel(&case.structure),
            case.channel,
            "{}",
            case.situation
        );
    }
}

#[test]
fn r2_check_channel() {
    use Channel::{AgentComptable as Comptable, FaceAFace, Interne, Referent, Utilisateur};
    struct Case {
        situation: &'static str,
        kind: Kind,
        channel: Channel,
        structure: Structure,
        want: Want,
    }
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an EPLE habilitation sent by the référent",
               kind: Kind::Habilitation, channel: Referent, structure: structure(Eple, "92"), want: OK },
        Case { situation: "an EPLE habilitation sent by its agent comptable is refused",
               kind: Kind::Habilitation, channel: Comptable, structure: structure(Eple, "92"),
               want: Some((Rule::R2, "channel", &["référent", "pas « agent comptable »"])) },
        Case { situation: "an EPN habilitation sent by its agent comptable",
               kind: Kind::Habilitation, channel: Comptable, structure: structure(Epn, "92"), want: OK },
        Case { situation: "an EPN habilitation face à face is refused: it has an agent comptable",
               kind: Kind::Habilitation, channel: FaceAFace, structure: structure(Epn, "92"),
               want: Some((Rule::R2, "channel", &["agent comptable", "tiers de confiance"])) },
        Case { situation: "an EPLEFPA habilitation sent by its agent comptable",
               kind: Kind::Habilitation, channel: Comptable, structure: structure(Eplefpa, "78"), want: OK },
        Case { situation: "an EPL Mer habilitation sent by the référent is refused",
               kind: Kind::Habilitation, channel: Referent, structure: structure(EplMer, "13"),
               want: Some((Rule::R2, "channel", &["EPL_MER", "agent comptable"])) },
        Case { situation: "a GIP with a comptable public, by its agent comptable",
               kind: Kind::Habilitation, channel: Comptable, structure: gip(true), want: OK },
        Case { situation: "a GIP without comptable public, face à face",
               kind: Kind::Habilitation, channel: FaceAFace, structure: gip(false), want: OK },
        Case { situation: "a CCI request by agent comptable is refused: it has no comptable public",
               kind: Kind::Habilitation, channel: Comptable, structure: structure(Cci, "13"),
               want: Some((Rule::R2, "channel", &["sans comptable public", "face à face"])) },
        Case { situation: "a CMA habilitation face à face",
               kind: Kind::Habilitation, channel: FaceAFace, structure: structure(Cma, "92"), want: OK },
        Case { situation: "a SEM habilitation asked by the user himself is refused",
               kind: Kind::Habilitation, channel: Utilisateur, structure: structure(Sem, "92"),
               want: Some((Rule::R2, "channel", &["face à face"])) },
        Case { situation: "a modification is checked like a habilitation",
               kind: Kind::Modification, channel: FaceAFace, structure: structure(Eple, "92"),
               want: Some((Rule::R2, "channel", &["référent"])) },
        Case { situation: "a modification for a CCI, face à face",
               kind: Kind::Modification, channel: FaceAFace, structure: structure(Cci, "13"), want: OK },
        Case { situation: "a password reset asked by the user is not checked",
               kind: Kind::Reinitialisation, channel: Utilisateur, structure: structure(Eple, "92"), want: OK },
        Case { situation: "a removal noticed internally is not checked",
               kind: Kind::Suppression, channel: Interne, structure: structure(Epn, "92"), want: OK },
    ];
    for case in cases {
        let got = check_channel(case.kind, case.channel, &case.structure);
        assert_outcome(case.situation, got, case.want);
    }
}

#[test]
fn r1_competent_departements() {
    struct Case {
        situation: &'static str,
        structure: Structure,
        departements: &'static [&'static str],
    }
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an EPLE of Hauts-de-Seine is handled at the Versailles académie's seat",
               structure: structure(Eple, "92"), departements: &["78"] },
        Case { situation: "an EPLE of Yvelines, the seat itself", structure: structure(Eple, "78"), departements: &["78"] },
        Case { situation: "an EPLE of Seine-Saint-Denis is handled at the Créteil seat",
               structure: structure(Eple, "93"), departements: &["94"] },
        Case { situation: "an EPLE of Corse-du-Sud, the Corse seat", structure: structure(Eple, "2A"), departements: &["2A"] },
        Case { situation: "an EPLE of Haute-Corse is handled in Corse-du-Sud",
               structure: structure(Eple, "2B"), departements: &["2A"] },
        Case { situation: "an EPN is handled where it is located", structure: structure(Epn, "92"), departements: &["92"] },
        Case { situation: "an EPLEFPA is handled where it is located, not at the académie seat",
               structure: structure(Eplefpa, "92"), departements: &["92"] },
        Case { situation: "an EPN with a seat in another department may be handled at its seat",
               structure: with_seat(structure(Epn, "92"), "13"), departements: &["92", "13"] },
        Case { situation: "an EPN whose seat is where it is located is not listed twice",
               structure: with_seat(structure(Epn, "13"), "13"), departements: &["13"] },
        Case { situation: "a CCI, without comptable public, signs face à face where it is located, not at its seat (§1.3)",
               structure: with_seat(structure(Cci, "92"), "13"), departements: &["92"] },
    ];
    for case in cases {
        assert_eq!(
            competent_departements(&case.structure),
            case.departements,
            "{}",
            case.situation
        );
    }
}

#[test]
fn r1_check_competence() {
    struct Case {
        situation: &'static str,
        direction: &'static str,
        structure: Structure,
        want: Want,
    }
    let epn_with_seat = || with_seat(structure(Epn, "92"), "13");
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an EPLE of Hauts-de-Seine is handled by the direction of the Versailles académie's seat",
               direction: "DDFIP78", structure: structure(Eple, "92"), want: OK },
        Case { situation: "an EPLE of Hauts-de-Seine is not handled where it is located",
               direction: "DDFIP92", structure: structure(Eple, "92"),
               want: Some((Rule::R1, "direction", &["DDFIP78", "ddfip78@dgfip.finances.gouv.fr", "Versailles"])) },
        Case { situation: "an EPLE of Seine-Saint-Denis is handled by the Créteil seat's direction",
               direction: "DDFIP94", structure: structure(Eple, "93"), want: OK },
        Case { situation: "an EPLE of Seine-Saint-Denis sent to DDFIP93 is to be passed to DDFIP94",
               direction: "DDFIP93", structure: structure(Eple, "93"),
               want: Some((Rule::R1, "direction", &["DDFIP94", "ddfip94@dgfip.finances.gouv.fr"])) },
        Case { situation: "an EPLE of Haute-Corse is handled by the Corse-du-Sud direction",
               direction: "DDFIP2A", structure: structure(Eple, "2B"), want: OK },
        Case { situation: "an EPN located in Hauts-de-Seine is handled by DDFIP92",
               direction: "DDFIP92", structure: structure(Epn, "92"), want: OK },
        Case { situation: "an EPN located in Hauts-de-Seine is not handled at the académie seat",
               direction: "DDFIP78", structure: structure(Epn, "92"),
               want: Some((Rule::R1, "direction", &["DDFIP92", "ddfip92@dgfip.finances.gouv.fr", "département 92"])) },
        Case { situation: "an EPN with its seat in Bouches-du-Rhône may be handled at its seat",
               direction: "DRFIP13", structure: epn_with_seat(), want: OK },
        Case { situation: "an EPN with its seat elsewhere may still be handled where it is located",
               direction: "DDFIP92", structure: epn_with_seat(), want: OK },
        Case { situation: "an EPN with its seat elsewhere is handled by no third direction",
               direction: "DDFIP78", structure: epn_with_seat(), want: Some((Rule::R1, "direction", &["DDFIP92"])) },
        Case { situation: "no direction covers Paris where an EPN is located",
               direction: "DDFIP92", structure: structure(Epn, "75"),
               want: Some((Rule::R1, "direction", &["aucune direction", "75"])) },
        Case { situation: "no direction covers Alpes-Maritimes, the Nice académie seat of an EPLE",
               direction: "DDFIP92", structure: structure(Eple, "06"),
               want: Some((Rule::R1, "direction", &["aucune direction", "06"])) },
    ];
    for case in cases {
        let got = check_competence(case.direction, &case.structure, &directions());
        assert_outcome(case.situation, got, case.want);
    }
}

#[test]
fn r1_check_competence_for_user() {
    struct Case {
        situation: &'static str,
        direction: &'static str,
        structures: Vec<Structure>,
        want: Want,
    }
    let both = || vec![structure(Epn, "92"), structure(Eple, "93")];
    #[rustfmt::skip]
    let cases = [
        Case { situation: "competent for the user's first structure", direction: "DDFIP92", structures: both(), want: OK },
        Case { situation: "competent for the user's second structure only", direction: "DDFIP94", structures: both(), want: OK },
        Case { situation: "competent for none of them: the first structure's refusal is given",
               direction: "DRFIP13", structures: both(), want: Some((Rule::R1, "direction", &["DDFIP92"])) },
        Case { situation: "a user with no structure has no competent direction",
               direction: "DDFIP92", structures: vec![], want: Some((Rule::R1, "user", &["aucune direction"])) },
    ];
    for case in cases {
        let got = check_competence_for_user(case.direction, &case.structures, &directions());
        assert_outcome(case.situation, got, case.want);
    }
}

#[test]
fn r3_check_requester() {
    struct Case {
        situation: &'static str,
        channel: Channel,
        requester: &'static str,
        structure: Structure,
        want: Want,
    }
    use Channel::{AgentComptable as Comptable, FaceAFace};
    let referent = |academie: &str, name: &str, address: &str| Referent {
        academie: academie.into(),
        name: name.into(),
        email: email(address),
    };
    let referents = [
        referent(
            "Versailles",
            "Sophie Bernard",
            "sophie.bernard@ac-versailles.fr",
        ),
        referent("Créteil", "Marc Petit", "marc.petit@ac-creteil.fr"),
    ];
    let persons = [person("alice.durand@cci-exemple.fr", Role::Gp)];
    let no_comptable = Structure {
        comptable: None,
        ..structure(Epn, "92")
    };
    #[rustfmt::skip]
    let cases = [
        Case { situation: "the structure's agent comptable asks (address in another case)",
               channel: Comptable, requester: "Claire.Martin@ac-versailles.fr", structure: structure(Epn, "92"), want: OK },
        Case { situation: "someone else than the agent comptable asks: the registered comptable is named",
               channel: Comptable, requester: "jean.dupont@ac-versailles.fr", structure: structure(Epn, "92"),
               want: Some((Rule::R3, "requester.email",
                           &["jean.dupont@ac-versailles.fr", "Claire Martin", "claire.martin@ac-versailles.fr"])) },
        Case { situation: "no agent comptable is registered for the structure",
               channel: Comptable, requester: "claire.martin@ac-versailles.fr", structure: no_comptable,
               want: Some((Rule::R3, "requester.email", &["aucun agent comptable"])) },
        Case { situation: "the référent of the EPLE's académie asks",
               channel: Channel::Referent, requester: "sophie.bernard@ac-versailles.fr", structure: structure(Eple, "92"), want: OK },
        Case { situation: "the référent of another académie asks",
               channel: Channel::Referent, requester: "marc.petit@ac-creteil.fr", structure: structure(Eple, "92"),
               want: Some((Rule::R3, "requester.email",
                           &["marc.petit@ac-creteil.fr", "Versailles", "sophie.bernard@ac-versailles.fr"])) },
        Case { situation: "no référent is registered for the académie",
               channel: Channel::Referent, requester: "marc.petit@ac-creteil.fr", structure: structure(Eple, "13"),
               want: Some((Rule::R3, "requester.email", &["aucun référent", "Aix-Marseille"])) },
        Case { situation: "face à face, the requester is one of the persons",
               channel: FaceAFace, requester: "alice.durand@cci-exemple.fr", structure: structure(Cci, "13"), want: OK },
        Case { situation: "face à face, the requester is not one of the persons",
               channel: FaceAFace, requester: "bob.martin@cci-exemple.fr", structure: structure(Cci, "13"),
               want: Some((Rule::R3, "requester.email", &["bob.martin@cci-exemple.fr", "pièce d'identité"])) },
    ];
    for case in cases {
        let requester = Requester {
            name: "Demandeur".into(),
            email: email(case.requester),
        };
        let got = check_requester(
            case.channel,
            &requester,
            &case.structure,
            &referents,
            &persons,
        );
        assert_outcome(case.situation, got, case.want);
    }
}

#[test]
fn r4_documents() {
    use DocumentKind::{
        ContratService as Contrat, FaceAFace as Tenu, ListeUtilisateurs as Liste,
        PieceIdentite as Piece,
    };
    struct Case {
        situation: &'static str,
        channel: Channel,
        received: &'static [DocumentKind],
        missing: &'static [DocumentKind],
        want: Want,
    }
    let required: [(Channel, &[DocumentKind]); 5] = [
        (Channel::AgentComptable, &[Contrat, Liste]),
        (Channel::Referent, &[Contrat, Liste]),
        (Channel::FaceAFace, &[Contrat, Piece, Tenu]),
        (Channel::Utilisateur, &[]),
        (Channel::Interne, &[]),
    ];
    for (channel, kinds) in required {
        assert_eq!(
            required_documents(channel),
            kinds,
            "pieces required for the channel {channel}"
        );
    }
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an agent comptable sent the contract and the list",
               channel: Channel::AgentComptable, received: &[Contrat, Liste], missing: &[], want: OK },
        Case { situation: "an agent comptable sent the contract only",
               channel: Channel::AgentComptable, received: &[Contrat], missing: &[Liste],
               want: Some((Rule::R4, "documents", &["liste des utilisateurs"])) },
        Case { situation: "a référent sent nothing yet",
               channel: Channel::Referent, received: &[], missing: &[Contrat, Liste],
               want: Some((Rule::R4, "documents", &["contrat de service signé, liste des utilisateurs"])) },
        Case { situation: "a référent sent the contract and the list",
               channel: Channel::Referent, received: &[Contrat, Liste], missing: &[], want: OK },
        Case { situation: "a face à face held, with the contract and the identity card",
               channel: Channel::FaceAFace, received: &[Contrat, Piece, Tenu], missing: &[], want: OK },
        Case { situation: "a face à face without the identity card",
               channel: Channel::FaceAFace, received: &[Contrat, Tenu], missing: &[Piece],
               want: Some((Rule::R4, "documents", &["pièce d'identité"])) },
        Case { situation: "a face à face not held yet: a list of users does not replace it",
               channel: Channel::FaceAFace, received: &[Contrat, Piece, Liste], missing: &[Tenu],
               want: Some((Rule::R4, "documents", &["face à face tenu"])) },
        Case { situation: "a user's own request needs no piece",
               channel: Channel::Utilisateur, received: &[], missing: &[], want: OK },
    ];
    for case in cases {
        let received = documents(case.received);
        assert_eq!(
            missing_documents(case.channel, &received),
            case.missing,
            "{}",
            case.situation
        );
        assert_outcome(
            case.situation,
            check_documents(case.channel, &received),
            case.want,
        );
    }
}

#[test]
fn r5_check_nominative() {
    struct Case {
        situation: &'static str,
        field: &'static str,
        email: &'static str,
        want: Want,
    }
    const GENERIC: Want = Some((Rule::R5, "email", &["adresse générique", "nominative"]));
    const WEBMAIL: Want = Some((
        Rule::R5,
        "email",
        &["messagerie personnelle", "professionnelle"],
    ));
    #[rustfmt::skip]
    let cases = [
        Case { situation: "a nominative ac-versailles.fr address", field: "email", email: "jean.dupont@ac-versailles.fr", want: OK },
        Case { situation: "a nominative address at a CCI", field: "email", email: "alice.durand@cci-exemple.fr", want: OK },
        Case { situation: "a contact@ box", field: "email", email: "contact@ac-versailles.fr", want: GENERIC },
        Case { situation: "an accueil@ box", field: "email", email: "accueil@lycee-exemple.fr", want: GENERIC },
        Case { situation: "a lycée's ce.UAI box", field: "email", email: "ce.0920131T@ac-versailles.fr", want: GENERIC },
        Case { situation: "an intendance@ box", field: "email", email: "intendance@lycee-exemple.fr", want: GENERIC },
        Case { situation: "a gestion.lycee@ box", field: "email", email: "gestion.lycee@ac-versailles.fr", want: GENERIC },
        Case { situation: "a gmail.com address", field: "email", email: "jean.dupont@gmail.com", want: WEBMAIL },
        Case { situation: "an orange.fr address", field: "email", email: "jean.dupont@orange.fr", want: WEBMAIL },
        Case { situation: "a hotmail.co.uk address", field: "email", email: "jean.dupont@hotmail.co.uk", want: WEBMAIL },
        Case { situation: "a yahoo.fr address", field: "email", email: "jean.dupont@yahoo.fr", want: WEBMAIL },
        Case { situation: "the field name is passed through", field: "persons[1].email", email: "contact@gmail.com",
               want: Some((Rule::R5, "persons[1].email", &["contact@gmail.com"])) },
    ];
    for case in cases {
        assert_outcome(
            case.situation,
            check_nominative(case.field, &email(case.email)),
            case.want,
        );
    }
}

/// The generic list has `agent-comptable` and `agentcomptable`; the same box written with '.' or '_' is as generic.
#[test]
fn r5_agent_comptable_boxes_are_generic() {
    const GENERIC: Want = Some((Rule::R5, "email", &["adresse générique"]));
    for (situation, address) in [
        (
            "an agent-comptable@ box",
            "agent-comptable@ac-versailles.fr",
        ),
        (
            "an agent.comptable@ box",
            "agent.comptable@ac-versailles.fr",
        ),
        (
            "an agent_comptable@ box",
            "agent_comptable@ac-versailles.fr",
        ),
        (
            "the adjoint-gestionnaire's function box",
            "adjoint.gestionnaire@ac-versailles.fr",
        ),
    ] {
        assert_outcome(
            situation,
            check_nominative("email", &email(address)),
            GENERIC,
        );
    }
}

#[test]
fn r6_population() {
    #[rustfmt::skip]
    let cases = [
        ("an EPLE is SSLSPL", Eple, Population::Sslspl),
        ("an EPLEFPA is SSLSPL", Eplefpa, Population::Sslspl),
        ("an EPL Mer is SSLSPL", EplMer, Population::Sslspl),
        ("an EPN is SSLEPN", Epn, Population::Sslepn),
        ("a GIP is SSLEPN", Gip, Population::Sslepn),
        ("a GCS is SSLEPN", Category::Gcs, Population::Sslepn),
        ("a GCSMS is SSLEPN", Category::Gcsms, Population::Sslepn),
        ("a CCI is SSLEPN", Cci, Population::Sslepn),
        ("a CMA is SSLEPN", Cma, Population::Sslepn),
        ("an OPH is SSLEPN", Category::Oph, Population::Sslepn),
        ("a SEM is SSLEPN", Sem, Population::Sslepn),
        ("another organisme is SSLEPN", Category::Autre, Population::Sslepn),
    ];
    assert_eq!(
        cases.len(),
        Category::ALL.len(),
        "every category has its case"
    );
    for (situation, category, want) in cases {
        assert_eq!(population(category), want, "{situation}");
    }
}

#[test]
fn r7_codique() {
    struct Case {
        situation: &'static str,
        structure: Structure,
        want: Result<&'static str, Want>,
    }
    #[rustfmt::skip]
    let cases = [
        Case { situation: "an EPLE of Hauts-de-Seine gets DDFIP92's codique though DDFIP78 handles it",
               structure: structure(Eple, "92"), want: Ok("9200") },
        Case { situation: "an EPLE of Seine-Saint-Denis gets DDFIP93's codique, not that of the Créteil seat",
               structure: structure(Eple, "93"), want: Ok("9300") },
        Case { situation: "an EPN gets the codique where it is located, not that of its seat",
               structure: with_seat(structure(Epn, "92"), "13"), want: Ok("9200") },
        Case { situation: "an EPLE of Haute-Corse: no direction covers 2B, though its académie seat 2A has one",
               structure: structure(Eple, "2B"), want: Err(Some((Rule::R7, "siret", &["2B"]))) },
        Case { situation: "an EPN of Paris: no direction covers 75",
               structure: structure(Epn, "75"), want: Err(Some((Rule::R7, "siret", &["75", "codique"]))) },
    ];
    for case in cases {
        let got = codique(&case.structure, &directions());
        match case.want {
            Ok(want) => assert_eq!(got.as_deref(), Ok(want), "{}", case.situation),
            Err(want) => assert_outcome(case.situation, got, want),
        }
    }
}

#[test]
fn r8_check_created_in_aspasie() {
    const NOT_CREATED: Want = Some((
        Rule::R8,
        "email",
        &["alice.durand@ac-versailles.fr", "ASPASIE", "MADRHAS"],
    ));
    #[rustfmt::skip]
    let cases = [
        ("an active ASPASIE user with a PIGP identifier", Some(user(Some("alice.durand-xt"), UserStatus::Actif)), OK),
        ("no user with that address", None, NOT_CREATED),
        ("a self-service Chorus Pro account without PIGP identifier", Some(user(None, UserStatus::Actif)), NOT_CREATED),
        ("a user who left", Some(user(Some("alice.durand-xt"), UserStatus::Sorti)), NOT_CREATED),
        ("a deleted user", Some(user(Some("alice.durand-xt"), UserStatus::Supprime)), NOT_CREATED),
    ];
    for (situation, user, want) in cases {
        let got = check_created_in_aspasie(&email("alice.durand@ac-versailles.fr"), user.as_ref());
        assert_outcome(situation, got, want);
    }
}

#[test]
fn r9_check_pigp_for_manager() {
    #[rustfmt::skip]
    let cases: [(&str, Role, Option<&str>, Want); 5] = [
        ("a GP with a PIGP identifier", Role::Gp, Some("alice.durand-xt"), OK),
        ("a GS with a PIGP identifier", Role::Gs, Some("alice.durand-xt"), OK),
        ("a GP without PIGP identifier", Role::Gp, None,
         Some((Rule::R9, "successor", &["Mme Alice Durand", "-xt", "gestionnaire principal"]))),
        ("a GS without PIGP identifier", Role::Gs, None, Some((Rule::R9, "successor", &["gestionnaire secondaire"]))),
        ("a simple user needs no PIGP identifier", Role::User, None, OK),
    ];
    for (situation, role, pigp, want) in cases {
        let got = check_pigp_for_manager(role, &user(pigp, UserStatus::Actif), "successor");
        assert_outcome(situation, got, want);
    }
}

#[test]
fn r10_check_person_role() {
    #[rustfmt::skip]
    let cases: [(&str, Role, Want); 3] = [
        ("a gestionnaire principal is created by the correspondant", Role::Gp, OK),
        ("a gestionnaire secondaire is created by the correspondant", Role::Gs, OK),
        ("a simple user creates his own account in Chorus Pro", Role::User,
         Some((Rule::R10, "persons[0].role", &["portail Chorus Pro", "rattachement"]))),
    ];
    for (situation, role, want) in cases {
        assert_outcome(situation, check_person_role(role, "persons[0].role"), want);
    }
}

#[test]
fn r12_check_no_intra_academic_move() {
    struct Case {
        situation: &'static str,
        holder: Option<User>,
        holder_academies: &'static [&'static str],
        want: Want,
    }
    let active = || Some(user(Some("alice.durand-xt"), UserStatus::Actif));
    #[rustfmt::skip]
    let cases = [
        Case { situation: "a person never habilitated is created", holder: None, holder_academies: &[], want: OK },
        Case { situation: "an active PIGP holder of the same académie moves by rattachement",
               holder: active(), holder_academies: &["Versailles"],
               want: Some((Rule::R12, "persons[0].email",
                           &["Alice Durand", "Versailles", "alice.durand-xt", "rattachement", "Chorus Pro"])) },
        Case { situation: "an active PIGP holder with structures in two académies, this one among them",
               holder: active(), holder_academies: &["Créteil", "Versailles"],
               want: Some((Rule::R12, "persons[0].email", &["rattachement"])) },
        Case { situation: "an active PIGP holder coming from another académie is created",
               holder: active(), holder_academies: &["Créteil"], want: OK },
        Case { situation: "a holder who left (sorti) is created again",
               holder: Some(user(Some("alice.durand-xt"), UserStatus::Sorti)), holder_academies: &["Versailles"], want: OK },
        Case { situation: "a holder without PIGP identifier (self-service account) is created",
               holder: Some(user(None, UserStatus::Actif)), holder_academies: &["Versailles"], want: OK },
    ];
    let arriving = person("alice.durand@ac-versailles.fr", Role::Gp);
    for case in cases {
        let academies: Vec<String> = case
            .holder_academies
            .iter()
            .map(|a| a.to_string())
            .collect();
        let got = check_no_intra_academic_move(
            "persons[0].email",
            &arriving,
            case.holder.as_ref(),
            &academies,
            "Versailles",
        );
        assert_outcome(case.situation, got, case.want);
    }
}

#[test]
fn r13_check_addresses_active() {
    let pending = |address| Person {
        email_active: false,
        ..person(address, Role::Gs)
    };
    let alice = || person("alice.durand@ac-versailles.fr", Role::Gp);
    #[rustfmt::skip]
    let cases: [(&str, Vec<Person>, Want); 4] = [
        ("a dossier without persons", vec![], OK),
        ("every address is in service", vec![alice()], OK),
        ("one address is not yet in service", vec![alice(), pending("bob.martin@ac-versailles.fr")],
         Some((Rule::R13, "persons", &["bob.martin@ac-versailles.fr", "en attente"]))),
        ("two addresses are not yet in service",
         vec![pending("bob.martin@ac-versailles.fr"), pending("eve.leroy@ac-versailles.fr")],
         Some((Rule::R13, "persons", &["bob.martin@ac-versailles.fr, eve.leroy@ac-versailles.fr"]))),
    ];
    for (situation, persons, want) in cases {
        assert_outcome(situation, check_addresses_active(&persons), want);
    }
}
