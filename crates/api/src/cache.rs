//! Views derived from many cases, kept while no case has changed: the frequent requests of a
//! period group thousands of requests (tens of milliseconds on a large database), and the
//! same view is asked for again and again while nothing is filed.
//!
//! An entry is fresh while [`gongkai_store::db::case_writes`] is what it was before the view
//! was computed (a case written by this process meanwhile makes it stale) and it is younger
//! than [`MAX_AGE`], which bounds how long a write of another process (a second node on the
//! same PostgreSQL database) can go unseen.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an entry is used, whatever this process wrote.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// Most entries kept: one per (scope, question) asked lately. The oldest goes first.
const CAPACITY: usize = 32;

struct Entry<V> {
    writes: u64,
    made: Instant,
    value: Arc<V>,
}

/// Computed views by key (see the module's documentation).
pub struct Fresh<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash + Clone, V> Default for Fresh<K, V> {
    fn default() -> Self {
        Fresh {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, V> Fresh<K, V> {
    /// The view of `key` if one is fresh.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let writes = gongkai_store::db::case_writes();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| e.writes == writes && e.made.elapsed() < MAX_AGE)
            .map(|e| Arc::clone(&e.value))
    }

    /// The fresh view of `key`, or `compute`'s, kept when no case was written while it ran.
    pub fn get_or_compute<E>(
        &self,
        key: &K,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.get(key) {
            return Ok(v);
        }
        let writes = gongkai_store::db::case_writes();
        let made = Instant::now();
        let value = Arc::new(compute()?);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| e.made.elapsed() < MAX_AGE);
        if entries.len() >= CAPACITY
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.made)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(
            key.clone(),
            Entry {
                writes,
                made,
                value: Arc::clone(&value),
            },
        );
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_used_until_the_capacity_pushes_it_out() {
        let cache: Fresh<u32, String> = Fresh::default();
        let mut runs = 0;
        for _ in 0..3 {
            let v = cache
                .get_or_compute(&1, || {
                    runs += 1;
                    Ok::<_, ()>("one".to_owned())
                })
                .unwrap();
            assert_eq!(*v, "one");
        }
        // Other tests of this binary may write cases meanwhile (then it is computed again).
        assert!(runs >= 1);
        for k in 2..=(CAPACITY as u32 + 1) {
            cache
                .get_or_compute(&k, || Ok::<_, ()>(k.to_string()))
                .unwrap();
        }
        assert!(cache.entries.lock().unwrap().len() <= CAPACITY);
        assert!(cache.get(&1).is_none(), "the oldest entry goes first");
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let cache: Fresh<u32, String> = Fresh::default();
        assert!(cache.get_or_compute(&1, || Err::<String, _>("no")).is_err());
        assert!(cache.get(&1).is_none());
    }
}
