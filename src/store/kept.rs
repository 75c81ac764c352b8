//! Reads kept in memory while what they were read from is unchanged.
//!
//! A learner's dashboard asks who may see the learner three or four times (the page's status,
//! then each of its server functions), and reads the institution's frameworks, rubrics,
//! achievements and module names, and the cohort's figures: about forty small queries, each two
//! thread hops with SQLite's driver, which is where most of a render's CPU went. These rarely
//! change, so they are kept here, each with the version of `write::Versions` it was read at:
//!
//! - what stands for everything shared (`Versions::everyone`, which every write to people,
//!   roles, groups, links, frameworks or settings moves) for relations, people's names,
//!   catalogues, module names, time zones, terms and a learner's cohort group;
//! - that and the cohort version (any learner's level) for a group's spread of levels;
//! - that and the learner's own version (`Versions::learner`, which every write touching that
//!   learner moves) for what is theirs: their current levels, their earned badges, what their
//!   story tile counts. A dashboard drawn again because the cohort's figures moved (the school
//!   day's common case) then reads none of these again. Their attendance is kept as the tile
//!   counts it (tallies, weeks, the latest absences), not as the records (a year of them is
//!   tens of kilobytes a learner).
//!
//! The version is read *before* the data: a write that commits in between leaves the copy
//! tagged with the older version, so it is read again next time, never served newer than its
//! tag says. Only in a serving store (`Store::serve`) that sees every write
//! (`Store::sees_every_write`); otherwise every call reads.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::Store;
use crate::cohort::Spread;
use crate::error::CoreResult;
use crate::model::{GroupId, InstitutionId, ModuleNames, UserId};
use crate::policy::LearnerRelations;

/// Copies kept at most per kind; past this the kind is emptied and fills again.
const LIMIT: usize = 20_000;

/// One kind of read, by key, each with the version it was read at.
pub(crate) struct Kept<K, V> {
    entries: Mutex<HashMap<K, (Version, Arc<V>)>>,
}

/// The versions a copy was read at: what everyone sees, and the cohort's figures (for the
/// kinds that show them; 0 for the others).
pub(crate) type Version = (u64, u64);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> Kept<K, V> {
    fn get(&self, key: &K, version: Version) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("kept reads");
        entries
            .get(key)
            .filter(|(kept, _)| *kept == version)
            .map(|(_, value)| value.clone())
    }

    fn keep(&self, key: K, version: Version, value: Arc<V>) {
        let mut entries = self.entries.lock().expect("kept reads");
        if entries.len() >= LIMIT {
            entries.clear();
        }
        entries.insert(key, (version, value));
    }
}

/// A learner's first group now (the cohort their dashboard compares them with): its id, name
/// and how many learners it has.
pub(crate) type CohortGroup = Option<(GroupId, String, i64)>;

/// A framework as the cohort chart names it: id, name, and its rubric's top level.
pub(crate) type FrameworkFacts = (i64, String, f64);

/// Every kind of read kept.
#[derive(Default)]
pub(crate) struct KeptReads {
    /// Only a serving store keeps reads (`Store::serve`): the command line reads once, and
    /// tests may write behind the store's back.
    pub(crate) serving: AtomicBool,
    pub(crate) relations: Kept<UserId, Option<LearnerRelations>>,
    /// A person's id, name, email and institution (people change with `everyone`).
    pub(crate) people: Kept<UserId, Option<(UserId, String, String, InstitutionId)>>,
    pub(crate) catalogues: Kept<InstitutionId, super::progress::Catalogue>,
    pub(crate) frameworks: Kept<InstitutionId, Vec<FrameworkFacts>>,
    pub(crate) module_names: Kept<InstitutionId, ModuleNames>,
    pub(crate) time_zones: Kept<Option<InstitutionId>, String>,
    /// An institution's terms with their dates (`title, start, end`).
    pub(crate) terms: Kept<InstitutionId, Vec<(String, String, String)>>,
    pub(crate) cohort_groups: Kept<UserId, CohortGroup>,
    pub(crate) spreads: Kept<GroupId, HashMap<i64, Spread>>,
    /// A framework's competencies in the order its charts show them: id and name.
    pub(crate) framework_competencies: Kept<i64, Vec<(i64, String)>>,
    /// A learner's current level and evidence count, by competency.
    pub(crate) levels: Kept<UserId, CurrentLevels>,
    /// A learner's earned credentials that stand: the public id, by achievement.
    pub(crate) earned: Kept<UserId, HashMap<i64, String>>,
    /// How many active goals and how many projects a learner has.
    pub(crate) story_counts: Kept<UserId, (usize, usize)>,
    /// A learner's attendance as their dashboard shows it, by the day it was counted on.
    pub(crate) attendance: Kept<(UserId, jiff::civil::Date), crate::model::LearnerAttendance>,
    /// Every published framework as its CASE package (the public provider API answers from
    /// these; publishing and every edit of a framework move `everyone`).
    pub(crate) case_packages: Kept<(), Vec<serde_json::Value>>,
}

/// A learner's current level (none until it can be judged) and evidence count, by competency.
pub(crate) type CurrentLevels = HashMap<i64, (Option<f64>, i64)>;

impl std::fmt::Debug for KeptReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptReads")
    }
}

/// Which figures a read shows, and so which versions it is kept at.
#[derive(Clone, Copy)]
pub(crate) enum Shows {
    /// Only what is shared: people, groups, frameworks, settings.
    Shared,
    /// That and the cohort's levels.
    CohortLevels,
    /// That and one learner's own data.
    Learner(UserId),
}

impl Store {
    /// The copy of `key` in `kind` read at the current version, or `read` it (and keep it).
    pub(crate) async fn kept<K, V, Fut>(
        &self,
        kind: impl Fn(&KeptReads) -> &Kept<K, V>,
        shows: Shows,
        key: K,
        read: Fut,
    ) -> CoreResult<Arc<V>>
    where
        K: Eq + Hash,
        Fut: Future<Output = CoreResult<V>>,
    {
        if !self.sees_every_write() || !self.kept.serving.load(Ordering::Acquire) {
            return Ok(Arc::new(read.await?));
        }
        // Outside writes (the command line) move `everyone`: `shared_version` looks for them.
        let version = match shows {
            Shows::Shared => (self.shared_version(), 0),
            Shows::CohortLevels => (self.shared_version(), self.versions.cohort()),
            Shows::Learner(learner) => (self.shared_version(), self.versions.learner(learner)),
        };
        let kept = kind(&self.kept);
        if let Some(value) = kept.get(&key, version) {
            return Ok(value);
        }
        let value = Arc::new(read.await?);
        kept.keep(key, version, value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_answers_only_at_the_version_it_was_read_at() {
        let kept: Kept<i64, String> = Kept::default();
        kept.keep(1, (3, 0), Arc::new("three".into()));
        assert_eq!(
            kept.get(&1, (3, 0)).as_deref().map(String::as_str),
            Some("three")
        );
        assert!(kept.get(&1, (4, 0)).is_none());
        assert!(kept.get(&1, (3, 1)).is_none());
        assert!(kept.get(&2, (3, 0)).is_none());
    }

    #[test]
    fn past_its_limit_a_kind_starts_again() {
        let kept: Kept<usize, usize> = Kept::default();
        for key in 0..=LIMIT {
            kept.keep(key, (0, 0), Arc::new(key));
        }
        assert!(kept.get(&0, (0, 0)).is_none());
        assert_eq!(kept.get(&LIMIT, (0, 0)).as_deref(), Some(&LIMIT));
    }
}
