//! Réglages › Centre and Profils, and `comptoir centre` / `operator`: the centre's identity on
//! its documents, its logo, the profiles and their PINs, the first run's setup.

pub use crate::centre::{load, remove_logo, save, set_logo, CentreInput, CentreSettings, Paper};
pub use crate::operators::{add, any, disable, list, reset_pin, Operator, Role};
pub use crate::setup::{first_run, needed as first_run_needed, FirstRun};
