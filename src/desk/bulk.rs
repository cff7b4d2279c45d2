//! A bulk load through the desk: many commands by one operator, each checked exactly as `Desk::execute` checks it
//! and seeing what the commands before it wrote (the store's thread overlay), written in transactions of up to
//! `chunk` commands with their journal entries, in order — a refused command's entry included, where it fell. It
//! is what fills a demonstration or a national database in minutes instead of hours; nothing is reported done
//! before `finish` has committed and flushed.
//!
//! The session holds the desk's writer lock from start to finish: no other command runs in between.

use super::context::{Ctx, DeskError, Receipt};
use super::{Actor, Command, Desk, done_draft, handlers, refusal_draft};
use crate::domain::operator::Operator;
use crate::store::WriteSet;
use crate::store::journal::Draft;
use crate::store::overlay::Overlay;
use std::sync::MutexGuard;

pub struct Bulk<'a> {
    desk: &'a Desk,
    actor: Actor,
    operator: Operator,
    overlay: Overlay,
    merged: WriteSet,
    drafts: Vec<Draft>,
    chunk: usize,
    committed: usize,
    _writer: MutexGuard<'a, ()>,
}

impl Desk {
    /// Opens a bulk session for `actor`, committing every `chunk` commands (a local database only).
    pub fn bulk(&self, actor: &Actor, chunk: usize) -> Result<Bulk<'_>, DeskError> {
        if self.remote().is_some() {
            return Err(DeskError::Store(crate::store::StoreError::Server(
                "un chargement en masse se fait sur la base elle-même, serveur arrêté".to_string(),
            )));
        }
        let writer = self.lock();
        self.bootstrap(actor)?;
        let operator = self.operator_for(actor)?;
        Ok(Bulk {
            desk: self,
            actor: actor.clone(),
            operator,
            overlay: Overlay::begin(),
            merged: WriteSet::default(),
            drafts: Vec::new(),
            chunk: chunk.max(1),
            committed: 0,
            _writer: writer,
        })
    }
}

impl Bulk<'_> {
    /// Checks and stages one command; its receipt's `seq` is 0 until its chunk is committed. A refusal is staged
    /// as a journal entry and returned.
    pub fn execute(&mut self, command: &Command) -> Result<Receipt, DeskError> {
        let desk = self.desk;
        let now = desk.now();
        let mut ctx = Ctx::new(desk.store(), self.operator.clone(), now, desk.today());
        let outcome = match handlers::run(&mut ctx, command) {
            Ok(done) => {
                self.overlay.stage(&ctx.ws);
                self.drafts
                    .push(done_draft(&self.actor, now, &ctx, command, &done.summary));
                self.merged.absorb(ctx.ws);
                Ok(Receipt {
                    seq: 0,
                    summary: done.summary,
                    result: done.result,
                })
            }
            Err(DeskError::Refused(refusal)) => {
                let subjects = handlers::subjects_of_refused(desk.store(), command);
                self.drafts.push(refusal_draft(
                    &self.actor,
                    now,
                    command.to_json(),
                    &refusal,
                    subjects,
                ));
                Err(DeskError::Refused(refusal))
            }
            Err(other) => return Err(other),
        };
        if self.drafts.len() >= self.chunk {
            self.commit()?;
        }
        outcome
    }

    /// Writes the staged commands in one transaction (not yet flushed).
    pub fn commit(&mut self) -> Result<(), DeskError> {
        if self.drafts.is_empty() {
            return Ok(());
        }
        let drafts = std::mem::take(&mut self.drafts);
        self.committed += drafts.len();
        self.desk
            .store()
            .commit_all(std::mem::take(&mut self.merged), drafts)?;
        self.overlay.clear();
        Ok(())
    }

    /// Journal entries written so far (committed chunks).
    pub fn committed(&self) -> usize {
        self.committed
    }

    /// Commits what is staged and flushes: from here on, everything is on disk.
    pub fn finish(mut self) -> Result<usize, DeskError> {
        self.commit()?;
        self.desk.store().flush()?;
        Ok(self.committed)
    }
}
