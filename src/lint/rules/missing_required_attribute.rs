use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct MissingRequiredAttribute;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB006",
    name: "missing-required-attribute",
    default_level: Level::Error,
    summary: "The header lacks an attribute its self-help type requires",
    docs: r#"## What it checks
That the header has every attribute its `selfHelpType` requires. Every article
needs `pageTitle`, `selfHelpType`, `articleId` and `ownershipId` (except
`partnerCenterQuickStart` link cards, which have no title); some types need
more:

| selfHelpType | also required |
|---|---|
| apollo | supportTopicIds, productPesIds |
| problemScopingQuestions | description, supportTopicIds, productPesIds, schemaVersion |
| supportTopicDescription | description, productPesIds |
| diagnostics, rca | infoBubbleText |
| health, servicehealthinsights | infoBubbleText, diagnosticScenario |
| resource, diagnoseandsolve, tools | service, resource |
| TSG_Content, TSG_Description | ms.author |
| advisorRecommendationMetadata | description, ms.author |

`cloudEnvironments` is required too, but `no-clouds` (KB015) reports it.
An unknown `selfHelpType` (KB016) only needs the attributes every article needs.

The table follows the authoring templates (`documents/` in the knowledge base)
cut down to what the portal reads to show each type: solutions are matched to
a support request by support topic and product, insights show their
`infoBubbleText`, health insights are found by `diagnosticScenario`, and
resource pages by service and resource. Attributes the templates list but the
portal does not need (`resourceTags`, `displayOrder`, `authors`) are optional.

`generic` articles need no `supportTopicIds` or `productPesIds`: the TPS
Authoring Guide's property table marks both "Mandatory: No" (a generic
article can be shown per service, in the troubleshoot blade, rather than per
support topic), and the Services Hub template leaves both empty.

## Why
Without these attributes the portal cannot place the article: a solution
without support topics is never offered, an insight without its bubble text
shows an empty card, and an article without an owner cannot route feedback.

## Example
Bad:

```markdown
<properties
  pageTitle="Secrets scope is missing"
  selfHelpType="Apollo"
  productPesIds="16432"
  cloudEnvironments="public"
  articleId="f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"
  ownershipId="Databricks_Secrets"
/>
```
`supportTopicIds` is missing.

Good: the same header with `supportTopicIds="32677721"` added.

## How to fix
Add the attribute with its value. `empty-required-attribute` (KB007) reports
required attributes that are present but empty.

## Configuration
`missing-required-attribute = "deny"` (default).
"#,
};

/// Attributes every article needs (`cloudEnvironments` is checked by no-clouds).
const COMMON: &[&str] = &["pageTitle", "selfHelpType", "articleId", "ownershipId"];

/// Quick-start cards are links without a title of their own.
const QUICKSTART: &[&str] = &["selfHelpType", "articleId", "ownershipId"];

/// The attributes a self-help type requires beyond [`COMMON`].
fn type_specific(self_help_type: &str) -> &'static [&'static str] {
    match self_help_type {
        "apollo" => &["supportTopicIds", "productPesIds"],
        "problemscopingquestions" => &["description", "supportTopicIds", "productPesIds", "schemaVersion"],
        "supporttopicdescription" => &["description", "productPesIds"],
        "diagnostics" | "rca" => &["infoBubbleText"],
        "health" | "servicehealthinsights" => &["infoBubbleText", "diagnosticScenario"],
        "resource" | "diagnoseandsolve" | "tools" => &["service", "resource"],
        "tsg_content" | "tsg_description" => &["ms.author"],
        "advisorrecommendationmetadata" => &["description", "ms.author"],
        _ => &[],
    }
}

/// Every attribute the article's self-help type requires, in header order.
pub(crate) fn required(article: &Article) -> impl Iterator<Item = &'static str> {
    let kind = article.self_help_type();
    let common = if kind == Some("partnercenterquickstart") { QUICKSTART } else { COMMON };
    common.iter().chain(kind.map(type_specific).unwrap_or_default()).copied()
}

/// Why the attribute is required, for messages.
pub(crate) fn because(article: &Article, name: &str) -> String {
    match article.props.get("selfHelpType") {
        Some(t) if !COMMON.contains(&name) => format!(" for selfHelpType \"{}\"", t.value.trim()),
        _ => String::new(),
    }
}

impl Rule for MissingRequiredAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if !article.has_header {
            return;
        }
        for name in required(article).filter(|n| article.props.get(n).is_none()) {
            let message = format!("missing required attribute `{name}`{}", because(article, name));
            out.push(
                Diagnostic::new(&META, article.props.open_tag_span(), message)
                    .with_help(format!("add {name}=\"…\" to the header")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_each_missing_attribute_at_the_open_tag() {
        let text = article("", "")
            .replace("\"generic\"", "\"apollo\"")
            .replace("  supportTopicIds=\"32677721\"\n", "")
            .replace("  ownershipId=\"Team_Owner\"\n", "");
        let d = check("KB006", &text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "<properties");
        assert!(
            d.iter().any(|d| d.message == "missing required attribute `supportTopicIds` for selfHelpType \"apollo\"")
        );
        assert!(d.iter().any(|d| d.message == "missing required attribute `ownershipId`"));
    }

    #[test]
    fn requires_type_specific_attributes() {
        let text = article("", "").replace("\"generic\"", "\"Diagnostics\"");
        let d = check("KB006", &text);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`infoBubbleText` for selfHelpType \"Diagnostics\""));
    }

    #[test]
    fn allows_complete_headers_lowercase_names_and_files_without_header() {
        assert!(check("KB006", &article("", "")).is_empty());
        assert!(check("KB006", &article("", "").replace("ownershipId", "ownershipid")).is_empty());
        assert!(check("KB006", "# No header\n").is_empty());
    }

    #[test]
    fn quick_start_cards_need_no_title() {
        let text = article("", "")
            .replace("\"generic\"", "\"PartnerCenterQuickStart\"")
            .replace("  pageTitle=\"Title\"\n", "");
        assert!(check("KB006", &text).is_empty());
    }

    #[test]
    fn generic_articles_need_no_support_topics_or_products() {
        let text =
            article("", "").replace("  supportTopicIds=\"32677721\"\n", "").replace("  productPesIds=\"16432\"\n", "");
        assert!(check("KB006", &text).is_empty());
    }

    #[test]
    fn unknown_types_need_only_the_common_attributes() {
        let text = article("", "").replace("\"generic\"", "\"mystery\"").replace("  productPesIds=\"16432\"\n", "");
        assert!(check("KB006", &text).is_empty());
    }
}
