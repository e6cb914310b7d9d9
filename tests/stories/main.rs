//! Story tests: one binary, modules by theme, each story run on every backend.

mod access;
mod audit;
mod registry;
mod users;
