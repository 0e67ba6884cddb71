//! Heading anchors: the one slug function that gives a heading its `id` on
//! the site and that `#fragment` links are checked against, so the renderer
//! and the link rules can never disagree about where `article.md#x` lands.
//!
//! The scheme is GitHub's (what authors test their links against): the
//! heading's text lowercased, with every character that is not a letter, a
//! digit, `_` or `-` dropped and each space made `-`; a repeated slug gets
//! `-1`, `-2`… in page order; an empty one is `section`.

use std::collections::HashSet;

/// The slug of a heading's plain text, before it is made unique in its page.
pub(crate) fn slug(text: &str) -> String {
    let slug: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect();
    if slug.is_empty() { "section".to_string() } else { slug }
}

/// The ids given out in one page so far; [`Anchors::id`] hands each heading,
/// in page order, its unique id.
#[derive(Debug, Default)]
pub(crate) struct Anchors {
    taken: HashSet<String>,
}

impl Anchors {
    /// The id of the next heading with this text.
    pub(crate) fn id(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut id = base.clone();
        let mut n = 1;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Whether some heading of the page has this id.
    #[cfg(test)]
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.taken.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github() {
        assert_eq!(slug("Recommended Steps"), "recommended-steps");
        assert_eq!(slug("Why? (v2)"), "why-v2");
        assert_eq!(slug("Étape 1: ça_marche-bien"), "étape-1-ça_marche-bien");
        assert_eq!(slug("  padded  "), "padded");
        assert_eq!(slug("!!!"), "section");
    }

    #[test]
    fn repeated_headings_get_numbered_ids_in_page_order() {
        let mut a = Anchors::default();
        assert_eq!(a.id("Steps"), "steps");
        assert_eq!(a.id("Steps"), "steps-1");
        assert_eq!(a.id("Steps"), "steps-2");
        assert_eq!(a.id("?"), "section");
        assert!(a.contains("steps-1") && !a.contains("steps-3"));
    }
}
