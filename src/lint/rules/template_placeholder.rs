use crate::article::Article;
use crate::article::properties::Attribute;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct TemplatePlaceholder;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB018",
    name: "template-placeholder",
    default_level: Level::Error,
    summary: "A header value still holds a placeholder from an authoring template",
    docs: r#"## What it checks
That no header value is a placeholder left over from the authoring templates:
- text in angle brackets, such as `<Your Microsoft alias>`,
  `<service provider>` or `<Product Name>` (HTML tags such as `<br>` are not
  placeholders);
- the templates' instructions and sample values, such as
  `Enter the page title`, `Brief description of the article`,
  `Your Microsoft alias`, `this is required`, `Unique field - use article name`,
  `comma, seperated, list`, `newGuid`, `msauthor`, `ProductId`;
- a value that is only a template's name (`Common Solutions Template`,
  `Diagnostic Template`, `Health Insight template`) or a template's stand-in
  for a real field (`service provider`, `resource type`, `TBD`).

The rules that check a value's form (ids, clouds, types, displayOrder) skip a
placeholder, so it is reported once, here.

## Why
A placeholder is shown to customers as if it were content ("Support topic
metadata for <Product Name>"), or stands where an id should be, so the article
matches nothing.

## Example
Bad:

```markdown
<properties
  pageTitle="Enter the page title"
  ms.author="<Your Microsoft alias>"
/>
```
Good: `pageTitle="Rotate a Databricks access token"`, `ms.author="jdoe"`.

## How to fix
Replace the placeholder with the real value.

## Configuration
`template-placeholder = "deny"` (default).
"#,
};

/// Instructions and sample values from the templates, matched anywhere in a
/// value (case-insensitively).
const PHRASES: &[&str] = &[
    "enter the page title",
    "enter the troubleshooter title",
    "your microsoft alias",
    "brief description of the",
    "unique field - use article name",
    "unique guid identifying",
    "this is required",
    "comma, seperated, list",
    "comma, separated, list",
    "apollo\\_article\\_description",
    "lorem ipsum",
];

/// Values that are placeholders only when they are the whole value.
const WHOLE_VALUES: &[&str] = &[
    "newguid",
    "msauthor",
    "productid",
    "service provider",
    "resource type",
    "tbd",
    "todo",
    "common solutions template",
    "services hub common solutions template",
    "diagnostic template",
    "health insight template",
];

/// Inline HTML that may appear in a value and is not a placeholder.
const HTML_TAGS: &[&str] = &["a", "b", "br", "code", "em", "i", "p", "span", "strong", "sub", "sup", "u"];

impl Rule for TemplatePlaceholder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in &article.props.attrs {
            let Some(span) = find_placeholder(article.text(), attr) else { continue };
            let found = &article.text()[span.clone()];
            out.push(
                Diagnostic::new(
                    &META,
                    span.clone(),
                    format!("{} still holds the template placeholder \"{found}\"", attr.name),
                )
                .with_help(format!("replace it with the real {}", attr.name)),
            );
        }
    }
}

/// All of [`PHRASES`] in one automaton: one pass per value instead of one
/// substring search per phrase (those were a fifth of `kbc check`). The
/// phrases are ASCII, so ASCII case folding matches the lowercased search.
static ANY_PHRASE: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(PHRASES).expect("phrases compile")
});

/// Whether a whole value (or list item) is a template placeholder. Rules that
/// check a value's form skip placeholders, so each gets one finding, from
/// this rule, which says what is really wrong.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    angle_placeholder(v) == Some(0..v.len()) || WHOLE_VALUES.contains(&lower.as_str()) || ANY_PHRASE.is_match(v)
}

/// The first placeholder in the raw value, as a span into `text`.
fn find_placeholder(text: &str, attr: &Attribute) -> Option<Span> {
    let raw = &text[attr.value_span.clone()];
    let at = |r: Span| attr.value_span.start + r.start..attr.value_span.start + r.end;
    if let Some(r) = angle_placeholder(raw) {
        return Some(at(r));
    }
    let lower = raw.to_ascii_lowercase();
    if ANY_PHRASE.is_match(raw)
        && let Some((i, p)) = PHRASES.iter().find_map(|p| lower.find(p).map(|i| (i, p)))
    {
        return Some(at(i..i + p.len()));
    }
    let trimmed = lower.trim();
    WHOLE_VALUES.contains(&trimmed).then(|| {
        let start = lower.len() - lower.trim_start().len();
        at(start..start + trimmed.len())
    })
}

/// `<words>` that is not an HTML tag.
fn angle_placeholder(raw: &str) -> Option<Span> {
    let mut from = 0;
    while let Some(open) = raw[from..].find('<').map(|i| from + i) {
        let close = open + raw[open..].find('>')?;
        let inner = &raw[open + 1..close];
        if inner.starts_with(|c: char| c.is_alphabetic()) && !inner.contains('<') && !is_html_tag(inner) {
            return Some(open..close + 1);
        }
        from = open + 1;
    }
    None
}

fn is_html_tag(inner: &str) -> bool {
    let name = inner.trim_end_matches('/').split_whitespace().next().unwrap_or("");
    HTML_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn phrases_are_lowercase_ascii_so_the_automaton_matches_like_the_lowercased_text() {
        for p in super::PHRASES {
            assert!(p.is_ascii() && *p == p.to_ascii_lowercase(), "{p}");
        }
        assert!(super::is_placeholder("Please ENTER the Page Title here"));
        assert!(!super::is_placeholder("Enter the page"));
    }

    #[test]
    fn reports_angle_bracket_placeholders_at_the_brackets() {
        let text = article("", "").replace("ms.author=\"alias\"", "ms.author=\"<Your Microsoft alias>\"");
        let d = check("KB018", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "<Your Microsoft alias>");
        assert_eq!(d[0].message, "ms.author still holds the template placeholder \"<Your Microsoft alias>\"");
    }

    #[test]
    fn reports_template_instructions_and_sample_values() {
        let text =
            article("", "").replace("\"Title\"", "\"Enter the page title\"").replace("\"16432\"", "\"ProductId\"");
        let d = check("KB018", &text);
        let found: Vec<_> = d.iter().map(|d| &text[d.span.clone()]).collect();
        assert_eq!(found, ["Enter the page title", "ProductId"]);
    }

    #[test]
    fn recognises_whole_placeholders_for_other_rules() {
        assert!(super::is_placeholder(" <Support topic id> "));
        assert!(super::is_placeholder("newGuid"));
        assert!(!super::is_placeholder("32677721"));
        assert!(!super::is_placeholder("<b>bold</b> text"));
    }

    #[test]
    fn allows_real_values_that_mention_template_words() {
        let text = article("", "")
            .replace("\"Title\"", "\"Issues with ARM templates<br/>and the resource type\"")
            .replace("\"Desc\"", "\"Peering Service Provider not listed\"");
        assert!(check("KB018", &text).is_empty());
    }
}
