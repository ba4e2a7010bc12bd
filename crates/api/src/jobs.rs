//! Long work a clerk waits for without holding an HTTP worker: redactions of many-page PDFs.
//! Jobs run one at a time on a thread of their own (the machine's other core keeps answering
//! requests), in the order submitted; a job's progress (pages done of pages) is read by
//! polling. Jobs live in memory: a restart forgets them, and a job that was running leaves
//! nothing behind (its output is stored, with its event, only when it has finished).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{ApiError, ApiResult, ErrorCode};

/// How long a finished job's result stays readable.
const KEEP_FINISHED: Duration = Duration::from_secs(3600);

/// What a job does: given a way to report progress (done, total), it finishes with the id of
/// what it made (an attachment) or an error for the clerk.
pub type Work = Box<dyn FnOnce(&dyn Fn(u32, u32)) -> ApiResult<String> + Send>;

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Done { output: String },
    Failed { code: String, message: String },
}

impl JobState {
    pub fn as_str(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done { .. } => "done",
            JobState::Failed { .. } => "failed",
        }
    }

    pub fn finished(&self) -> bool {
        matches!(self, JobState::Done { .. } | JobState::Failed { .. })
    }
}

/// A job as its owner reads it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub case_id: String,
    /// The user who submitted it: the only one who may read it.
    pub owner: String,
    /// What it works on (the source attachment).
    pub source: String,
    pub state: JobState,
    pub done: u32,
    pub total: u32,
    /// Jobs ahead of it in the queue, when queued.
    pub ahead: usize,
    finished_at: Option<Instant>,
}

struct Inner {
    jobs: HashMap<String, Job>,
    queue: VecDeque<(String, Work)>,
    worker: bool,
}

/// The queue and its worker thread (started with the first job).
pub struct Jobs {
    inner: Mutex<Inner>,
    wake: Condvar,
    /// The most jobs queued or running at once.
    max_pending: usize,
}

impl Jobs {
    pub fn new(max_pending: usize) -> Jobs {
        Jobs {
            inner: Mutex::new(Inner {
                jobs: HashMap::new(),
                queue: VecDeque::new(),
                worker: false,
            }),
            wake: Condvar::new(),
            max_pending: max_pending.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Queues `work` for `owner` on case `case_id`; `total` is the progress's first total.
    /// Refused with 503 `redaction_busy` when `max_pending` jobs are waiting or running.
    pub fn submit(
        self: &Arc<Self>,
        case_id: &str,
        owner: &str,
        source: &str,
        total: u32,
        work: Work,
    ) -> ApiResult<Job> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.jobs.retain(|_, j| {
            j.finished_at
                .is_none_or(|t| now.duration_since(t) < KEEP_FINISHED)
        });
        let pending = inner.jobs.values().filter(|j| !j.state.finished()).count();
        if pending >= self.max_pending {
            let mut e = ApiError::new(
                ErrorCode::RedactionBusy,
                format!("正在处理和等待处理的遮盖任务已有 {pending} 个，请稍后再试"),
            );
            e.retry_after = Some(30);
            return Err(e);
        }
        let id = uuid::Uuid::now_v7().to_string();
        let job = Job {
            id: id.clone(),
            case_id: case_id.to_owned(),
            owner: owner.to_owned(),
            source: source.to_owned(),
            state: JobState::Queued,
            done: 0,
            total,
            ahead: inner.queue.len(),
            finished_at: None,
        };
        inner.jobs.insert(id.clone(), job.clone());
        inner.queue.push_back((id, work));
        if !inner.worker {
            inner.worker = true;
            let jobs = Arc::clone(self);
            std::thread::Builder::new()
                .name("gongkai-jobs".to_owned())
                .spawn(move || jobs.run())
                .map_err(ApiError::internal)?;
        }
        drop(inner);
        self.wake.notify_one();
        Ok(job)
    }

    /// Job `id` as it stands now, with its place in the queue.
    pub fn get(&self, id: &str) -> Option<Job> {
        let inner = self.lock();
        let mut job = inner.jobs.get(id)?.clone();
        job.ahead = inner
            .queue
            .iter()
            .position(|(q, _)| q == id)
            .unwrap_or_default();
        Some(job)
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut Job)) {
        if let Some(job) = self.lock().jobs.get_mut(id) {
            f(job);
        }
    }

    /// The worker: takes the jobs one by one, for ever.
    fn run(self: Arc<Self>) {
        loop {
            let (id, work) = {
                let mut inner = self.lock();
                loop {
                    if let Some(next) = inner.queue.pop_front() {
                        break next;
                    }
                    inner = match self.wake.wait(inner) {
                        Ok(g) => g,
                        Err(poisoned) => poisoned.into_inner(),
                    };
                }
            };
            self.update(&id, |j| j.state = JobState::Running);
            let progress = |done: u32, total: u32| {
                self.update(&id, |j| {
                    j.done = done;
                    j.total = total;
                });
            };
            // A panic in a decoder must not take the queue down with it.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&progress)))
                .unwrap_or_else(|_| Err(ApiError::internal("the job panicked")));
            let state = match result {
                Ok(output) => JobState::Done { output },
                Err(e) => {
                    if e.status.is_server_error() {
                        tracing::error!(code = e.code.as_str(), detail = %e.detail, "a job failed");
                    }
                    JobState::Failed {
                        code: e.code.as_str().to_owned(),
                        message: e.detail,
                    }
                }
            };
            self.update(&id, |j| {
                j.state = state;
                j.finished_at = Some(Instant::now());
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn wait(jobs: &Jobs, id: &str) -> Job {
        for _ in 0..500 {
            let j = jobs.get(id).unwrap();
            if j.state.finished() {
                return j;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("job {id} did not finish");
    }

    #[test]
    fn jobs_run_in_order_report_progress_and_survive_a_panic() {
        let jobs = Arc::new(Jobs::new(4));
        let a = jobs
            .submit(
                "c",
                "u",
                "s",
                3,
                Box::new(|p| {
                    for i in 1..=3 {
                        p(i, 3);
                    }
                    Ok("out".to_owned())
                }),
            )
            .unwrap();
        let b = jobs
            .submit("c", "u", "s", 1, Box::new(|_| panic!("decoder bug")))
            .unwrap();
        let c = jobs
            .submit(
                "c",
                "u",
                "s",
                1,
                Box::new(|_| Err(ApiError::new(ErrorCode::RedactEncrypted, "加密"))),
            )
            .unwrap();
        let a = wait(&jobs, &a.id);
        assert_eq!(
            a.state,
            JobState::Done {
                output: "out".into()
            }
        );
        assert_eq!((a.done, a.total), (3, 3));
        assert_eq!(wait(&jobs, &b.id).state.as_str(), "failed");
        let c = wait(&jobs, &c.id);
        assert_eq!(
            c.state,
            JobState::Failed {
                code: "redact_encrypted".into(),
                message: "加密".into()
            }
        );
    }

    #[test]
    fn a_full_queue_refuses_with_busy() {
        let jobs = Arc::new(Jobs::new(1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = jobs
            .submit(
                "c",
                "u",
                "s",
                1,
                Box::new(move |_| {
                    rx.recv().ok();
                    Ok("x".into())
                }),
            )
            .unwrap();
        let refused = jobs
            .submit("c", "u", "s", 1, Box::new(|_| Ok("y".into())))
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::RedactionBusy);
        tx.send(()).unwrap();
        assert_eq!(wait(&jobs, &first.id).state.as_str(), "done");
        jobs.submit("c", "u", "s", 1, Box::new(|_| Ok("z".into())))
            .unwrap();
    }
}
