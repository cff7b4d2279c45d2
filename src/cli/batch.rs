//! `guichet batch [FILE|-]`: one JSON command a line, each its own transaction, flushed before its result line is
//! printed, so that every acknowledged line is on disk. Blank lines and `#` comments are skipped; a refusal does not
//! stop the batch. An accepted line's result carries `seq`, the number of its journal entry, so that whoever fed the
//! batch can find it in the journal (the crash tests prove every acknowledged line is there).

use crate::desk::{Actor, Desk, DeskError};
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

/// The longest line a batch takes: a command with a few hundred persons fits well within it.
const MAX_LINE: usize = 1024 * 1024;

pub(super) fn run_file(
    desk: &Desk,
    actor: &Actor,
    file: Option<&str>,
) -> Result<ExitCode, DeskError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let all_ok = match file {
        None | Some("-") => run_batch(desk, actor, std::io::stdin().lock(), &mut out)?,
        Some(path) => {
            let f = std::fs::File::open(path).map_err(|e| {
                crate::domain::Refusal::not_found(
                    "file",
                    format!("impossible de lire {path} : {e}"),
                )
            })?;
            run_batch(desk, actor, BufReader::new(f), &mut out)?
        }
    };
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs every line of `input`, writes one result line each to `out`; true when none was refused.
pub fn run_batch(
    desk: &Desk,
    actor: &Actor,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<bool, DeskError> {
    let mut all_ok = true;
    let mut buf = Vec::new();
    let mut n = 0usize;
    let io = |e: std::io::Error| DeskError::Store(crate::store::StoreError::Io(e.to_string()));
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).map_err(io)? == 0 {
            break;
        }
        n += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let outcome = if buf.len() > MAX_LINE {
            let refusal = crate::domain::Refusal::syntax(format!(
                "ligne de {} octets : une commande tient en {MAX_LINE} octets au plus",
                buf.len()
            ));
            desk.refuse_line(actor, &line.chars().take(200).collect::<String>(), refusal)
        } else if std::str::from_utf8(&buf).is_err() {
            let refusal = crate::domain::Refusal::syntax(
                "ligne illisible : ce n'est pas du texte UTF-8 (enregistrez le fichier en UTF-8)",
            );
            desk.refuse_line(actor, line, refusal)
        } else {
            desk.execute_line(actor, line)
        };
        let result = match outcome {
            Ok(receipt) => {
                json!({"line": n, "ok": true, "seq": receipt.seq, "result": receipt.result})
            }
            Err(DeskError::Refused(r)) => {
                all_ok = false;
                json!({"line": n, "ok": false, "error": {"rule": r.rule, "field": r.field, "message": r.message}})
            }
            Err(e) => return Err(e),
        };
        writeln!(out, "{result}").map_err(io)?;
        out.flush().map_err(io)?;
    }
    Ok(all_ok)
}
