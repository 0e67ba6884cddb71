//! The typed view of a header: attributes by canonical name, list values split
//! with their spans, clouds and self-help type.

use crate::source::Span;
use crate::vocab::{self, Cloud};

pub(crate) use crate::parse::header::Attribute;

/// One item of a list-valued attribute (`supportTopicIds="1, 2;3"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem<'a> {
    pub text: &'a str,
    pub span: Span,
}

/// All attributes of a header, in source order.
#[derive(Debug, Clone, Default)]
pub struct Properties {
    pub span: Span,
    pub attrs: Vec<Attribute>,
}

impl Properties {
    /// The first attribute with this canonical name.
    pub fn get(&self, canonical: &str) -> Option<&Attribute> {
        self.attrs.iter().find(|a| a.canonical == Some(canonical))
    }

    /// The trimmed value of an attribute, if present.
    pub fn value(&self, canonical: &str) -> Option<&str> {
        self.get(canonical).map(|a| a.value.trim())
    }

    /// The trimmed value, `None` when absent or empty.
    pub fn non_empty(&self, canonical: &str) -> Option<&str> {
        self.value(canonical).filter(|v| !v.is_empty())
    }

    /// The canonical (lowercase) self-help type, if the value is known.
    pub fn self_help_type(&self) -> Option<&'static str> {
        self.value("selfHelpType").and_then(vocab::self_help_type)
    }

    /// Items of a comma- or semicolon-separated attribute, with spans into the
    /// source `text`. Empty items are skipped.
    pub fn list<'a>(&self, text: &'a str, canonical: &str) -> Vec<ListItem<'a>> {
        self.get(canonical).map(|a| split_list(text, a.value_span.clone())).unwrap_or_default()
    }

    /// Clouds named in cloudEnvironments minus those in disableClouds, in the
    /// canonical order. Unknown and retired names publish nowhere.
    pub fn effective_clouds(&self, text: &str) -> Vec<Cloud> {
        let named = self.clouds_in(text, "cloudEnvironments");
        let disabled = self.clouds_in(text, "disableClouds");
        Cloud::ALL.into_iter().filter(|c| named.contains(c) && !disabled.contains(c)).collect()
    }

    fn clouds_in(&self, text: &str, canonical: &str) -> Vec<Cloud> {
        self.list(text, canonical).iter().filter_map(|i| Cloud::parse(i.text)).collect()
    }

    /// Every attribute with this canonical name, in source order (duplicates
    /// included).
    pub fn all<'a>(&'a self, canonical: &'a str) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.attrs.iter().filter(move |a| a.canonical == Some(canonical))
    }

    /// The span of `<properties`, where findings about absent attributes point.
    pub fn open_tag_span(&self) -> Span {
        self.span.start..self.span.start + "<properties".len()
    }

    /// displayOrder as an integer, if it is one.
    pub fn display_order(&self) -> Option<i64> {
        self.non_empty("displayOrder").and_then(|v| v.parse().ok())
    }
}

/// Splits a raw attribute value on `,` and `;`, trimming each item.
pub(crate) fn split_list(text: &str, span: Span) -> Vec<ListItem<'_>> {
    let raw = &text[span.clone()];
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in raw.char_indices().chain(std::iter::once((raw.len(), ','))) {
        if c == ',' || c == ';' {
            let part = &raw[start..i];
            let lead = part.len() - part.trim_start().len();
            let item = part.trim();
            if !item.is_empty() {
                let s = span.start + start + lead;
                items.push(ListItem { text: item, span: s..s + item.len() });
            }
            start = i + 1;
        }
    }
    items
}

/// The span to delete to remove `items[i]` from its list together with one
/// separator, so that the rest of the list stays well formed.
pub(crate) fn removal_span(items: &[ListItem<'_>], i: usize) -> Span {
    match (i.checked_sub(1).map(|p| &items[p]), items.get(i + 1)) {
        (Some(prev), _) => prev.span.end..items[i].span.end,
        (None, Some(next)) => items[i].span.start..next.span.start,
        (None, None) => items[i].span.clone(),
    }
}

/// Whether a string is a decimal number (ASCII digits only).
pub(crate) fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a string is a GUID (8-4-4-4-12 hex digits), with or without braces.
pub(crate) fn is_guid(s: &str) -> bool {
    let s = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lists_on_commas_and_semicolons_with_spans() {
        let text = "x=\" 12, 34;56 ,\"";
        let items = split_list(text, 3..15);
        let got: Vec<_> = items.iter().map(|i| (i.text, &text[i.span.clone()])).collect();
        assert_eq!(got, [("12", "12"), ("34", "34"), ("56", "56")]);
    }

    #[test]
    fn removal_span_takes_one_separator_with_the_item() {
        let text = "x=\"1, 2;3\"";
        let items = split_list(text, 3..10);
        assert_eq!(&text[removal_span(&items, 1)], ", 2");
        assert_eq!(&text[removal_span(&items, 0)], "1, ");
        assert_eq!(&text[removal_span(&items[..1], 0)], "1");
    }

    #[test]
    fn recognises_guids() {
        assert!(is_guid("f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"));
        assert!(is_guid("{F1DAE65E-2EEE-4C5E-BBD3-4A1310313F3D}"));
        assert!(!is_guid("f1dae65e-2eee-4c5e-bbd3-4a1310313f3"));
        assert!(!is_guid("not-a-guid"));
    }
}
