use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::article::properties::is_guid;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;

pub(crate) struct InvalidArticleId;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB011",
    name: "invalid-article-id",
    default_level: Level::Allow,
    summary: "The articleId is neither a GUID nor a slug",
    docs: r#"## What it checks
That `articleId` is a GUID (`f1dae65e-2eee-4c5e-bbd3-4a1310313f3d`, braces
allowed) or a slug: ASCII letters, digits, `-`, `_` and `.`, starting with a
letter or digit. The slugs real knowledge bases use all fit this, for example
`supporttopics_<guid>`, `<guid>_Public` or `sql_connectivity_2_1`.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
The id names the article in URLs, in the rule bundle and in every tool that
links to it. Spaces, quotes, colons or slashes have to be escaped everywhere
and are easy to get subtly wrong; two ids separated by a comma are never what
anyone meant, since an article has exactly one id.

## Example
Bad:

```markdown
articleId="partnercenter_update company name"
```
Good: `articleId="partnercenter_update-company-name"`, or a fresh GUID.

## How to fix
Replace spaces and other characters with `-`, or use a new GUID (`uuidgen`).
If other articles or tools link to the old id, update them too.

## Configuration
`invalid-article-id = "allow"` (default): an opt-in style rule; set `"warn"` to
keep ids URL-friendly. An empty articleId is reported by
`empty-required-attribute`, a repeated one by `duplicate-article-id`.

Default level: the TSG content template says of `articleId` "Unique field -
use article name OR a generated GUID", and article names have spaces and
punctuation (73 of the 78 ids this rule reports on the 11,034-article
corpus contain a space). The house rules ask only for uniqueness, so any id
is accepted unless you ask for slugs.
"#,
};

impl Rule for InvalidArticleId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(attr) = article.props.get("articleId") else { return };
        let id = attr.value.trim();
        if id.is_empty() || is_guid(id) || is_placeholder(id) {
            return;
        }
        if let Some(problem) = slug_problem(id) {
            out.push(
                Diagnostic::new(
                    &META,
                    trimmed(article.text(), &attr.value_span),
                    format!("articleId \"{id}\" {problem}"),
                )
                .with_help("use a GUID, or only letters, digits, `-`, `_` and `.`"),
            );
        }
    }
}

/// What keeps `id` from being a slug, if anything.
fn slug_problem(id: &str) -> Option<String> {
    let first = id.chars().next()?;
    if !first.is_ascii_alphanumeric() {
        return Some(format!("starts with {}", describe(first)));
    }
    let bad = id.chars().find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))?;
    Some(match bad {
        ',' | ';' if id.split([',', ';']).all(|p| is_guid(p.trim())) => "lists several ids; an article has one".into(),
        _ => format!("contains {}", describe(bad)),
    })
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        c if c.is_ascii_graphic() => format!("`{c}`"),
        c => format!("the character U+{:04X}", c as u32),
    }
}

/// The span without the blanks around the value.
fn trimmed(text: &str, span: &Span) -> Span {
    let raw = &text[span.clone()];
    let start = span.start + (raw.len() - raw.trim_start().len());
    start..start + raw.trim().len()
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn with_id(id: &str) -> String {
        article("", "").replace("f1dae65e-2eee-4c5e-bbd3-4a1310313f3d", id)
    }

    #[test]
    fn reports_spaces_and_punctuation_naming_the_character() {
        let text = with_id(" update company name");
        let d = check("KB011", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "update company name");
        assert_eq!(d[0].message, "articleId \"update company name\" contains a space");
        assert!(check("KB011", &with_id("can't-connect"))[0].message.contains("contains `'`"));
        assert!(check("KB011", &with_id("-x"))[0].message.contains("starts with `-`"));
    }

    #[test]
    fn reports_two_guids_as_several_ids() {
        let id = "53a92698-a164-8375-253a-070312f502e6, 997fa6d5-433b-9e65-3460-e239a25c237b";
        assert!(check("KB011", &with_id(id))[0].message.ends_with("lists several ids; an article has one"));
    }

    #[test]
    fn allows_guids_and_slugs_seen_in_real_knowledge_bases() {
        for id in [
            "{F1DAE65E-2EEE-4C5E-BBD3-4A1310313F3D}",
            "supporttopics_f1dae65e-2eee-4c5e-bbd3-4a1310313f3d",
            "f1dae65e-2eee-4c5e-bbd3-4a1310313f3d_Public",
            "sql_connectivity_2_1",
            "dw-dataimportexport.md",
            "<Unique GUID identifying the Content step>",
            "",
        ] {
            assert!(check("KB011", &with_id(id)).is_empty(), "{id}");
        }
    }
}
