//! One module per area of the console.

pub mod actions;
pub mod admin;
pub mod assets;
pub mod audit;
pub mod consultations;
pub mod deliveries;
pub mod designations;
pub mod exercises;
pub mod files;
pub mod home;
pub mod legal;
pub mod links;
pub mod login;
pub mod map;
pub mod meetings;
pub mod messages;
pub mod operations;
pub mod precursors;
pub mod programmes;
pub mod queues;
pub mod record_form;
pub mod records;
pub mod screening;
pub mod statistics;
