//! The desk: the only way anything in the database changes. A `Command` is read, checked against the rules of the
//! note with what it needs from the store, then written — records, indexes, counters and its journal entry — in one
//! sled transaction, flushed before the caller is told. A refused command writes only its journal entry.
//!
//! The views (read models for `show`, `report` and the screens) live here too, beside the writes they reflect.

pub mod audit;
pub mod bulk;
pub mod command;
mod context;
mod handlers;
pub mod many;
pub mod remote;
pub mod view;

pub use command::Command;
pub use context::{Actor, DeskError, Receipt};
pub use remote::{Link, LinkState, Remote};

use crate::domain::Refusal;
use crate::domain::operator::{Operator, OperatorRole};
use crate::store::journal::{Draft, Outcome, Subject};
use crate::store::{Store, StoreError, WriteSet};
use chrono::{DateTime, Local, NaiveDate, Utc};
use context::Ctx;
use std::path::Path;
use std::sync::{Arc, Mutex};

type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub struct Desk {
    store: Store,
    clock: Clock,
    /// One writer at a time: a command reads, checks and writes without another command in between.
    writer: Mutex<()>,
    /// Set when a `guichet serve` owns the database: commands go there, only reads happen here.
    remote: Option<Arc<dyn Remote>>,
}

/// A raw line longer than this is cut in the journal of its refusal.
const MAX_JOURNALED_LINE: usize = 4096;

impl Desk {
    pub fn open(path: &Path) -> Result<Desk, StoreError> {
        Ok(Desk {
            store: Store::open(path)?,
            clock: Box::new(Utc::now),
            writer: Mutex::new(()),
            remote: None,
        })
    }

    /// A client desk: `store` reads through the server, `remote` executes the commands there.
    pub fn served(store: Store, remote: Arc<dyn Remote>) -> Desk {
        Desk {
            store,
            clock: Box::new(Utc::now),
            writer: Mutex::new(()),
            remote: Some(remote),
        }
    }

    /// The server this desk is a client of, if any.
    pub fn remote(&self) -> Option<&dyn Remote> {
        self.remote.as_deref()
    }

    /// Waits for the command in flight, then holds every writer back and flushes: what a stopping server does
    /// before it tells its clients. The returned guard keeps new commands out until it is dropped.
    pub fn quiesce(&self) -> Result<std::sync::MutexGuard<'_, ()>, StoreError> {
        let guard = self.lock();
        self.store.flush()?;
        Ok(guard)
    }

    /// Replaces the clock (tests, and `GUICHET_NOW` for reproducible demonstrations).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Desk {
        self.clock = Box::new(clock);
        self
    }

    /// Waits until every executed command is on disk.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Today in the operator's time zone: ages and reception dates are counted in local days.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }

    /// Reads one JSON line of the batch vocabulary and executes it. An unreadable line is refused and journaled.
    pub fn execute_line(&self, actor: &Actor, line: &str) -> Result<Receipt, DeskError> {
        if let Some(remote) = &self.remote {
            return remote.execute_line(actor.acting_as.as_deref(), line);
        }
        match Command::parse_line(line) {
            Ok(command) => self.execute(actor, &command),
            Err(refusal) => self.refuse_line(actor, line, refusal),
        }
    }

    /// Journals the refusal of a line that could not be read as a command, and returns it.
    pub fn refuse_line(
        &self,
        actor: &Actor,
        line: &str,
        refusal: Refusal,
    ) -> Result<Receipt, DeskError> {
        if let Some(remote) = &self.remote {
            return remote.refuse_line(actor.acting_as.as_deref(), line, &refusal);
        }
        let _guard = self.lock();
        self.bootstrap(actor)?;
        let mut raw: String = line.chars().take(MAX_JOURNALED_LINE).collect();
        if raw.len() < line.len() {
            raw.push('…');
        }
        self.journal_refusal(actor, raw, &refusal, Vec::new())?;
        Err(DeskError::Refused(refusal))
    }

    /// Executes one command atomically and flushes it. `Err(Refused)` means nothing changed but the journal.
    pub fn execute(&self, actor: &Actor, command: &Command) -> Result<Receipt, DeskError> {
        let receipt = self.execute_deferred(actor, command);
        self.store.flush()?;
        receipt
    }

    /// Executes one command atomically — same checks, same transaction, same journal — without waiting for the
    /// disk. For bulk generation only, which calls `flush` before it reports anything done.
    pub fn execute_deferred(&self, actor: &Actor, command: &Command) -> Result<Receipt, DeskError> {
        if let Some(remote) = &self.remote {
            return remote.execute_line(actor.acting_as.as_deref(), &command.to_json());
        }
        let _guard = self.lock();
        self.bootstrap(actor)?;
        let now = self.now();
        let outcome = self.operator_for(actor).and_then(|operator| {
            let mut ctx = Ctx::new(&self.store, operator, now, self.today());
            let done = handlers::run(&mut ctx, command)?;
            Ok((ctx, done))
        });
        match outcome {
            Ok((ctx, done)) => {
                let draft = done_draft(actor, now, &ctx, command, &done.summary);
                let entry = self.store.commit_unflushed(ctx.ws, draft)?;
                Ok(Receipt {
                    seq: entry.seq,
                    summary: done.summary,
                    result: done.result,
                })
            }
            Err(DeskError::Refused(refusal)) => {
                let subjects = handlers::subjects_of_refused(&self.store, command);
                self.journal_refusal(actor, command.to_json(), &refusal, subjects)?;
                Err(DeskError::Refused(refusal))
            }
            Err(other) => Err(other),
        }
    }

    /// Runs a command's checks as `execute` would, without writing anything nor journaling: what a screen asks
    /// to show an action enabled, or disabled with the rule that forbids it.
    pub fn preview(&self, actor: &Actor, command: &Command) -> Result<(), DeskError> {
        if let Some(remote) = &self.remote {
            return remote.preview(actor.acting_as.as_deref(), &command.to_json());
        }
        let _guard = self.lock();
        let operator = self.operator_for(actor)?;
        let mut ctx = Ctx::new(&self.store, operator, self.now(), self.today());
        handlers::run(&mut ctx, command).map(|_| ())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        // A poisoned lock only means another command panicked; the store itself is transactional.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// On a database with no operator, the OS login that opens it becomes its administrator (DESIGN.md §3).
    pub(crate) fn bootstrap(&self, actor: &Actor) -> Result<(), DeskError> {
        if self.store.has_operators() {
            return Ok(());
        }
        let operator = Operator {
            login: actor.login.clone(),
            name: actor.login.clone(),
            direction: None,
            role: OperatorRole::Admin,
        };
        let mut ws = WriteSet::default();
        ws.put_operator(&operator)?;
        let summary = format!(
            "base vide : {} devient le premier opérateur, administrateur",
            actor.login
        );
        let draft = Draft {
            at: self.now(),
            operator: actor.login.clone(),
            via: None,
            on_behalf_of: None,
            command: serde_json::json!({"cmd": "operator.bootstrap", "login": actor.login})
                .to_string(),
            outcome: Outcome::Done { summary },
            subjects: Vec::new(),
        };
        self.store.commit(ws, draft)?;
        Ok(())
    }

    /// The operator the command runs as: the OS login, or the one an administrator names with `--as`.
    fn operator_for(&self, actor: &Actor) -> Result<Operator, DeskError> {
        let real = self.store.operator(&actor.login)?;
        if let Some(acting_as) = actor.via().map(|_| actor.effective()) {
            match &real {
                Some(op) if op.role == OperatorRole::Admin => {}
                _ => {
                    return Err(Refusal::permission(format!(
                        "seul un administrateur peut agir en tant que {acting_as} (--as) ; {} ne l'est pas",
                        actor.login
                    ))
                    .into());
                }
            }
        }
        match self.store.operator(actor.effective())? {
            Some(op) => Ok(op),
            None => Err(Refusal::permission(format!(
                "{} n'est pas un opérateur de ce guichet : un administrateur l'ajoute par operator.add",
                actor.effective()
            ))
            .into()),
        }
    }

    /// Who a refusal is journaled under: the operator acted as when the real login may act as him (an
    /// administrator); else the real login alone — a refused impersonation is not written in the other's name.
    fn journaled_actor(&self, actor: &Actor) -> Actor {
        if actor.via().is_none() {
            return actor.clone();
        }
        match self.store.operator(&actor.login) {
            Ok(Some(op)) if op.role == OperatorRole::Admin => actor.clone(),
            _ => Actor::new(actor.login.clone()),
        }
    }

    fn journal_refusal(
        &self,
        actor: &Actor,
        command: String,
        refusal: &Refusal,
        subjects: Vec<Subject>,
    ) -> Result<(), DeskError> {
        let actor = self.journaled_actor(actor);
        let draft = refusal_draft(&actor, self.now(), command, refusal, subjects);
        self.store.commit(WriteSet::default(), draft)?;
        Ok(())
    }
}

/// The journal entry of a command done: who, when, the command, its summary and its subjects.
fn done_draft(
    actor: &Actor,
    at: DateTime<Utc>,
    ctx: &Ctx,
    command: &Command,
    summary: &str,
) -> Draft {
    Draft {
        at,
        operator: actor.effective().to_string(),
        via: actor.via().map(str::to_string),
        on_behalf_of: ctx.on_behalf_of.clone(),
        command: command.to_json(),
        outcome: Outcome::Done {
            summary: summary.to_string(),
        },
        subjects: ctx.subjects.clone(),
    }
}

/// The journal entry of a refusal: the command as it came, the rule, the field and the message.
fn refusal_draft(
    actor: &Actor,
    at: DateTime<Utc>,
    command: String,
    refusal: &Refusal,
    subjects: Vec<Subject>,
) -> Draft {
    Draft {
        at,
        operator: actor.effective().to_string(),
        via: actor.via().map(str::to_string),
        on_behalf_of: None,
        command,
        outcome: Outcome::Refused {
            rule: refusal.rule.code().to_string(),
            field: refusal.field.clone(),
            message: refusal.message.clone(),
        },
        subjects,
    }
}
