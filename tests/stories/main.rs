//! Story tests: one binary, modules by theme, each story run on every backend.

mod access;
mod architecture;
mod audit;
mod case_links;
mod console;
mod consultations;
mod crawler;
mod deliveries;
mod designations;
mod exchange;
mod exercises;
mod http;
mod leaks;
mod legal;
mod meetings;
mod messages;
mod operations;
mod precursors;
mod records;
mod registry;
mod schema;
mod screening;
mod statistics;
mod taxii;
mod users;
mod webhooks;
