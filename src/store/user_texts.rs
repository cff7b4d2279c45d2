//! The users' search texts held in memory (see `cache`): every row of `T::UsersSearch` by user id, and the keys of
//! `T::UsersByName` in their order, which the same rows give (`sort name‖0‖user` → the text after the sort name).
//! A directory filter checks the first by id and walks the second in name order, neither from disk.

use super::keys;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

#[derive(Clone, Default)]
pub(super) struct UserTexts {
    /// `user` → `sort name‖0‖search text`, as `T::UsersSearch` holds it.
    by_id: HashMap<u64, sled::IVec>,
    /// The keys of `T::UsersByName` (`IVec`s: copying the table when a reader holds it while a command lands, see
    /// `Cached::update`, shares them instead of allocating each again).
    by_name: BTreeSet<sled::IVec>,
}

impl UserTexts {
    /// The row of `T::UsersSearch` for `id`.
    pub(super) fn get(&self, id: u64) -> Option<&sled::IVec> {
        self.by_id.get(&id)
    }

    /// Writes a row of `T::UsersSearch` (`None`: removes it), and its user's key in the name order. False when the
    /// row cannot be read (the key is not a user's, the value holds no sort name).
    pub(super) fn write(&mut self, key: &[u8], row: Option<&[u8]>) -> bool {
        let Some(id) = keys::user_from(key) else {
            return false;
        };
        if let Some(old) = self.by_id.remove(&id.0) {
            let Some((sort_name, _)) = keys::user_search_parts(&old) else {
                return false;
            };
            self.by_name.remove(&name_key(sort_name, id.0));
        }
        let Some(row) = row else {
            return true;
        };
        let Some((sort_name, _)) = keys::user_search_parts(row) else {
            return false;
        };
        self.by_name.insert(name_key(sort_name, id.0));
        self.by_id.insert(id.0, sled::IVec::from(row));
        true
    }

    /// The rows of `T::UsersByName` (key, search text) from its first key after `after`, else those under
    /// `prefix`, in key order — as sled's `range` and `scan_prefix` give them; `None` for a key whose text is
    /// missing (the two tables disagree: never, by construction).
    pub(super) fn names_after<'a>(
        &'a self,
        after: Option<&'a [u8]>,
        prefix: &'a [u8],
    ) -> impl Iterator<Item = Option<(&'a [u8], &'a [u8])>> + 'a {
        let start = match after {
            Some(after) => Bound::Excluded(after),
            None => Bound::Included(prefix),
        };
        self.by_name
            .range::<[u8], _>((start, Bound::Unbounded))
            .take_while(move |key| after.is_some() || key.starts_with(prefix))
            .map(|key| {
                let id = keys::user_of_name(key)?;
                let (_, text) = keys::user_search_parts(self.by_id.get(&id.0)?)?;
                Some((&key[..], text))
            })
    }
}

fn name_key(sort_name: &[u8], id: u64) -> sled::IVec {
    sled::IVec::from([sort_name, &[0], &id.to_be_bytes()].concat())
}

#[cfg(test)]
mod tests {
    use super::UserTexts;
    use crate::domain::user::UserId;
    use crate::store::keys;

    fn row(sort_name: &str, text: &str) -> Vec<u8> {
        keys::user_search(sort_name, text)
    }

    fn names(texts: &UserTexts) -> Vec<(Vec<u8>, String)> {
        texts
            .names_after(None, b"")
            .map(|r| {
                let (k, t) = r.expect("consistent");
                (k.to_vec(), String::from_utf8_lossy(t).into_owned())
            })
            .collect()
    }

    #[test]
    fn a_renamed_user_moves_in_the_name_order_and_a_removed_one_leaves_it() {
        let mut texts = UserTexts::default();
        let (a, b) = (keys::user(UserId(1)), keys::user(UserId(2)));
        assert!(texts.write(&a, Some(&row("martin anne", "martin anne a@x.fr"))));
        assert!(texts.write(&b, Some(&row("durand paul", "durand paul p@x.fr"))));
        assert_eq!(
            names(&texts),
            vec![
                (
                    keys::user_name("durand paul", UserId(2)),
                    "durand paul p@x.fr".into()
                ),
                (
                    keys::user_name("martin anne", UserId(1)),
                    "martin anne a@x.fr".into()
                ),
            ]
        );
        assert!(texts.write(&a, Some(&row("bernard anne", "bernard anne a@x.fr"))));
        assert_eq!(
            names(&texts)[0].0,
            keys::user_name("bernard anne", UserId(1))
        );
        assert_eq!(names(&texts).len(), 2, "the old name left the order");
        assert!(texts.write(&b, None));
        assert_eq!(names(&texts).len(), 1);
        assert!(texts.get(2).is_none());
        let after = keys::user_name("bernard anne", UserId(1));
        assert_eq!(texts.names_after(Some(&after), b"").count(), 0);
        assert!(!texts.write(b"short", None), "not a user's key");
    }
}
