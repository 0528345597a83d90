//! The page layout the documents are drawn with: the shared crate's (the hub's network report
//! uses the same one), under the name the documents have always used.
pub use comptoir_common::layout::*;
