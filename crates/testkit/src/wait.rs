//! Waiting for a condition with a deadline, in place of fixed sleeps: a test goes on as soon
//! as what it waits for holds, and fails with what it saw last when it never does.

use std::fmt::Debug;
use std::time::{Duration, Instant};

/// Polls `probe` until it returns `Some`, at most `within`; panics naming `what` and the last
/// state `seen` returned otherwise.
#[track_caller]
pub fn wait_until<T, S: Debug>(
    what: &str,
    within: Duration,
    probe: impl FnMut() -> Result<T, S>,
) -> T {
    match poll(Instant::now() + within, probe) {
        Ok(done) => done,
        Err(seen) => panic!("{what}: still not so after {within:?}; last seen: {seen:?}"),
    }
}

/// Polls `probe` until it returns `Ok` or `deadline` passes: its last answer either way.
pub fn poll<T, S>(deadline: Instant, mut probe: impl FnMut() -> Result<T, S>) -> Result<T, S> {
    let mut pause = Duration::from_millis(10);
    loop {
        match probe() {
            Ok(done) => return Ok(done),
            Err(seen) if Instant::now() >= deadline => return Err(seen),
            Err(_) => {
                // The poll interval, growing to 200 ms: not a wait for an outcome.
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
        }
    }
}
