//! Several commands as one: the lines of an imported file are checked in order, each seeing what the lines before
//! it will write, then written together — records, indexes, counters and one journal entry each — in a single
//! transaction with a single flush; or, when any line is refused, nothing is written and every refused line is
//! reported, and the journal records the refused import.

use super::context::{Ctx, DeskError, Receipt};
use super::{Actor, Command, Desk, handlers};
use crate::domain::Refusal;
use crate::store::WriteSet;
use crate::store::overlay::Overlay;

/// A refused line of a multi-command execution: its index in the list given, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRefusal {
    pub index: usize,
    pub refusal: Refusal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Many {
    /// Every command passed; written unless it was a dry run (then `seq` is 0).
    Done(Vec<Receipt>),
    /// Some commands were refused: nothing was written.
    Refused(Vec<LineRefusal>),
}

impl Desk {
    /// Checks every command in order and writes them all in one transaction, or none. With `dry_run`, nothing is
    /// written nor journaled either way. `what` names the whole in the journal (e.g. "import structures x.csv").
    pub fn execute_all(
        &self,
        actor: &Actor,
        commands: &[Command],
        dry_run: bool,
        what: &str,
    ) -> Result<Many, DeskError> {
        if let Some(remote) = self.remote() {
            let lines = commands.iter().map(Command::to_json).collect();
            return remote.execute_all(actor.acting_as.as_deref(), lines, dry_run, what);
        }
        let _guard = self.lock();
        self.bootstrap(actor)?;
        let operator = match self.operator_for(actor) {
            Ok(operator) => operator,
            Err(DeskError::Refused(refusal)) => {
                let command =
                    serde_json::json!({"cmd": "import", "what": what, "lines": commands.len()})
                        .to_string();
                self.journal_refusal(actor, command, &refusal, Vec::new())?;
                return Err(DeskError::Refused(refusal));
            }
            Err(other) => return Err(other),
        };
        let now = self.now();
        let today = self.today();
        let mut merged = WriteSet::default();
        let mut drafts = Vec::new();
        let mut receipts = Vec::new();
        let mut refused = Vec::new();
        {
            let overlay = Overlay::begin();
            for (index, command) in commands.iter().enumerate() {
                let mut ctx = Ctx::new(self.store(), operator.clone(), now, today);
                match handlers::run(&mut ctx, command) {
                    Ok(done) => {
                        overlay.stage(&ctx.ws);
                        drafts.push(super::done_draft(actor, now, &ctx, command, &done.summary));
                        receipts.push(Receipt {
                            seq: 0,
                            summary: done.summary,
                            result: done.result,
                        });
                        merged.absorb(ctx.ws);
                    }
                    Err(DeskError::Refused(refusal)) => {
                        refused.push(LineRefusal { index, refusal })
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        if !refused.is_empty() {
            if !dry_run {
                let first = &refused[0].refusal;
                let summary = Refusal {
                    rule: first.rule,
                    field: first.field.clone(),
                    message: format!(
                        "{what} : {} ligne(s) refusée(s) sur {}, rien n'est écrit ; première : {}",
                        refused.len(),
                        commands.len(),
                        first.message
                    ),
                };
                let command =
                    serde_json::json!({"cmd": "import", "what": what, "lines": commands.len()})
                        .to_string();
                self.journal_refusal(actor, command, &summary, Vec::new())?;
            }
            return Ok(Many::Refused(refused));
        }
        if dry_run {
            return Ok(Many::Done(receipts));
        }
        let entries = self.store().commit_all(merged, drafts)?;
        self.store().flush()?;
        for (receipt, entry) in receipts.iter_mut().zip(entries) {
            receipt.seq = entry.seq;
        }
        Ok(Many::Done(receipts))
    }
}
