use crate::article::Article;
use crate::article::properties::Attribute;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct DuplicateAttribute;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB003",
    name: "duplicate-attribute",
    default_level: Level::Error,
    summary: "The same attribute appears twice in the header",
    docs: r#"## What it checks
That no attribute appears more than once in the `<properties>` header. Names
are compared case-insensitively, so `articleId` and `articleid` are the same
attribute.

## Why
An XML reader rejects a header with a repeated attribute, and a lenient one
keeps only one of the values - which one depends on the tool. Either way the
article is not published as written.

## Example
Bad:

```markdown
<properties
  pageTitle="Rotate a personal access token"
  articleId="f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"
  articleid="0b7c1c59-58b9-4bb5-a3a4-2d6cf0c1c5f2"
/>
```
Good: keep one `articleId`.

## How to fix
Delete one of the two lines, keeping the value that is right. When both values
are the same the fix deletes the second one.

## Configuration
`duplicate-attribute = "deny"` (default).
"#,
};

impl Rule for DuplicateAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // First occurrence by lowercased name: one lookup per attribute, so
        // a header with thousands of attributes stays linear.
        let mut first: std::collections::HashMap<String, &Attribute> = std::collections::HashMap::new();
        for attr in &article.props.attrs {
            match first.entry(attr.name.to_ascii_lowercase()) {
                std::collections::hash_map::Entry::Occupied(e) => out.push(diagnostic(article, e.get(), attr)),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(attr);
                }
            }
        }
    }
}

fn diagnostic(article: &Article, first: &Attribute, again: &Attribute) -> Diagnostic {
    let message = if first.name == again.name {
        format!("attribute `{}` is given twice", again.name)
    } else {
        format!("attribute `{}` repeats `{}`", again.name, first.name)
    };
    let d = Diagnostic::new(&META, again.name_span.clone(), message).with_label(
        article.path(),
        first.name_span.clone(),
        "first given here",
    );
    if first.value.trim() == again.value.trim() {
        d.with_help("both have the same value; delete the second one")
            .with_fix(whole_attribute(article.text(), again), "")
    } else {
        d.with_help(format!(
            "the values differ (\"{}\" and \"{}\"); keep the right one and delete the other",
            first.value.trim(),
            again.value.trim()
        ))
    }
}

/// The attribute from the whitespace before its name to its closing quote.
fn whole_attribute(text: &str, attr: &Attribute) -> crate::source::Span {
    let start = text[..attr.name_span.start].trim_end().len();
    let end = (attr.value_span.end + 1).min(text.len());
    start..end
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_repeated_attribute_at_second_name_with_label_at_first() {
        let text = article("  articleid=\"0b7c1c59-58b9-4bb5-a3a4-2d6cf0c1c5f2\"\n", "");
        let d = check("KB003", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "articleid");
        assert!(d[0].message.contains("`articleid` repeats `articleId`"), "{}", d[0].message);
        assert_eq!(&text[d[0].labels[0].span.clone()], "articleId");
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn offers_to_delete_an_identical_repeat() {
        let text = article("  ownershipId=\"Team_Owner\"\n", "");
        let d = check("KB003", &text);
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!(&text[fix.span.clone()], "\n  ownershipId=\"Team_Owner\"");
    }

    /// 200,000 attributes: comparing pairs took minutes, a set takes
    /// moments.
    #[test]
    fn stays_linear_in_the_number_of_attributes() {
        let attrs: String = (0..100_000).map(|i| format!("  x{i}=\"v\"\n  X{i}=\"v\"\n")).collect();
        let text = article(&attrs, "");
        let started = std::time::Instant::now();
        assert_eq!(check("KB003", &text).len(), 100_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    }

    #[test]
    fn allows_distinct_attributes() {
        assert!(check("KB003", &article("  displayOrder=\"3\"\n", "")).is_empty());
    }
}
