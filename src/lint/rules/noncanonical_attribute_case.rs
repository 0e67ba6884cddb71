use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct NoncanonicalAttributeCase;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB005",
    name: "noncanonical-attribute-case",
    default_level: Level::Allow,
    summary: "A known attribute is not spelt in its canonical case",
    docs: r#"## What it checks
That known attributes are written in their canonical spelling: `articleId`,
not `articleid` or `ArticleId`; `supportTopicIds`, not `supporttopicids`.

## Why
The portal reads attribute names case-insensitively, so the article works.
But tools that read headers as XML are case-sensitive, searches across the
knowledge base miss the odd spellings, and mixed spellings invite duplicates
(`articleId` and `articleid` in one header).

## Example
Bad:

```markdown
<properties pagetitle="Reset a secret scope" articleid="…" />
```
Good:
```markdown
<properties pageTitle="Reset a secret scope" articleId="…" />
```

## How to fix
Rename the attribute to the spelling the message gives. The fix does it.

## Configuration
`noncanonical-attribute-case = "allow"` (default): an opt-in style rule. Set
`"warn"` to have one spelling across the knowledge base; `kbc check --fix`
then rewrites every name in its canonical case.

Default level: the TPS Authoring Guide says of header properties "Spaces and
capitalization don't matter" (Properties, Conventions), and the portal reads
names case-insensitively, so a name in another case breaks nothing and is
not reported unless you ask for it.
"#,
};

impl Rule for NoncanonicalAttributeCase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in &article.props.attrs {
            let Some(canonical) = attr.canonical.filter(|c| *c != attr.name) else { continue };
            out.push(
                Diagnostic::new(
                    &META,
                    attr.name_span.clone(),
                    format!("attribute `{}` should be spelt `{canonical}`", attr.name),
                )
                .with_help(format!("rename it to `{canonical}`"))
                .with_fix(attr.name_span.clone(), canonical),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_lowercase_name_with_a_fix_to_the_canonical_spelling() {
        let text = article("", "").replace("articleId", "ArticleID");
        let d = check("KB005", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "ArticleID");
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "articleId");
    }

    #[test]
    fn allows_canonical_and_unknown_names() {
        assert!(check("KB005", &article("  myOwnThing=\"x\"\n", "")).is_empty());
    }
}
