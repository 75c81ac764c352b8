//! Frameworks from CASE 1.0 (Competencies and Academic Standards Exchange) packages: a
//! `CFPackage` read as real exports write it (`package`), its items arranged under the document
//! by their `isChildOf` associations with the problems that keep items out (`tree`), and the
//! framework it makes at the depths an administrator chooses (`plan`). Pure; the store writes a
//! plan.

mod export;
mod package;
mod plan;
pub mod spreadsheet;
#[cfg(test)]
pub(crate) mod tests;
mod tree;

pub use export::{derived as derived_identifier, new_identifier, package as export, Provider};
pub use package::{read, Association, Document, Item, Link, NotAPackage, Package};
pub use plan::{
    describe, plan, AlignmentPlan, AreaPlan, CompetencyPlan, FrameworkPlan, IndicatorPlan, Levels,
    NO_URI,
};
pub use tree::{Depth, Node, Problem, Tree};
