//! Reads one article's text: the `<properties>` header ([`header`]) and the
//! Markdown body ([`body`], [`outline`]). Never panics and never fails on bad
//! content: what is wrong is returned as facts (header problems, where a
//! misplaced header is), which rules turn into findings.
//! [`crate::article::Article::parse`] puts the pieces together.

pub(crate) mod body;
pub(crate) mod header;
pub(crate) mod invisible;
pub(crate) mod outline;
