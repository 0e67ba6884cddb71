//! Article scaffolds for `kbc new`: one built-in body template per self-help
//! type (embedded in the binary) and a header written from the type's
//! attribute list. Values the author must still supply are written as
//! `<...>` placeholders in the header and `TODO(author)` lines in the body, so
//! `kbc check` (template-placeholder) and a plain search both find them.

use crate::article::vocab::{self, Cloud};
use anyhow::{Result, bail};

/// What `kbc new` knows about the article to create. Empty means "mark it".
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub service: Option<String>,
    pub resource: Option<String>,
    pub author: Option<String>,
    pub support_topics: Vec<String>,
    pub products: Vec<String>,
    pub clouds: Vec<Cloud>,
    pub ownership: Option<String>,
}

/// A rendered scaffold and the header fields left for the author.
#[derive(Debug)]
pub(crate) struct Scaffold {
    pub text: String,
    /// Attribute names whose value is a placeholder.
    pub to_fill: Vec<&'static str>,
}

/// A self-help type `kbc new` can scaffold.
struct Kind {
    /// Canonical lowercase name (as in [`vocab::SELF_HELP_TYPES`]).
    name: &'static str,
    /// The spelling written into the header, as the house templates do.
    spelling: &'static str,
    body: &'static str,
    attrs: &'static [&'static str],
}

const BASE: &[&str] = &[
    "pageTitle",
    "description",
    "service",
    "resource",
    "ms.author",
    "selfHelpType",
    "supportTopicIds",
    "productPesIds",
    "cloudEnvironments",
    "articleId",
    "ownershipId",
];
const INSIGHT: &[&str] = &[
    "pageTitle",
    "description",
    "infoBubbleText",
    "service",
    "resource",
    "ms.author",
    "articleId",
    "diagnosticScenario",
    "selfHelpType",
    "supportTopicIds",
    "productPesIds",
    "cloudEnvironments",
    "ownershipId",
];
const TSG: &[&str] = &[
    "pageTitle",
    "description",
    "service",
    "resource",
    "ms.author",
    "selfHelpType",
    "cloudEnvironments",
    "articleId",
    "ownershipId",
];
const SCOPING: &[&str] = &[
    "pageTitle",
    "description",
    "ms.author",
    "selfHelpType",
    "supportTopicIds",
    "productPesIds",
    "cloudEnvironments",
    "schemaVersion",
    "articleId",
    "ownershipId",
];
const TOPICS: &[&str] = &[
    "pageTitle",
    "description",
    "ms.author",
    "selfHelpType",
    "productPesIds",
    "cloudEnvironments",
    "articleId",
    "ownershipId",
];
const APOLLO: &[&str] = &[
    "pageTitle",
    "description",
    "service",
    "resource",
    "ms.author",
    "selfHelpType",
    "supportTopicIds",
    "productPesIds",
    "cloudEnvironments",
    "articleId",
    "ownershipId",
    "resourceRequired",
];

const KINDS: &[Kind] = &[
    Kind { name: "generic", spelling: "generic", body: include_str!("templates/generic.md"), attrs: BASE },
    Kind { name: "resource", spelling: "resource", body: include_str!("templates/generic.md"), attrs: BASE },
    Kind {
        name: "diagnostics",
        spelling: "diagnostics",
        body: include_str!("templates/diagnostics.md"),
        attrs: INSIGHT,
    },
    Kind { name: "rca", spelling: "rca", body: include_str!("templates/rca.md"), attrs: INSIGHT },
    Kind { name: "tsg_content", spelling: "TSG_Content", body: include_str!("templates/tsg_content.md"), attrs: TSG },
    Kind {
        name: "problemscopingquestions",
        spelling: "problemScopingQuestions",
        body: include_str!("templates/problemscopingquestions.md"),
        attrs: SCOPING,
    },
    Kind {
        name: "supporttopicdescription",
        spelling: "supportTopicDescription",
        body: include_str!("templates/supporttopicdescription.md"),
        attrs: TOPICS,
    },
    Kind { name: "apollo", spelling: "apollo", body: include_str!("templates/apollo.md"), attrs: APOLLO },
];

/// The self-help types that have a scaffold, canonical names.
pub(crate) fn types() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.name)
}

fn kind(name: &str) -> Result<&'static Kind> {
    if let Some(k) = KINDS.iter().find(|k| k.name.eq_ignore_ascii_case(name)) {
        return Ok(k);
    }
    let known: Vec<&str> = types().collect();
    let hint = match vocab::did_you_mean(name, known.iter().copied()) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None if vocab::self_help_type(name).is_some() => " (kbc has no template for this type yet)".to_string(),
        None => String::new(),
    };
    bail!("unknown self-help type `{name}`{hint}; expected one of: {}", known.join(", "))
}

/// Renders a new article of self-help type `type_name` with a fresh articleId.
pub(crate) fn render(type_name: &str, fields: &Fields) -> Result<Scaffold> {
    render_with_id(type_name, fields, &uuid::Uuid::new_v4().to_string())
}

pub(crate) fn render_with_id(type_name: &str, fields: &Fields, article_id: &str) -> Result<Scaffold> {
    let kind = kind(type_name)?;
    let mut to_fill = Vec::new();
    let mut text = String::from("<properties\n");
    for &attr in kind.attrs {
        let value = match value_of(kind, fields, attr, article_id) {
            Value::Given(v) => v,
            Value::Mark(v) => {
                to_fill.push(attr);
                v.to_string()
            }
        };
        text.push_str(&format!("\t{attr}=\"{}\"\n", escape_attr(&value)));
    }
    text.push_str("/>\n\n");
    text.push_str(&body(kind, fields)?);
    Ok(Scaffold { text, to_fill })
}

enum Value {
    Given(String),
    Mark(&'static str),
}

fn value_of(kind: &Kind, f: &Fields, attr: &str, article_id: &str) -> Value {
    let given =
        |v: &Option<String>, mark| v.clone().filter(|s| !s.trim().is_empty()).map_or(Value::Mark(mark), Value::Given);
    let list = |v: &[String], mark| if v.is_empty() { Value::Mark(mark) } else { Value::Given(v.join(", ")) };
    match attr {
        "pageTitle" => given(&f.title, "<Page title>"),
        "description" => given(&f.description.clone().or_else(|| f.title.clone()), "<One-line description>"),
        "infoBubbleText" => {
            given(&f.title.as_ref().map(|t| format!("{t}. See details on the right.")), "<Info bubble text>")
        }
        "service" => given(&f.service, "<Service, for example microsoft.databricks>"),
        "resource" => given(&f.resource, "<Resource type, for example workspaces>"),
        "ms.author" => given(&f.author, "<Your Microsoft alias>"),
        "selfHelpType" => Value::Given(kind.spelling.to_string()),
        "supportTopicIds" => list(&f.support_topics, "<Support topic id>"),
        "productPesIds" => list(&f.products, "<Product id>"),
        "cloudEnvironments" => Value::Given(clouds(&f.clouds)),
        "articleId" => Value::Given(article_id.to_string()),
        "diagnosticScenario" => Value::Mark("<Diagnostic scenario name>"),
        "ownershipId" => given(&f.ownership, "<Owning team id>"),
        "schemaVersion" => Value::Given("1".to_string()),
        "resourceRequired" => Value::Given("false".to_string()),
        other => unreachable!("no value rule for attribute {other}"),
    }
}

/// Every cloud unless some were named: the house convention is to publish
/// everywhere and opt out with disableClouds.
fn clouds(named: &[Cloud]) -> String {
    let chosen: Vec<&str> =
        Cloud::ALL.iter().filter(|c| named.is_empty() || named.contains(c)).map(|c| c.as_str()).collect();
    chosen.join(", ")
}

fn escape_attr(v: &str) -> String {
    v.replace('&', "&amp;").replace('"', "&quot;")
}

fn body(kind: &Kind, f: &Fields) -> Result<String> {
    let mut env = minijinja::Environment::new();
    // JSON-quotes a value inside the embedded JSON blocks (serializing a
    // string cannot fail).
    env.add_filter("tojson", |v: String| serde_json::to_string(&v).unwrap_or_default());
    let title = f.title.clone().filter(|t| !t.trim().is_empty());
    let heading = title.unwrap_or_else(|| "TODO(author): article title".to_string());
    let topic = f.support_topics.first().cloned().unwrap_or_else(|| "TODO(author): support topic id".to_string());
    let ctx = minijinja::context! { title => heading.clone(), heading, topic };
    // minijinja drops the template's final newline; articles end with one.
    Ok(env.render_str(kind.body, ctx)? + "\n")
}

#[cfg(test)]
mod tests;
