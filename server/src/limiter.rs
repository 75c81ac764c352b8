//! Sign-in limits, after OWASP's authentication guidance: guesses at one account are capped
//! without letting anyone lock other people out, and the costly password check never runs
//! more often at once than the machine has cores. In memory, per instance.
//!
//! - **An account from one address**: at most `per_account_address` attempts that fail in a
//!   window. Each attempt is *reserved* before its password is checked, so a burst of parallel
//!   guesses gets no more checks than a slow sequence would; past the cap even the right
//!   password waits until the window passes.
//! - **An account from anywhere**: a higher cap over a longer window, against guessing from
//!   many addresses.
//! - **An address**: a school's pupils share one, so an address is never refused. Past
//!   `per_address` failures in a window, each of its attempts is slowed by `slow_down` — the
//!   same for every account, so the delay tells nothing about which accounts exist — and a
//!   correct password for an account that has not itself failed still signs in.
//! - **Password checks at once**: argon2id holds ~19 MiB while it runs. `HashGate` lets as
//!   many run as there are cores, with a short queue; past it the answer is "busy, retry".

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

/// One rule: at most `limit` attempts per `window`.
#[derive(Clone, Copy, Debug)]
struct Rule {
    window: Duration,
    limit: usize,
}

pub struct LoginLimiter {
    /// Attempts under each key: reserved (being checked) and failed, newest last.
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
    account_address: Rule,
    account: Rule,
    address: Rule,
    slow_down: Duration,
    /// How many password checks may run at once, and how many may wait for one.
    pub hashing: HashGate,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(
            Duration::from_secs(15 * 60),
            5,
            20,
            HashGate::for_this_machine(),
        )
    }
}

/// Why a sign-in was not checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This account has failed too often (from this address, or from everywhere).
    TooManyFailures,
}

fn account_address_key(email: &str, address: Option<&str>) -> String {
    format!("account:{email}|address:{}", address.unwrap_or("-"))
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

fn address_key(address: Option<&str>) -> String {
    format!("address:{}", address.unwrap_or("-"))
}

impl LoginLimiter {
    /// `per_account_address` failures per `window` for one account from one address;
    /// four times as many over four windows for one account from anywhere; past
    /// `per_address` failures per `window` an address is slowed.
    pub fn new(
        window: Duration,
        per_account_address: usize,
        per_address: usize,
        hashing: HashGate,
    ) -> Self {
        LoginLimiter {
            attempts: Mutex::new(HashMap::new()),
            account_address: Rule {
                window,
                limit: per_account_address,
            },
            account: Rule {
                window: window * 4,
                limit: per_account_address * 4,
            },
            address: Rule {
                window,
                limit: per_address,
            },
            slow_down: Duration::from_secs(1),
            hashing,
        }
    }

    fn recent(
        attempts: &mut HashMap<String, Vec<Instant>>,
        key: &str,
        rule: Rule,
        now: Instant,
    ) -> usize {
        match attempts.get_mut(key) {
            Some(times) => {
                times.retain(|at| now.saturating_duration_since(*at) < rule.window);
                times.len()
            }
            None => 0,
        }
    }

    /// Reserves one check of a password for this account from this address, or refuses it.
    /// The reservation counts as a failure unless `Attempt::succeeded` is called, so a burst
    /// of parallel guesses is capped as if they came one by one.
    pub fn reserve(
        self: &Arc<Self>,
        email: &str,
        address: Option<&str>,
        now: Instant,
    ) -> Result<Attempt, Refusal> {
        let keys = [account_address_key(email, address), account_key(email)];
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let full = Self::recent(&mut attempts, &keys[0], self.account_address, now)
            >= self.account_address.limit
            || Self::recent(&mut attempts, &keys[1], self.account, now) >= self.account.limit;
        if full {
            return Err(Refusal::TooManyFailures);
        }
        for key in &keys {
            attempts.entry(key.clone()).or_default().push(now);
        }
        // Keep memory bounded: forget keys whose attempts have all expired.
        if attempts.len() > 10_000 {
            let longest = self.account.window.max(self.address.window);
            attempts.retain(|_, times| {
                times
                    .iter()
                    .any(|at| now.saturating_duration_since(*at) < longest)
            });
        }
        Ok(Attempt {
            limiter: self.clone(),
            keys,
            address: address_key(address),
            at: now,
            settled: false,
        })
    }

    /// How long an attempt from this address waits before it is checked: nothing, or
    /// `slow_down` once the address has failed often (for every account alike).
    pub fn delay_for(&self, address: Option<&str>, now: Instant) -> Duration {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if Self::recent(&mut attempts, &address_key(address), self.address, now)
            >= self.address.limit
        {
            self.slow_down
        } else {
            Duration::ZERO
        }
    }
}

/// A reserved password check. Dropped without `succeeded` or `withdrawn`, it stays a failure of its account
/// and address.
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    keys: [String; 2],
    address: String,
    at: Instant,
    /// Succeeded or withdrawn: not a failure.
    settled: bool,
}

impl Attempt {
    /// The password was right: the account's failures are forgotten.
    pub fn succeeded(self) {
        self.settle(|times, _| times.clear());
    }

    /// The password was never checked (the machine was busy): the attempt is forgotten.
    pub fn withdrawn(self) {
        self.settle(|times, at| {
            if let Some(index) = times.iter().rposition(|t| *t == at) {
                times.remove(index);
            }
        });
    }

    /// Ends the attempt as neither a failure of its account nor of its address.
    fn settle(mut self, forget: impl Fn(&mut Vec<Instant>, Instant)) {
        self.settled = true;
        let mut attempts = self
            .limiter
            .attempts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for key in &self.keys {
            if let Some(times) = attempts.get_mut(key) {
                forget(times, self.at);
            }
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            let mut attempts = self
                .limiter
                .attempts
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            attempts
                .entry(self.address.clone())
                .or_default()
                .push(self.at);
        }
    }
}

/// Bounds the password checks running at once (each holds argon2id's memory).
pub struct HashGate {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

/// The machine is busy checking passwords: try again shortly.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

impl HashGate {
    /// `at_once` checks run together; up to `queue` more wait their turn.
    pub fn new(at_once: usize, queue: usize) -> HashGate {
        HashGate {
            running: Arc::new(Semaphore::new(at_once.max(1))),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// One check per core, and a queue of eight per core (a check takes tens of
    /// milliseconds, so the last in the queue waits well under a second).
    pub fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores, cores * 8)
    }

    /// Runs `check` on a blocking thread once a place is free, or answers `Busy` at once when
    /// the queue is full.
    pub async fn run<T, F>(&self, check: F) -> Result<T, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = match self.running.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
                    self.waiting.fetch_sub(1, Ordering::AcqRel);
                    return Err(Busy);
                }
                let permit = self.running.clone().acquire_owned().await;
                self.waiting.fetch_sub(1, Ordering::AcqRel);
                permit.map_err(|_| Busy)?
            }
        };
        tokio::task::spawn_blocking(move || {
            let result = check();
            drop(permit);
            result
        })
        .await
        .map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> Arc<LoginLimiter> {
        Arc::new(LoginLimiter::default())
    }

    #[test]
    fn an_account_waits_after_five_failures_until_the_window_passes() {
        let limiter = limiter();
        let start = Instant::now();
        for _ in 0..5 {
            drop(limiter.reserve("a@x", Some("10.0.0.1"), start).unwrap());
        }
        assert_eq!(
            limiter.reserve("a@x", Some("10.0.0.1"), start).err(),
            Some(Refusal::TooManyFailures)
        );
        assert!(limiter.reserve("b@x", Some("10.0.0.1"), start).is_ok());
        let later = start + Duration::from_secs(15 * 60 + 1);
        assert!(limiter.reserve("a@x", Some("10.0.0.1"), later).is_ok());
    }

    #[test]
    fn reservations_in_flight_count_so_a_burst_gets_five_checks() {
        let limiter = limiter();
        let now = Instant::now();
        let held: Vec<_> = (0..40)
            .filter_map(|_| limiter.reserve("a@x", Some("10.0.0.1"), now).ok())
            .collect();
        assert_eq!(held.len(), 5);
    }

    #[test]
    fn another_address_is_not_locked_out_but_the_account_has_a_higher_ceiling() {
        let limiter = limiter();
        let now = Instant::now();
        for _ in 0..5 {
            drop(limiter.reserve("a@x", Some("10.0.0.1"), now).unwrap());
        }
        // The owner, elsewhere, may still try.
        assert!(limiter.reserve("a@x", Some("10.0.0.2"), now).is_ok());
        // Guessing from many addresses meets the account's own ceiling.
        let mut checked = 1;
        for n in 3..40 {
            if limiter
                .reserve("a@x", Some(&format!("10.0.0.{n}")), now)
                .is_ok()
            {
                checked += 1;
            }
        }
        assert_eq!(checked + 5, 20);
    }

    #[test]
    fn an_address_that_fails_often_is_slowed_never_refused() {
        let limiter = limiter();
        let now = Instant::now();
        for n in 0..30 {
            drop(
                limiter
                    .reserve(&format!("user{n}@x"), Some("10.0.0.9"), now)
                    .unwrap(),
            );
        }
        assert_eq!(
            limiter.delay_for(Some("10.0.0.9"), now),
            Duration::from_secs(1)
        );
        assert_eq!(limiter.delay_for(Some("10.0.0.8"), now), Duration::ZERO);
        assert!(limiter.reserve("fresh@x", Some("10.0.0.9"), now).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = limiter();
        let now = Instant::now();
        for _ in 0..4 {
            drop(limiter.reserve("a@x", None, now).unwrap());
        }
        limiter.reserve("a@x", None, now).unwrap().succeeded();
        for _ in 0..5 {
            assert!(limiter.reserve("a@x", None, now).is_ok());
        }
    }

    #[tokio::test]
    async fn the_hash_gate_runs_a_few_at_once_and_turns_the_rest_away() {
        let gate = Arc::new(HashGate::new(1, 2));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = Arc::new(Mutex::new(wait));
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let (gate, wait) = (gate.clone(), wait.clone());
            tasks.push(tokio::spawn(async move {
                gate.run(move || {
                    let _ = wait.lock().unwrap().recv();
                })
                .await
            }));
        }
        // One runs, two wait: the fourth is turned away.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(gate.run(|| ()).await, Err(Busy));
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), Ok(()));
        }
        assert_eq!(gate.run(|| 7).await, Ok(7));
    }
}
