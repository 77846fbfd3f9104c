//! The synthetic news generator now lives in the library
//! (`syndic::dedup::synth`), where `syndic synth` uses it too.

#![allow(unused_imports)]

pub use syndic::dedup::synth::*;
