//! From a structure's page: its users saved to a file, as Chorus Pro's own export lists them (role, status of the
//! rattachement and of the user), in CSV for a spreadsheet or JSON.

use super::State;
use crate::domain::ids::Siret;
use crate::files::export::{self, Format};
use crate::tui::espaces::{Ctx, Flow};
use crate::tui::strings as s;
use crate::tui::widgets::form::{Field, Form};

impl State {
    pub(super) fn open_export(&mut self, ctx: &Ctx) -> Flow {
        let Some(f) = &self.fiche else {
            return Flow::Nothing;
        };
        let file = format!(
            "utilisateurs-{}-{}.csv",
            f.siret,
            ctx.today.format("%Y-%m-%d")
        );
        self.export = Some((
            (),
            Form::new(
                "Exporter les utilisateurs de la structure",
                vec![
                    Field::choice(
                        "format",
                        "Format",
                        &[("csv", "CSV pour tableur"), ("json", "JSON")],
                        0,
                    ),
                    Field::text("file", "Fichier (chemin)", &file).required(),
                ],
            ),
        ));
        Flow::Changed
    }

    pub(super) fn submit_export(&mut self, ctx: &Ctx) -> Flow {
        let (Some(f), Some((_, form))) = (&self.fiche, &mut self.export) else {
            return Flow::Nothing;
        };
        let Some(values) = form.to_json(serde_json::Map::new()) else {
            return Flow::Failed(s::refused("le fichier est à indiquer"));
        };
        let Ok(siret) = Siret::parse(&f.siret) else {
            return Flow::Failed(s::refused("SIRET illisible"));
        };
        let sheet = match export::users(ctx.desk.store(), siret) {
            Ok(sheet) => sheet,
            Err(e) => return Flow::Failed(s::refused(&e.to_string())),
        };
        let format = if values["format"] == "json" {
            Format::Json
        } else {
            Format::Csv
        };
        let file = values["file"].as_str().unwrap_or_default().to_string();
        match export::save(&sheet, format, std::path::Path::new(&file)) {
            Ok(()) => {
                self.export = None;
                Flow::Done(format!(
                    "✓ {} utilisateur(s) écrit(s) dans {file}",
                    sheet.rows.len()
                ))
            }
            Err(e) => Flow::Failed(s::refused(&format!(
                "écriture impossible dans {file} : {e}"
            ))),
        }
    }
}
