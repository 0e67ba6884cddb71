use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::article::vocab::{self, SELF_HELP_TYPES, did_you_mean};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnknownSelfHelpType;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB016",
    name: "unknown-self-help-type",
    default_level: Level::Error,
    summary: "selfHelpType is not a known kind of self-help content",
    docs: r#"## What it checks
That `selfHelpType` is one of the known kinds (any case): `generic`,
`diagnostics`, `rca`, `resource`, `tsg_content`, `tsg_description`,
`tsg_questions`, `problemScopingQuestions`, `supportTopicDescription`,
`advisorRecommendationMetadata`, `servicehealthinsights`, `apollo`,
`diagnoseandsolve`, `tools`, `health`, `partnerCenterQuickStart`.
Misspellings get a "did you mean". An empty or missing value is reported by
`empty-required-attribute` and `missing-required-attribute`.
A template placeholder such as `<Product id>` is left to
`template-placeholder` (KB018).

## Why
The type decides where the portal shows the article and how it reads the rest
of it (an embedded JSON block, an insight card). An article of an unknown type
is not shown anywhere.

## Example
Bad:

```markdown
selfHelpType="TSG_Contents"
```
Good: `selfHelpType="TSG_Content"`.

## How to fix
Use one of the types above.

## Configuration
`unknown-self-help-type = "deny"` (default).
"#,
};

impl Rule for UnknownSelfHelpType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(attr) = article.props.get("selfHelpType") else { return };
        let value = attr.value.trim();
        if value.is_empty() || vocab::self_help_type(value).is_some() || is_placeholder(value) {
            return;
        }
        let help = match did_you_mean(value, SELF_HELP_TYPES.iter().copied()) {
            Some(t) => format!("did you mean `{t}`?"),
            None => "run `kbc explain unknown-self-help-type` for the list of types".into(),
        };
        out.push(
            Diagnostic::new(&META, attr.value_span.clone(), format!("unknown selfHelpType \"{value}\""))
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_misspelt_type_with_suggestion() {
        let text = article("", "").replace("\"generic\"", "\"TSG_Contents\"");
        let d = check("KB016", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(&text[d[0].span.clone()], "TSG_Contents");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `tsg_content`?"));
    }

    #[test]
    fn allows_known_types_in_any_case_and_empty_values() {
        for t in ["ProblemScopingQuestions", "RCA", "apollo", ""] {
            assert!(check("KB016", &article("", "").replace("\"generic\"", &format!("\"{t}\""))).is_empty(), "{t}");
        }
    }
}
