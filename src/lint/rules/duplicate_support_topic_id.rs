use crate::article::Article;
use crate::article::properties::removal_span;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct DuplicateSupportTopicId;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB009",
    name: "duplicate-support-topic-id",
    default_level: Level::Warning,
    summary: "A support topic id is listed twice",
    docs: r#"## What it checks
That `supportTopicIds` lists each id once (GUIDs compared case-insensitively).

## Why
A repeated id does no harm to the portal but is a sign of a copy-and-paste
slip: often the author meant to paste a different topic.

## Example
Bad:

```markdown
supportTopicIds="32677721, 32677722, 32677721"
```
Good: `supportTopicIds="32677721, 32677722"`, or the topic that was meant.

## How to fix
Delete the repeat (the fix does it), or replace it with the id you meant.

## Configuration
`duplicate-support-topic-id = "warn"` (default).
"#,
};

impl Rule for DuplicateSupportTopicId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let items = article.props.list(article.text(), "supportTopicIds");
        for (i, item) in items.iter().enumerate() {
            let Some(first) = items[..i].iter().find(|p| p.text.eq_ignore_ascii_case(item.text)) else { continue };
            out.push(
                Diagnostic::new(
                    &META,
                    item.span.clone(),
                    format!("support topic id \"{}\" is listed twice", item.text),
                )
                .with_label(article.path(), first.span.clone(), "first listed here")
                .with_help("delete the repeat, or replace it with the topic you meant")
                .with_fix(removal_span(&items, i), ""),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_the_repeat_with_a_fix_that_removes_it() {
        let text = article("", "").replace("\"32677721\"", "\"32677721, 32677722;32677721\"");
        let d = check("KB009", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span.start, text.rfind("32677721").unwrap());
        assert_eq!(&text[d[0].fix.as_ref().unwrap().span.clone()], ";32677721");
        assert_eq!(d[0].labels[0].span.start, text.find("32677721").unwrap());
    }

    #[test]
    fn allows_distinct_ids() {
        assert!(check("KB009", &article("", "").replace("\"32677721\"", "\"32677721, 32677722\"")).is_empty());
    }
}
