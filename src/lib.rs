//! gouvernail: a static site generator for AI-governance handbooks.
//!
//! The pipeline (see `site`) reads an edition (`edition`), parses its pages
//! (`parse`), checks the corpus (`validate`), keeps what applies to the reader's
//! organisation (`tailor`), renders Markdown and templates (`markdown`, `render`,
//! `templates`) and writes the site (`output`, and the print book in `book`). The
//! shared types are in `model`.

pub mod book;
pub mod diagnostics;
pub mod edition;
pub mod i18n;
pub mod markdown;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod search;
pub mod site;
pub mod spans;
pub mod tailor;
pub mod templates;
pub mod validate;
