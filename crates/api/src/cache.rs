//! Views derived from many cases, kept while no case has changed: the frequent requests of a
//! period group thousands of requests (tens of milliseconds on a large database), and the
//! same view is asked for again and again while nothing is filed.
//!
//! An entry is fresh while [`gongkai_store::db::case_writes`] is what it was before the view
//! was computed (a case written by this process meanwhile makes it stale) and it is younger
//! than [`MAX_AGE`], which bounds how long a write of another process (a second node,
//! `gongkai worker`) can go unseen.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an entry is used, whatever this process wrote.
pub const MAX_AGE: Duration = Duration::from_secs(60);

struct Entry<V> {
    writes: u64,
    made: Instant,
    weight: usize,
    value: Arc<V>,
}

/// Computed views by key (see the module's documentation), at most `capacity` of them
/// together: a view weighs what [`Weigh`] says (for the frequent requests, how many requests
/// it lists), and the oldest go first to make room. A view heavier than the whole capacity is
/// given to its caller and not kept.
pub struct Fresh<K, V> {
    capacity: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// The number the views depend on (see the module's documentation).
    writes: fn() -> u64,
}

/// How much of a cache's capacity a view takes.
pub trait Weigh {
    fn weight(&self) -> usize;
}

impl<K: Eq + Hash + Clone, V: Weigh> Fresh<K, V> {
    /// An empty cache of `capacity` (in [`Weigh`] units) of views derived from the cases.
    pub fn new(capacity: usize) -> Self {
        Self::watching(capacity, gongkai_store::db::case_writes)
    }

    /// An empty cache of views that stay fresh while `writes` returns the same number (e.g.
    /// `gongkai_store::db::directory_writes` for the directory of names).
    pub fn watching(capacity: usize, writes: fn() -> u64) -> Self {
        Fresh {
            capacity,
            entries: Mutex::new(HashMap::new()),
            writes,
        }
    }

    /// Drops every view (tests that count statements want the cold path).
    #[cfg(test)]
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// The view of `key` if one is fresh.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let writes = (self.writes)();
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
        let writes = (self.writes)();
        let made = Instant::now();
        let value = Arc::new(compute()?);
        let weight = value.weight().max(1);
        if weight > self.capacity {
            return Ok(value);
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(key);
        entries.retain(|_, e| e.made.elapsed() < MAX_AGE);
        let mut held: usize = entries.values().map(|e| e.weight).sum();
        while held + weight > self.capacity {
            let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.made)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(e) = entries.remove(&oldest) {
                held -= e.weight;
            }
        }
        entries.insert(
            key.clone(),
            Entry {
                writes,
                made,
                weight,
                value: Arc::clone(&value),
            },
        );
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for String {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    #[test]
    fn views_are_kept_within_the_capacity_oldest_out_first() {
        let cache: Fresh<u32, String> = Fresh::new(10);
        let mut runs = 0;
        let writes = gongkai_store::db::case_writes();
        for _ in 0..3 {
            let v = cache
                .get_or_compute(&1, || {
                    runs += 1;
                    Ok::<_, ()>("abcd".to_owned())
                })
                .unwrap();
            assert_eq!(*v, "abcd");
        }
        // Computed once and then kept, unless another test of this binary wrote a case
        // meanwhile (then it is computed again, as it must be).
        if gongkai_store::db::case_writes() == writes {
            assert_eq!(runs, 1, "a fresh view is not computed again");
        } else {
            assert!(runs >= 1);
        }
        cache
            .get_or_compute(&2, || Ok::<_, ()>("efgh".to_owned()))
            .unwrap();
        // 4 + 4 + 4 > 10: the oldest (1) makes room.
        cache
            .get_or_compute(&3, || Ok::<_, ()>("ijkl".to_owned()))
            .unwrap();
        let entries = cache.entries.lock().unwrap();
        assert!(!entries.contains_key(&1), "the oldest view goes first");
        assert!(entries.values().map(|e| e.weight).sum::<usize>() <= 10);
    }

    #[test]
    fn a_view_heavier_than_the_capacity_is_answered_not_kept() {
        let cache: Fresh<u32, String> = Fresh::new(3);
        let v = cache
            .get_or_compute(&1, || Ok::<_, ()>("abcd".to_owned()))
            .unwrap();
        assert_eq!(*v, "abcd");
        assert!(cache.get(&1).is_none());
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let cache: Fresh<u32, String> = Fresh::new(10);
        assert!(cache.get_or_compute(&1, || Err::<String, _>("no")).is_err());
        assert!(cache.get(&1).is_none());
    }
}
