//! gouvernail: a static site generator for AI-governance handbooks.
//!
//! The pipeline (`site`) reads an edition (`edition`), parses its pages (`parse`),
//! checks the corpus (`validate`), keeps what applies to the reader's organisation
//! (`tailor`), indexes the result (`library`), renders the bodies (`bodies`,
//! `markdown`), checks their links (`links`), builds the search index (`search`),
//! renders the pages through the templates over their views (`pages`, `views`,
//! `templates`, `book`, `assets`) and writes the site (`output`). URLs and anchors
//! come from `urls`; the shared types are in `model`. docs/architecture.md says
//! what each stage takes and makes.

pub mod archive;
pub mod assets;
pub mod batch;
pub mod bodies;
pub mod book;
pub mod branding;
pub mod builtin;
pub mod charter_files;
pub mod diagnostics;
pub mod edition;
pub mod fingerprint;
pub mod forks;
pub mod handbook_json;
pub mod i18n;
pub mod library;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pages;
pub mod parse;
pub mod references;
pub mod sanitise;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod spans;
pub mod spreadsheet;
pub mod tailor;
pub mod templates;
pub mod urls;
pub mod validate;
pub mod views;
