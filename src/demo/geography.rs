//! The geography of the national dataset (`Scale::NATIONAL`): one direction for each department of the
//! referentiel, and the departments `names::DEPARTEMENTS` lacks — their name with its preposition, their
//! prefecture and a few towns with real postal codes, their coast, and their population, which weighs where the
//! structures are.
//!
//! The directions of `names::DIRECTIONS` keep their code, name and codique but cover their seat only; the others
//! are built from the referentiel: `DRFIP{dep}` at a regional seat (« DRFiP Bretagne et d'Ille-et-Vilaine »),
//! `DDFIP{dep}` elsewhere (« DDFiP de la Mayenne »), codique `0{dep}000` (Corsica `020100` and `020200`, overseas
//! `97x000`: digits only, as `direction.add` wants). Saint-Pierre-et-Miquelon (975) is a collectivité, not a
//! department: no direction covers it, so 101 directions. Plain data and the two tables built from it once.

use super::names::{DEPARTEMENTS, DIRECTIONS, DeptSpec, DirectionSpec};
use crate::domain::reference;
use std::sync::LazyLock;

/// A department `names::DEPARTEMENTS` lacks: its code, « de la Mayenne », whether it has a coast, its
/// prefecture first then a few towns, the towns by the sea (lycées maritimes).
struct Extra {
    code: &'static str,
    of: &'static str,
    coastal: bool,
    cities: &'static [(&'static str, &'static str)],
    seaside: &'static [&'static str],
}

/// The collectivité the referentiel lists with the departments, that no direction of the dataset covers.
const NOT_A_DEPARTMENT: &str = "975";

/// The region of each regional seat: its direction is a DRFiP.
const REGIONS: &[(&str, &str)] = &[
    ("69", "Auvergne-Rhône-Alpes"),
    ("21", "Bourgogne-Franche-Comté"),
    ("35", "Bretagne"),
    ("45", "Centre-Val de Loire"),
    ("2A", "Corse"),
    ("67", "Grand Est"),
    ("59", "Hauts-de-France"),
    ("75", "Île-de-France"),
    ("76", "Normandie"),
    ("33", "Nouvelle-Aquitaine"),
    ("31", "Occitanie"),
    ("44", "Pays de la Loire"),
    ("13", "Provence-Alpes-Côte d'Azur"),
];

/// Overseas departments are regions too: « DRFiP de la Guadeloupe ».
const OVERSEAS: &[&str] = &["971", "972", "973", "974", "976"];

/// Population in thousands (orders of magnitude of the 2020s), by department.
const POPULATION: &[(&str, u32)] = &[
    ("01", 660),
    ("02", 525),
    ("03", 335),
    ("04", 165),
    ("05", 141),
    ("06", 1095),
    ("07", 330),
    ("08", 270),
    ("09", 154),
    ("10", 310),
    ("11", 375),
    ("12", 280),
    ("13", 2045),
    ("14", 695),
    ("15", 144),
    ("16", 352),
    ("17", 655),
    ("18", 300),
    ("19", 240),
    ("21", 535),
    ("22", 600),
    ("23", 116),
    ("24", 413),
    ("25", 545),
    ("26", 520),
    ("27", 600),
    ("28", 430),
    ("29", 920),
    ("2A", 160),
    ("2B", 182),
    ("30", 750),
    ("31", 1420),
    ("32", 192),
    ("33", 1650),
    ("34", 1200),
    ("35", 1100),
    ("36", 218),
    ("37", 612),
    ("38", 1275),
    ("39", 259),
    ("40", 420),
    ("41", 330),
    ("42", 765),
    ("43", 228),
    ("44", 1450),
    ("45", 685),
    ("46", 174),
    ("47", 332),
    ("48", 76),
    ("49", 820),
    ("50", 495),
    ("51", 565),
    ("52", 172),
    ("53", 307),
    ("54", 733),
    ("55", 184),
    ("56", 760),
    ("57", 1045),
    ("58", 204),
    ("59", 2610),
    ("60", 830),
    ("61", 280),
    ("62", 1465),
    ("63", 660),
    ("64", 690),
    ("65", 229),
    ("66", 480),
    ("67", 1140),
    ("68", 765),
    ("69", 1880),
    ("70", 235),
    ("71", 550),
    ("72", 566),
    ("73", 440),
    ("74", 830),
    ("75", 2130),
    ("76", 1255),
    ("77", 1420),
    ("78", 1450),
    ("79", 375),
    ("80", 570),
    ("81", 390),
    ("82", 260),
    ("83", 1080),
    ("84", 560),
    ("85", 690),
    ("86", 440),
    ("87", 372),
    ("88", 362),
    ("89", 335),
    ("90", 141),
    ("91", 1300),
    ("92", 1625),
    ("93", 1650),
    ("94", 1410),
    ("95", 1250),
    ("971", 384),
    ("972", 360),
    ("973", 290),
    ("974", 870),
    ("976", 300),
];

const EXTRA: &[Extra] = &[
    Extra {
        code: "02",
        of: "de l'Aisne",
        coastal: false,
        cities: &[
            ("Laon", "02000"),
            ("Saint-Quentin", "02100"),
            ("Soissons", "02200"),
            ("Château-Thierry", "02400"),
        ],
        seaside: &[],
    },
    Extra {
        code: "03",
        of: "de l'Allier",
        coastal: false,
        cities: &[
            ("Moulins", "03000"),
            ("Montluçon", "03100"),
            ("Vichy", "03200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "05",
        of: "des Hautes-Alpes",
        coastal: false,
        cities: &[("Gap", "05000"), ("Briançon", "05100"), ("Embrun", "05200")],
        seaside: &[],
    },
    Extra {
        code: "06",
        of: "des Alpes-Maritimes",
        coastal: true,
        cities: &[
            ("Nice", "06000"),
            ("Cannes", "06400"),
            ("Antibes", "06600"),
            ("Grasse", "06130"),
            ("Menton", "06500"),
        ],
        seaside: &["Nice", "Cannes", "Antibes", "Menton"],
    },
    Extra {
        code: "07",
        of: "de l'Ardèche",
        coastal: false,
        cities: &[
            ("Privas", "07000"),
            ("Annonay", "07100"),
            ("Aubenas", "07200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "08",
        of: "des Ardennes",
        coastal: false,
        cities: &[
            ("Charleville-Mézières", "08000"),
            ("Sedan", "08200"),
            ("Rethel", "08300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "09",
        of: "de l'Ariège",
        coastal: false,
        cities: &[
            ("Foix", "09000"),
            ("Pamiers", "09100"),
            ("Saint-Girons", "09200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "10",
        of: "de l'Aube",
        coastal: false,
        cities: &[
            ("Troyes", "10000"),
            ("Romilly-sur-Seine", "10100"),
            ("Bar-sur-Aube", "10200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "11",
        of: "de l'Aude",
        coastal: true,
        cities: &[
            ("Carcassonne", "11000"),
            ("Narbonne", "11100"),
            ("Limoux", "11300"),
            ("Castelnaudary", "11400"),
            ("Port-la-Nouvelle", "11210"),
        ],
        seaside: &["Port-la-Nouvelle"],
    },
    Extra {
        code: "12",
        of: "de l'Aveyron",
        coastal: false,
        cities: &[
            ("Rodez", "12000"),
            ("Millau", "12100"),
            ("Villefranche-de-Rouergue", "12200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "14",
        of: "du Calvados",
        coastal: true,
        cities: &[
            ("Caen", "14000"),
            ("Lisieux", "14100"),
            ("Bayeux", "14400"),
            ("Honfleur", "14600"),
            ("Ouistreham", "14150"),
        ],
        seaside: &["Honfleur", "Ouistreham"],
    },
    Extra {
        code: "15",
        of: "du Cantal",
        coastal: false,
        cities: &[
            ("Aurillac", "15000"),
            ("Saint-Flour", "15100"),
            ("Mauriac", "15200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "16",
        of: "de la Charente",
        coastal: false,
        cities: &[
            ("Angoulême", "16000"),
            ("Cognac", "16100"),
            ("Confolens", "16500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "17",
        of: "de la Charente-Maritime",
        coastal: true,
        cities: &[
            ("La Rochelle", "17000"),
            ("Saintes", "17100"),
            ("Rochefort", "17300"),
            ("Royan", "17200"),
        ],
        seaside: &["La Rochelle", "Royan"],
    },
    Extra {
        code: "18",
        of: "du Cher",
        coastal: false,
        cities: &[
            ("Bourges", "18000"),
            ("Vierzon", "18100"),
            ("Saint-Amand-Montrond", "18200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "19",
        of: "de la Corrèze",
        coastal: false,
        cities: &[
            ("Tulle", "19000"),
            ("Brive-la-Gaillarde", "19100"),
            ("Ussel", "19200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "21",
        of: "de la Côte-d'Or",
        coastal: false,
        cities: &[
            ("Dijon", "21000"),
            ("Beaune", "21200"),
            ("Montbard", "21500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "22",
        of: "des Côtes-d'Armor",
        coastal: true,
        cities: &[
            ("Saint-Brieuc", "22000"),
            ("Lannion", "22300"),
            ("Dinan", "22100"),
            ("Paimpol", "22500"),
        ],
        seaside: &["Paimpol", "Saint-Brieuc"],
    },
    Extra {
        code: "23",
        of: "de la Creuse",
        coastal: false,
        cities: &[("Guéret", "23000"), ("Aubusson", "23200")],
        seaside: &[],
    },
    Extra {
        code: "25",
        of: "du Doubs",
        coastal: false,
        cities: &[
            ("Besançon", "25000"),
            ("Montbéliard", "25200"),
            ("Pontarlier", "25300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "26",
        of: "de la Drôme",
        coastal: false,
        cities: &[
            ("Valence", "26000"),
            ("Montélimar", "26200"),
            ("Romans-sur-Isère", "26100"),
            ("Die", "26150"),
        ],
        seaside: &[],
    },
    Extra {
        code: "27",
        of: "de l'Eure",
        coastal: false,
        cities: &[
            ("Évreux", "27000"),
            ("Vernon", "27200"),
            ("Les Andelys", "27700"),
            ("Bernay", "27300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "28",
        of: "d'Eure-et-Loir",
        coastal: false,
        cities: &[
            ("Chartres", "28000"),
            ("Dreux", "28100"),
            ("Châteaudun", "28200"),
            ("Nogent-le-Rotrou", "28400"),
        ],
        seaside: &[],
    },
    Extra {
        code: "29",
        of: "du Finistère",
        coastal: true,
        cities: &[
            ("Quimper", "29000"),
            ("Brest", "29200"),
            ("Morlaix", "29600"),
            ("Concarneau", "29900"),
            ("Le Guilvinec", "29730"),
        ],
        seaside: &["Brest", "Concarneau", "Le Guilvinec"],
    },
    Extra {
        code: "2A",
        of: "de la Corse-du-Sud",
        coastal: true,
        cities: &[
            ("Ajaccio", "20000"),
            ("Porto-Vecchio", "20137"),
            ("Sartène", "20100"),
        ],
        seaside: &["Ajaccio", "Porto-Vecchio"],
    },
    Extra {
        code: "2B",
        of: "de la Haute-Corse",
        coastal: true,
        cities: &[("Bastia", "20200"), ("Corte", "20250"), ("Calvi", "20260")],
        seaside: &["Bastia", "Calvi"],
    },
    Extra {
        code: "30",
        of: "du Gard",
        coastal: true,
        cities: &[
            ("Nîmes", "30000"),
            ("Alès", "30100"),
            ("Le Vigan", "30120"),
            ("Le Grau-du-Roi", "30240"),
        ],
        seaside: &["Le Grau-du-Roi"],
    },
    Extra {
        code: "32",
        of: "du Gers",
        coastal: false,
        cities: &[("Auch", "32000"), ("Condom", "32100"), ("Mirande", "32300")],
        seaside: &[],
    },
    Extra {
        code: "34",
        of: "de l'Hérault",
        coastal: true,
        cities: &[
            ("Montpellier", "34000"),
            ("Béziers", "34500"),
            ("Sète", "34200"),
            ("Lodève", "34700"),
        ],
        seaside: &["Sète"],
    },
    Extra {
        code: "35",
        of: "d'Ille-et-Vilaine",
        coastal: true,
        cities: &[
            ("Rennes", "35000"),
            ("Saint-Malo", "35400"),
            ("Fougères", "35300"),
            ("Redon", "35600"),
            ("Vitré", "35500"),
        ],
        seaside: &["Saint-Malo"],
    },
    Extra {
        code: "36",
        of: "de l'Indre",
        coastal: false,
        cities: &[
            ("Châteauroux", "36000"),
            ("Issoudun", "36100"),
            ("Le Blanc", "36300"),
            ("La Châtre", "36400"),
        ],
        seaside: &[],
    },
    Extra {
        code: "37",
        of: "d'Indre-et-Loire",
        coastal: false,
        cities: &[
            ("Tours", "37000"),
            ("Chinon", "37500"),
            ("Loches", "37600"),
            ("Amboise", "37400"),
        ],
        seaside: &[],
    },
    Extra {
        code: "38",
        of: "de l'Isère",
        coastal: false,
        cities: &[
            ("Grenoble", "38000"),
            ("Vienne", "38200"),
            ("La Tour-du-Pin", "38110"),
            ("Voiron", "38500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "39",
        of: "du Jura",
        coastal: false,
        cities: &[
            ("Lons-le-Saunier", "39000"),
            ("Dole", "39100"),
            ("Saint-Claude", "39200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "41",
        of: "de Loir-et-Cher",
        coastal: false,
        cities: &[
            ("Blois", "41000"),
            ("Vendôme", "41100"),
            ("Romorantin-Lanthenay", "41200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "43",
        of: "de la Haute-Loire",
        coastal: false,
        cities: &[
            ("Le Puy-en-Velay", "43000"),
            ("Brioude", "43100"),
            ("Yssingeaux", "43200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "44",
        of: "de la Loire-Atlantique",
        coastal: true,
        cities: &[
            ("Nantes", "44000"),
            ("Saint-Nazaire", "44600"),
            ("Châteaubriant", "44110"),
            ("Ancenis-Saint-Géréon", "44150"),
            ("Le Croisic", "44490"),
        ],
        seaside: &["Saint-Nazaire", "Le Croisic"],
    },
    Extra {
        code: "45",
        of: "du Loiret",
        coastal: false,
        cities: &[
            ("Orléans", "45000"),
            ("Montargis", "45200"),
            ("Pithiviers", "45300"),
            ("Gien", "45500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "46",
        of: "du Lot",
        coastal: false,
        cities: &[
            ("Cahors", "46000"),
            ("Figeac", "46100"),
            ("Gourdon", "46300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "47",
        of: "de Lot-et-Garonne",
        coastal: false,
        cities: &[
            ("Agen", "47000"),
            ("Marmande", "47200"),
            ("Villeneuve-sur-Lot", "47300"),
            ("Nérac", "47600"),
        ],
        seaside: &[],
    },
    Extra {
        code: "48",
        of: "de la Lozère",
        coastal: false,
        cities: &[("Mende", "48000"), ("Florac-Trois-Rivières", "48400")],
        seaside: &[],
    },
    Extra {
        code: "49",
        of: "de Maine-et-Loire",
        coastal: false,
        cities: &[
            ("Angers", "49000"),
            ("Cholet", "49300"),
            ("Saumur", "49400"),
            ("Segré-en-Anjou Bleu", "49500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "50",
        of: "de la Manche",
        coastal: true,
        cities: &[
            ("Saint-Lô", "50000"),
            ("Cherbourg-en-Cotentin", "50100"),
            ("Avranches", "50300"),
            ("Coutances", "50200"),
            ("Granville", "50400"),
        ],
        seaside: &["Cherbourg-en-Cotentin", "Granville"],
    },
    Extra {
        code: "51",
        of: "de la Marne",
        coastal: false,
        cities: &[
            ("Châlons-en-Champagne", "51000"),
            ("Reims", "51100"),
            ("Épernay", "51200"),
            ("Vitry-le-François", "51300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "52",
        of: "de la Haute-Marne",
        coastal: false,
        cities: &[
            ("Chaumont", "52000"),
            ("Saint-Dizier", "52100"),
            ("Langres", "52200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "53",
        of: "de la Mayenne",
        coastal: false,
        cities: &[
            ("Laval", "53000"),
            ("Château-Gontier-sur-Mayenne", "53200"),
            ("Mayenne", "53100"),
        ],
        seaside: &[],
    },
    Extra {
        code: "54",
        of: "de Meurthe-et-Moselle",
        coastal: false,
        cities: &[
            ("Nancy", "54000"),
            ("Lunéville", "54300"),
            ("Toul", "54200"),
            ("Briey", "54150"),
        ],
        seaside: &[],
    },
    Extra {
        code: "55",
        of: "de la Meuse",
        coastal: false,
        cities: &[
            ("Bar-le-Duc", "55000"),
            ("Verdun", "55100"),
            ("Commercy", "55200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "56",
        of: "du Morbihan",
        coastal: true,
        cities: &[
            ("Vannes", "56000"),
            ("Lorient", "56100"),
            ("Pontivy", "56300"),
            ("Étel", "56410"),
        ],
        seaside: &["Lorient", "Étel", "Vannes"],
    },
    Extra {
        code: "57",
        of: "de la Moselle",
        coastal: false,
        cities: &[
            ("Metz", "57000"),
            ("Thionville", "57100"),
            ("Sarreguemines", "57200"),
            ("Forbach", "57600"),
        ],
        seaside: &[],
    },
    Extra {
        code: "58",
        of: "de la Nièvre",
        coastal: false,
        cities: &[
            ("Nevers", "58000"),
            ("Cosne-Cours-sur-Loire", "58200"),
            ("Clamecy", "58500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "60",
        of: "de l'Oise",
        coastal: false,
        cities: &[
            ("Beauvais", "60000"),
            ("Compiègne", "60200"),
            ("Senlis", "60300"),
            ("Clermont", "60600"),
        ],
        seaside: &[],
    },
    Extra {
        code: "61",
        of: "de l'Orne",
        coastal: false,
        cities: &[
            ("Alençon", "61000"),
            ("Argentan", "61200"),
            ("Flers", "61100"),
            ("Mortagne-au-Perche", "61400"),
        ],
        seaside: &[],
    },
    Extra {
        code: "63",
        of: "du Puy-de-Dôme",
        coastal: false,
        cities: &[
            ("Clermont-Ferrand", "63000"),
            ("Riom", "63200"),
            ("Thiers", "63300"),
            ("Issoire", "63500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "64",
        of: "des Pyrénées-Atlantiques",
        coastal: true,
        cities: &[
            ("Pau", "64000"),
            ("Bayonne", "64100"),
            ("Oloron-Sainte-Marie", "64400"),
            ("Ciboure", "64500"),
        ],
        seaside: &["Ciboure", "Bayonne"],
    },
    Extra {
        code: "65",
        of: "des Hautes-Pyrénées",
        coastal: false,
        cities: &[
            ("Tarbes", "65000"),
            ("Lourdes", "65100"),
            ("Bagnères-de-Bigorre", "65200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "66",
        of: "des Pyrénées-Orientales",
        coastal: true,
        cities: &[
            ("Perpignan", "66000"),
            ("Prades", "66500"),
            ("Céret", "66400"),
            ("Port-Vendres", "66660"),
        ],
        seaside: &["Port-Vendres"],
    },
    Extra {
        code: "67",
        of: "du Bas-Rhin",
        coastal: false,
        cities: &[
            ("Strasbourg", "67000"),
            ("Haguenau", "67500"),
            ("Sélestat", "67600"),
            ("Saverne", "67700"),
        ],
        seaside: &[],
    },
    Extra {
        code: "68",
        of: "du Haut-Rhin",
        coastal: false,
        cities: &[
            ("Colmar", "68000"),
            ("Mulhouse", "68100"),
            ("Guebwiller", "68500"),
            ("Altkirch", "68130"),
        ],
        seaside: &[],
    },
    Extra {
        code: "70",
        of: "de la Haute-Saône",
        coastal: false,
        cities: &[("Vesoul", "70000"), ("Lure", "70200"), ("Gray", "70100")],
        seaside: &[],
    },
    Extra {
        code: "71",
        of: "de Saône-et-Loire",
        coastal: false,
        cities: &[
            ("Mâcon", "71000"),
            ("Chalon-sur-Saône", "71100"),
            ("Autun", "71400"),
            ("Le Creusot", "71200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "72",
        of: "de la Sarthe",
        coastal: false,
        cities: &[
            ("Le Mans", "72000"),
            ("La Flèche", "72200"),
            ("Mamers", "72600"),
        ],
        seaside: &[],
    },
    Extra {
        code: "73",
        of: "de la Savoie",
        coastal: false,
        cities: &[
            ("Chambéry", "73000"),
            ("Albertville", "73200"),
            ("Saint-Jean-de-Maurienne", "73300"),
            ("Aix-les-Bains", "73100"),
        ],
        seaside: &[],
    },
    Extra {
        code: "74",
        of: "de la Haute-Savoie",
        coastal: false,
        cities: &[
            ("Annecy", "74000"),
            ("Thonon-les-Bains", "74200"),
            ("Bonneville", "74130"),
            ("Saint-Julien-en-Genevois", "74160"),
        ],
        seaside: &[],
    },
    Extra {
        code: "75",
        of: "de Paris",
        coastal: false,
        cities: &[
            ("Paris", "75005"),
            ("Paris", "75007"),
            ("Paris", "75012"),
            ("Paris", "75013"),
            ("Paris", "75015"),
            ("Paris", "75018"),
        ],
        seaside: &[],
    },
    Extra {
        code: "76",
        of: "de la Seine-Maritime",
        coastal: true,
        cities: &[
            ("Rouen", "76000"),
            ("Le Havre", "76600"),
            ("Dieppe", "76200"),
            ("Fécamp", "76400"),
        ],
        seaside: &["Le Havre", "Dieppe", "Fécamp"],
    },
    Extra {
        code: "79",
        of: "des Deux-Sèvres",
        coastal: false,
        cities: &[
            ("Niort", "79000"),
            ("Bressuire", "79300"),
            ("Parthenay", "79200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "80",
        of: "de la Somme",
        coastal: true,
        cities: &[
            ("Amiens", "80000"),
            ("Abbeville", "80100"),
            ("Péronne", "80200"),
            ("Montdidier", "80500"),
        ],
        seaside: &["Abbeville"],
    },
    Extra {
        code: "83",
        of: "du Var",
        coastal: true,
        cities: &[
            ("Toulon", "83000"),
            ("Draguignan", "83300"),
            ("Brignoles", "83170"),
            ("Fréjus", "83600"),
            ("Hyères", "83400"),
        ],
        seaside: &["Toulon", "Fréjus", "Hyères"],
    },
    Extra {
        code: "85",
        of: "de la Vendée",
        coastal: true,
        cities: &[
            ("La Roche-sur-Yon", "85000"),
            ("Les Sables-d'Olonne", "85100"),
            ("Fontenay-le-Comte", "85200"),
        ],
        seaside: &["Les Sables-d'Olonne"],
    },
    Extra {
        code: "86",
        of: "de la Vienne",
        coastal: false,
        cities: &[
            ("Poitiers", "86000"),
            ("Châtellerault", "86100"),
            ("Montmorillon", "86500"),
        ],
        seaside: &[],
    },
    Extra {
        code: "87",
        of: "de la Haute-Vienne",
        coastal: false,
        cities: &[
            ("Limoges", "87000"),
            ("Bellac", "87300"),
            ("Rochechouart", "87600"),
        ],
        seaside: &[],
    },
    Extra {
        code: "88",
        of: "des Vosges",
        coastal: false,
        cities: &[
            ("Épinal", "88000"),
            ("Saint-Dié-des-Vosges", "88100"),
            ("Neufchâteau", "88300"),
        ],
        seaside: &[],
    },
    Extra {
        code: "89",
        of: "de l'Yonne",
        coastal: false,
        cities: &[
            ("Auxerre", "89000"),
            ("Sens", "89100"),
            ("Avallon", "89200"),
        ],
        seaside: &[],
    },
    Extra {
        code: "90",
        of: "du Territoire de Belfort",
        coastal: false,
        cities: &[("Belfort", "90000"), ("Delle", "90100")],
        seaside: &[],
    },
    Extra {
        code: "971",
        of: "de la Guadeloupe",
        coastal: true,
        cities: &[
            ("Basse-Terre", "97100"),
            ("Pointe-à-Pitre", "97110"),
            ("Les Abymes", "97139"),
        ],
        seaside: &["Basse-Terre", "Pointe-à-Pitre"],
    },
    Extra {
        code: "972",
        of: "de la Martinique",
        coastal: true,
        cities: &[
            ("Fort-de-France", "97200"),
            ("Le Lamentin", "97232"),
            ("La Trinité", "97220"),
        ],
        seaside: &["Fort-de-France", "La Trinité"],
    },
    Extra {
        code: "973",
        of: "de la Guyane",
        coastal: true,
        cities: &[
            ("Cayenne", "97300"),
            ("Saint-Laurent-du-Maroni", "97320"),
            ("Kourou", "97310"),
        ],
        seaside: &["Cayenne", "Kourou"],
    },
    Extra {
        code: "974",
        of: "de La Réunion",
        coastal: true,
        cities: &[
            ("Saint-Denis", "97400"),
            ("Saint-Pierre", "97410"),
            ("Saint-Paul", "97460"),
            ("Le Port", "97420"),
        ],
        seaside: &["Le Port", "Saint-Pierre"],
    },
    Extra {
        code: "976",
        of: "de Mayotte",
        coastal: true,
        cities: &[("Mamoudzou", "97600"), ("Dzaoudzi", "97615")],
        seaside: &["Mamoudzou", "Dzaoudzi"],
    },
];

/// A department of the national dataset: its spec (a hand-written one of `names::DEPARTEMENTS`, or one built
/// from `EXTRA` and the referentiel), its towns by the sea, its population.
pub(super) struct Place {
    pub(super) spec: DeptSpec,
    pub(super) seaside: &'static [&'static str],
    pub(super) population: u32,
}

/// The directions of the national dataset, one per department, in the referentiel's order; then the departments
/// they cover, in the same order.
pub(super) struct National {
    pub(super) directions: Vec<DirectionSpec>,
    pub(super) places: Vec<Place>,
}

/// The owned strings of the directions built from the referentiel (a `DirectionSpec` borrows them).
struct Built {
    code: String,
    name: String,
    codique: String,
    departement: &'static [&'static str],
}

static BUILT: LazyLock<Vec<Built>> = LazyLock::new(build_directions);
static NATIONAL: LazyLock<National> = LazyLock::new(build_national);

/// The national geography, built once per process.
pub(super) fn national() -> &'static National {
    &NATIONAL
}

fn is_department(code: &str) -> bool {
    code != NOT_A_DEPARTMENT
}

/// « DDFiP de la Mayenne », « DRFiP Bretagne et d'Ille-et-Vilaine », « DRFiP de la Guadeloupe ».
fn direction_name(code: &str, of: &str) -> (String, String) {
    if OVERSEAS.contains(&code) {
        return (format!("DRFIP{code}"), format!("DRFiP {of}"));
    }
    match REGIONS.iter().find(|(seat, _)| *seat == code) {
        Some((_, region)) => (format!("DRFIP{code}"), format!("DRFiP {region} et {of}")),
        None => (format!("DDFIP{code}"), format!("DDFiP {of}")),
    }
}

/// Digits only, 6 of them, unique: `0{dep}000`, Corsica `020100` / `020200`, overseas `97x000`.
fn codique(code: &str) -> String {
    match code {
        "2A" => "020100".to_string(),
        "2B" => "020200".to_string(),
        c if c.len() == 3 => format!("{c}000"),
        c => format!("0{c}000"),
    }
}

/// The hand-written direction whose seat is this department.
fn hand_written(code: &str) -> Option<&'static DirectionSpec> {
    DIRECTIONS
        .iter()
        .find(|d| d.departements.first() == Some(&code))
}

fn of(code: &str) -> &'static str {
    DEPARTEMENTS
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.of)
        .or_else(|| EXTRA.iter().find(|e| e.code == code).map(|e| e.of))
        .unwrap_or("")
}

fn build_directions() -> Vec<Built> {
    reference::departements()
        .iter()
        .filter(|d| is_department(d.code) && hand_written(d.code).is_none())
        .map(|d| {
            let (code, name) = direction_name(d.code, of(d.code));
            Built {
                code,
                name,
                codique: codique(d.code),
                departement: std::slice::from_ref(&d.code),
            }
        })
        .collect()
}

fn build_national() -> National {
    let built: &'static [Built] = &BUILT;
    let mut directions = Vec::new();
    let mut places = Vec::new();
    for d in reference::departements()
        .iter()
        .filter(|d| is_department(d.code))
    {
        let direction = match hand_written(d.code) {
            Some(h) => DirectionSpec {
                code: h.code,
                name: h.name,
                codique: h.codique,
                departements: &h.departements[..1],
            },
            None => match built.iter().find(|b| b.departement == [d.code]) {
                Some(b) => DirectionSpec {
                    code: &b.code,
                    name: &b.name,
                    codique: &b.codique,
                    departements: b.departement,
                },
                None => continue,
            },
        };
        let population = POPULATION
            .iter()
            .find(|(c, _)| *c == d.code)
            .map_or(300, |(_, p)| *p);
        let place = if let Some(spec) = DEPARTEMENTS.iter().find(|s| s.code == d.code) {
            Place {
                spec: DeptSpec { ..*spec },
                seaside: super::names::SEASIDE,
                population,
            }
        } else if let Some(e) = EXTRA.iter().find(|e| e.code == d.code) {
            Place {
                spec: DeptSpec {
                    code: d.code,
                    of: e.of,
                    plain: d.name,
                    coastal: e.coastal,
                    cities: e.cities,
                },
                seaside: e.seaside,
                population,
            }
        } else {
            continue;
        };
        directions.push(direction);
        places.push(place);
    }
    National { directions, places }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::departement_from_postal_code;
    use std::collections::HashSet;

    #[test]
    fn one_direction_for_each_of_the_101_departments() {
        let n = national();
        assert_eq!(n.directions.len(), 101);
        assert_eq!(n.places.len(), 101);
        let mut codes = HashSet::new();
        let mut codiques = HashSet::new();
        for (d, p) in n.directions.iter().zip(&n.places) {
            assert_eq!(d.departements, [p.spec.code], "{}", d.code);
            assert!(codes.insert(d.code), "code {} twice", d.code);
            assert!(codiques.insert(d.codique), "codique {} twice", d.codique);
            assert!(
                (3..=9).contains(&d.codique.len()) && d.codique.bytes().all(|b| b.is_ascii_digit()),
                "codique {}",
                d.codique
            );
            assert!(!d.name.is_empty() && !p.spec.of.is_empty(), "{}", d.code);
        }
        let names: Vec<&str> = n.directions.iter().map(|d| d.name).collect();
        assert!(names.contains(&"DDFiP de la Mayenne"));
        assert!(names.contains(&"DRFiP Bretagne et d'Ille-et-Vilaine"));
        assert!(names.contains(&"DRFiP de la Guadeloupe"));
        assert!(names.contains(&"DDFiP des Yvelines"));
    }

    #[test]
    fn every_postal_code_falls_in_its_department() {
        for p in &national().places {
            assert!(!p.spec.cities.is_empty(), "{}", p.spec.code);
            for (city, code) in p.spec.cities {
                assert_eq!(
                    departement_from_postal_code(code).ok().as_deref(),
                    Some(p.spec.code),
                    "{city} {code}"
                );
            }
            let cities: Vec<&str> = p.spec.cities.iter().map(|(c, _)| *c).collect();
            if p.seaside != super::super::names::SEASIDE {
                for s in p.seaside {
                    assert!(cities.contains(s), "{s} is not a town of {}", p.spec.code);
                }
            }
        }
    }
}
