//! kbc's integration tests, in one binary so that a change relinks once
//! (ripgrep and mdBook do the same). Each module is one area; see tests/README.md.

mod common;
mod common_serve;

mod browser;
mod build;
mod build_cache;
mod ci;
mod cli;
mod completions;
mod confinement;
mod content;
mod content_rules;
mod corpus;
mod diff;
mod fix_safety;
mod hostile;
mod hygiene;
mod layers;
mod lsp;
mod r#match;
mod new;
mod out_safety;
mod parse;
mod robustness;
mod rules;
mod serve;
mod site;
