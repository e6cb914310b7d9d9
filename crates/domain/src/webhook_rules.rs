//! The rules for a state's webhook: who keeps it, and what its address and
//! signing secret must be. Pure.

use crate::rules::{Checked, Refused};
use crate::{Role, Viewer};

/// The shortest signing secret, in characters.
pub const MIN_SECRET: usize = 16;
/// The longest address.
pub const MAX_URL: usize = 2000;

/// Whose webhook `viewer` keeps: its state's (or the regional structure's),
/// if it is an administrator.
pub fn owner(viewer: &Viewer) -> Result<String, Refused> {
    if !viewer.roles.has(Role::Administrator) {
        return Err(Refused::Forbidden("webhooks are kept by administrators".into()));
    }
    Ok(viewer
        .state
        .as_ref()
        .map_or_else(|| "structure".to_owned(), |s| s.to_string()))
}

/// A webhook's address and secret: http or https, a host, no credentials or
/// spaces; a secret long enough to sign each delivery.
pub fn check_webhook(url: &str, secret: &str) -> Checked {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Err(Refused::invalid("url", "must start with http:// or https://"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || url.len() > MAX_URL || url.chars().any(char::is_whitespace) {
        return Err(Refused::invalid("url", "needs a host, without credentials or spaces"));
    }
    if secret.chars().count() < MIN_SECRET {
        return Err(Refused::invalid(
            "secret",
            format!("at least {MIN_SECRET} characters, to sign each delivery"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_and_secrets_are_checked() {
        let secret = "s".repeat(MIN_SECRET);
        assert!(check_webhook("https://gw.example.org/hooks/concord", &secret).is_ok());
        assert!(check_webhook("http://10.0.0.7:8080/in", &secret).is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://user:pw@host/",
            "http://host/a b",
            "host/path",
        ] {
            assert!(check_webhook(bad, &secret).is_err(), "{bad}");
        }
        assert!(check_webhook("https://gw.example.org/", &secret[1..]).is_err());
    }
}
