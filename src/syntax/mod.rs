//! Scanners of the small languages inside an article, shared by the parser,
//! the rules and the renderer: raw HTML ([`html`]), link destinations
//! ([`url`]: splitting and resolving), portal markers ([`portal`]) and the
//! embedded JSON block ([`json`]), and how deep elements nest ([`nesting`]). They work on text and byte offsets only
//! and know nothing of articles, so every layer above can use them.

pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod nesting;
pub(crate) mod portal;
pub(crate) mod url;
