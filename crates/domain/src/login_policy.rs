//! How failed logins slow an account down and then lock it. Pure: the login
//! use case counts failures in storage and asks these functions what follows.
//! Unknown user names are counted the same way, so that the answers do not
//! tell an existing account from a missing one.

/// Failures allowed before the first wait.
pub const FREE_FAILURES: i64 = 3;
/// Failures after which the account is locked until an administrator of
/// its state unlocks it.
pub const LOCK_AFTER: i64 = 10;
/// The longest wait between two attempts, in seconds.
pub const MAX_WAIT_SECONDS: i64 = 900;

/// Seconds to wait before the next attempt after `failures` in a row:
/// none for the first few, then doubling from one second.
pub fn wait_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    (1i64 << (failures - FREE_FAILURES).min(20)).min(MAX_WAIT_SECONDS)
}

/// Whether `failures` in a row lock the account.
pub fn locks(failures: i64) -> bool {
    failures >= LOCK_AFTER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_and_then_the_account_locks() {
        let waits: Vec<i64> = (1..=9).map(wait_after).collect();
        assert_eq!(waits, [0, 0, 1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(wait_after(40), MAX_WAIT_SECONDS);
        assert!(!locks(LOCK_AFTER - 1) && locks(LOCK_AFTER));
    }
}
