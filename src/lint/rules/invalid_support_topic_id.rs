use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::article::properties::{is_guid, is_number};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct InvalidSupportTopicId;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB008",
    name: "invalid-support-topic-id",
    default_level: Level::Error,
    summary: "A support topic id is neither a number nor a GUID",
    docs: r#"## What it checks
That every item of `supportTopicIds` is a support topic id: a number
(`32677721`) or a GUID (`087c9258-25f8-40a0-9dbd-cb000e2b1da3`). Items are
separated by commas or semicolons; blanks around them are fine.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
The portal offers an article for the support topics it lists. An item it
cannot read as an id matches no topic, so the article is not offered there.

## Example
Bad:

```markdown
supportTopicIds="32677721 32677722, topic-1"
```
The first item is two ids separated by a space; the second is a name, not an
id. Good: `supportTopicIds="32677721, 32677722"`.

## How to fix
Copy the ids from the support topic catalogue and separate them with commas.

## Configuration
`invalid-support-topic-id = "deny"` (default).
"#,
};

impl Rule for InvalidSupportTopicId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(check_ids(article, "supportTopicIds", &META, "support topic id"));
    }
}

/// One finding per item of a list of ids that is neither a number nor a GUID.
pub(crate) fn check_ids(article: &Article, attr: &str, meta: &'static RuleMeta, what: &str) -> Vec<Diagnostic> {
    let items = article.props.list(article.text(), attr);
    items
        .iter()
        .filter(|i| !is_number(i.text) && !is_guid(i.text) && !is_placeholder(i.text))
        .map(|i| {
            let words = i.text.split_whitespace();
            let help = if words.clone().count() > 1 && words.clone().all(|w| is_number(w) || is_guid(w)) {
                "separate ids with commas or semicolons".to_string()
            } else {
                format!("each {what} is a number or a GUID")
            };
            Diagnostic::new(meta, i.span.clone(), format!("{what} \"{}\" is neither a number nor a GUID", i.text))
                .with_help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn with_topics(v: &str) -> String {
        article("", "").replace("supportTopicIds=\"32677721\"", &format!("supportTopicIds=\"{v}\""))
    }

    #[test]
    fn reports_each_bad_item_at_its_span() {
        let text = with_topics("32677721, topic-1;32677722 32677723");
        let d = check("KB008", &text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "topic-1");
        assert_eq!(&text[d[1].span.clone()], "32677722 32677723");
        assert_eq!(d[1].help.as_deref(), Some("separate ids with commas or semicolons"));
    }

    #[test]
    fn leaves_template_placeholders_to_template_placeholder() {
        assert!(check("KB008", &with_topics("<Support topic id>")).is_empty());
    }

    #[test]
    fn allows_numbers_guids_and_empty_lists() {
        assert!(check("KB008", &with_topics("32677721; 087c9258-25f8-40a0-9dbd-cb000e2b1da3 ,")).is_empty());
        assert!(check("KB008", &with_topics("")).is_empty());
    }
}
