//! Integration tests: the built binary, run as a learner would run it.
//! One test binary (as ripgrep does) so it links once.

mod browser;
mod class;
mod cli;
mod conventions;
mod dashboard;
mod diagnosis;
mod emulator;
mod fixes;
mod hardening;
mod idle;
mod instructor;
mod inventory;
mod kinds;
mod live;
mod network;
mod regions;
mod screen;
mod spend;
mod studio;
mod tasks;
mod teardown;
mod tools;
mod util;
mod wizard;
