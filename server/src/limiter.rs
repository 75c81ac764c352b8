//! Sign-in rate limiting: after too many failures in a window, an account (or an address)
//! must wait. In memory, per instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    window: Duration,
    per_account: usize,
    per_address: usize,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

fn account_key(email: &str) -> String {
    format!("account:{email}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter {
            failures: Mutex::new(HashMap::new()),
            window,
            per_account,
            per_address,
        }
    }

    fn recent(&self, key: &str, now: Instant) -> usize {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get_mut(key) {
            Some(times) => {
                times.retain(|at| now.duration_since(*at) < self.window);
                times.len()
            }
            None => 0,
        }
    }

    /// Whether a sign-in for this account from this address must wait.
    pub fn is_blocked(&self, email: &str, address: Option<&str>, now: Instant) -> bool {
        self.recent(&account_key(email), now) >= self.per_account
            || address.is_some_and(|a| self.recent(&address_key(a), now) >= self.per_address)
    }

    pub fn record_failure(&self, email: &str, address: Option<&str>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.entry(account_key(email)).or_default().push(now);
        if let Some(address) = address {
            failures.entry(address_key(address)).or_default().push(now);
        }
        // Keep memory bounded: forget keys whose failures have all expired.
        if failures.len() > 10_000 {
            let window = self.window;
            failures.retain(|_, times| times.iter().any(|at| now.duration_since(*at) < window));
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn clear(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&account_key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_after_five_failures_until_the_window_passes() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..4 {
            limiter.record_failure("a@x", Some("10.0.0.1"), start);
        }
        assert!(!limiter.is_blocked("a@x", Some("10.0.0.1"), start));
        limiter.record_failure("a@x", Some("10.0.0.1"), start);
        assert!(limiter.is_blocked("a@x", Some("10.0.0.2"), start));
        assert!(!limiter.is_blocked("b@x", Some("10.0.0.2"), start));
        let later = start + Duration::from_secs(15 * 60 + 1);
        assert!(!limiter.is_blocked("a@x", Some("10.0.0.1"), later));
    }

    #[test]
    fn an_address_waits_after_twenty_failures_across_accounts() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for n in 0..20 {
            limiter.record_failure(&format!("user{n}@x"), Some("10.0.0.9"), now);
        }
        assert!(limiter.is_blocked("fresh@x", Some("10.0.0.9"), now));
        assert!(!limiter.is_blocked("fresh@x", Some("10.0.0.8"), now));
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for _ in 0..5 {
            limiter.record_failure("a@x", None, now);
        }
        limiter.clear("a@x");
        assert!(!limiter.is_blocked("a@x", None, now));
    }
}
