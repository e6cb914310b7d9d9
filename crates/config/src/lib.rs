//! A configuration folder (`organization.toml`, `states.toml`,
//! `authorities.toml`, `bodies.toml`, `instruments.toml`) read into a
//! [`concord_domain::Registry`] and access [`concord_domain::Policy`].
//!
//! Validation collects every error, each with file, line, column and field,
//! and yields nothing unless the whole folder is valid: there is no
//! half-loaded configuration.

mod dto;
mod errors;
mod validate;

use std::path::Path;

pub use errors::{ConfigError, ConfigErrors};

/// A validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// States, authorities, bodies, instruments.
    pub registry: concord_domain::Registry,
    /// Access-model settings.
    pub policy: concord_domain::Policy,
}

/// The configuration files, in load order.
pub const FILES: [&str; 6] = [
    "organization.toml",
    "states.toml",
    "authorities.toml",
    "bodies.toml",
    "instruments.toml",
    "precursors.toml",
];

/// The shipped default: the Shanghai Cooperation Organization.
pub const SCO: [(&str, &str); 6] = [
    (
        "organization.toml",
        include_str!("../../../config/sco/organization.toml"),
    ),
    ("states.toml", include_str!("../../../config/sco/states.toml")),
    ("authorities.toml", include_str!("../../../config/sco/authorities.toml")),
    ("bodies.toml", include_str!("../../../config/sco/bodies.toml")),
    ("instruments.toml", include_str!("../../../config/sco/instruments.toml")),
    ("precursors.toml", include_str!("../../../config/sco/precursors.toml")),
];

/// Files a configuration may leave out.
pub const OPTIONAL_FILES: [&str; 1] = ["precursors.toml"];

/// Reads and validates the configuration folder `dir`.
pub fn load_dir(dir: &Path) -> Result<Config, ConfigErrors> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for name in FILES {
        if OPTIONAL_FILES.contains(&name) && !dir.join(name).exists() {
            continue;
        }
        match std::fs::read(dir.join(name)) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push((name.to_owned(), text)),
                Err(e) => errors.push(ConfigError::whole_file(
                    name,
                    format!("not UTF-8: invalid byte at offset {}", e.utf8_error().valid_up_to()),
                )),
            },
            Err(e) => errors.push(ConfigError::whole_file(name, format!("cannot read: {e}"))),
        }
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    load_sources(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
}

/// Validates configuration files given as `(file name, text)`, as [`FILES`] names them.
pub fn load_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Config, ConfigErrors> {
    validate::validate(sources.into_iter().collect())
}

/// The shipped SCO configuration.
pub fn sco() -> Result<Config, ConfigErrors> {
    load_sources(SCO)
}

#[cfg(test)]
mod tests;
