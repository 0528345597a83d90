//! What a refused input says (`comptoir_common::refusals`, shared with the hub).

pub use comptoir_common::refusals::*;
