use crate::article::Article;
use crate::article::vocab::{KNOWN_ATTRIBUTES, did_you_mean};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnknownAttribute;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB004",
    name: "unknown-attribute",
    default_level: Level::Warning,
    summary: "The header has an attribute kbc does not know",
    docs: r#"## What it checks
That every attribute of the `<properties>` header is one kbc knows (compared
case-insensitively): `pageTitle`, `description`, `service`, `resource`,
`authors`, `ms.author`, `displayOrder`, `selfHelpType`, `supportTopicIds`,
`resourceTags`, `productPesIds`, `cloudEnvironments`, `disableClouds`,
`articleId`, `ownershipId`, `infoBubbleText`, `diagnosticScenario`,
`schemaVersion`, `clientIds`, `articleTags`, `authorAlias`, `resourceRequired`
and the less common `icmTeam`, `icmService`, `feedbackEmail`, `category`,
`issueNotListed`, `searchTags`, `productFamilyId`, `mappedToBucket`, `editor`,
`documentationCenter` and `ms.service`.
A close misspelling gets a "did you mean".

## Why
The portal ignores attributes it does not know. A misspelt `supportToicIds`
means the article silently has no support topics and never shows up where it
should.

## Example
Bad:

```markdown
<properties
  supportToicIds="32677721"
/>
```
Good: `supportTopicIds="32677721"`.

## How to fix
Correct the spelling, or delete the attribute if nothing reads it.

## Configuration
`unknown-attribute = "warn"` (default). Set it to `"deny"` to keep headers
strictly to the known set.
"#,
};

impl Rule for UnknownAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for attr in article.props.attrs.iter().filter(|a| a.canonical.is_none()) {
            let d = Diagnostic::new(&META, attr.name_span.clone(), format!("unknown attribute `{}`", attr.name));
            let help = match did_you_mean(&attr.name, KNOWN_ATTRIBUTES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "check the spelling, or delete the attribute; `kbc explain KB004` lists the known ones".into(),
            };
            out.push(d.with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn suggests_the_known_attribute_for_a_typo() {
        let text = article("  supportToicIds=\"1\"\n", "");
        let d = check("KB004", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "supportToicIds");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `supportTopicIds`?"));
    }

    #[test]
    fn reports_unrelated_names_without_suggestion() {
        let d = check("KB004", &article("  zzzqqq=\"1\"\n", ""));
        assert!(d[0].help.as_deref().unwrap().contains("check the spelling"));
    }

    #[test]
    fn allows_known_attributes_in_any_case() {
        assert!(check("KB004", &article("  RESOURCETAGS=\"\"\n  clientIds=\"a\"\n", "")).is_empty());
    }
}
