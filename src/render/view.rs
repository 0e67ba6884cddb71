//! Serialize-only view structs: the only shapes that JSON outputs and
//! templates see (never `Article`). Field order here is the key order of
//! rules.json, so it is part of the output contract.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the rules.json layout; bumped on incompatible changes.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// `rules.json`: every published article of one build (all clouds, or one).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Bundle<'a> {
    pub schema_version: u32,
    /// `kbc <version>`.
    pub generator: String,
    /// `null` for the all-clouds bundle, else the cloud's name.
    pub cloud: Option<String>,
    /// Sorted by articleId, then path.
    pub articles: Vec<&'a BundleArticle>,
    pub index: BundleIndex,
}

/// Article ids by support topic, product and service (ids sorted, unique).
#[derive(Debug, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleIndex {
    pub by_support_topic_id: BTreeMap<String, Vec<String>>,
    pub by_product_pes_id: BTreeMap<String, Vec<String>>,
    pub by_service: BTreeMap<String, Vec<String>>,
}

/// One published article in the bundle.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BundleArticle {
    pub article_id: String,
    /// Relative to the knowledge-base root, forward slashes.
    pub path: String,
    /// The article's page, relative to the site root (`site/`, or a cloud's
    /// `clouds/<cloud>/site/`).
    pub url: String,
    /// The pageTitle attribute.
    pub title: String,
    /// The H1 text.
    pub heading: String,
    pub description: String,
    /// Canonical lowercase, `null` when missing or unknown.
    pub self_help_type: Option<String>,
    pub service: String,
    pub resource: String,
    pub support_topic_ids: Vec<String>,
    pub product_pes_ids: Vec<String>,
    /// Effective clouds (cloudEnvironments minus disableClouds), lowercase,
    /// in the order public, fairfax, mooncake, usnat, ussec.
    pub clouds: Vec<String>,
    pub ownership_id: String,
    pub display_order: Option<i64>,
    /// Every header attribute by canonical name (unknown ones as written);
    /// the first wins when an attribute is repeated.
    pub properties: BTreeMap<String, String>,
    pub sections: Vec<SectionView>,
    /// The items of the Recommended Steps section, as plain text.
    pub steps: Vec<String>,
    /// The links of the Recommended Documents section.
    pub documents: Vec<DocumentView>,
    /// Problem / Cause / Solution blocks.
    pub problems: Vec<ProblemView>,
    /// Every link and image in the body, in order.
    pub links: Vec<LinkView>,
    /// The embedded JSON block, parsed; `null` when absent or invalid.
    pub data: Option<serde_json::Value>,
    /// `blake3:` and the hex BLAKE3 hash of the article file's text.
    pub content_hash: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SectionView {
    pub heading: String,
    /// 1-6, or 0 for text before the first heading.
    pub level: u8,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct DocumentView {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ProblemView {
    pub text: String,
    /// The error messages quoted in the problem.
    pub signatures: Vec<String>,
    pub cause: String,
    pub solution: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LinkView {
    pub url: String,
    pub text: String,
    pub image: bool,
}

/// What every site template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The cloud of a per-cloud site, else `None`.
    pub cloud: Option<&'a str>,
    pub generator: &'a str,
}

/// `article.html`: one article page.
#[derive(Debug, Serialize)]
pub(crate) struct PageView<'a> {
    pub site: &'a SiteView<'a>,
    /// Relative prefix from this page to the site root (`../../`).
    pub root: &'a str,
    pub title: &'a str,
    pub heading: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    pub article_id: &'a str,
    pub service: &'a str,
    pub service_url: String,
    pub resource: &'a str,
    pub self_help_type: Option<&'a str>,
    pub type_url: Option<String>,
    pub support_topic_ids: &'a [String],
    pub product_pes_ids: &'a [String],
    pub clouds: &'a [String],
    pub ownership_id: &'a str,
    pub author: &'a str,
    /// Sanitised article HTML (without the H1, shown by the template).
    pub html: &'a str,
    pub data: Option<DataView>,
    /// The article's group, support topics and related articles.
    pub nav: &'a PageNav,
    /// The H2 and H3 headings with their anchors, when there are three or more.
    pub toc: Vec<TocEntry>,
}

/// A page of the site (`url` relative to the site root) and its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct NavLink {
    pub name: String,
    pub url: String,
}

/// A support topic: its id, its name (empty when no supportTopicDescription
/// article names it) and its page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TopicLink {
    pub id: String,
    pub name: String,
    pub url: String,
}

/// What an article page shows of other articles.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct PageNav {
    /// The group it is listed under: its service, else its folder.
    pub group: NavLink,
    pub topics: Vec<TopicLink>,
    /// Articles with one of its support topics, then of its group.
    pub related: Vec<NavLink>,
}

/// A heading in an article's table of contents.
#[derive(Debug, Serialize)]
pub(crate) struct TocEntry {
    pub id: String,
    pub text: String,
    pub level: u8,
}

/// A numbered page of a list.
#[derive(Debug, Serialize)]
pub(crate) struct PageLink {
    pub n: usize,
    /// Relative to the site root.
    pub url: String,
    pub current: bool,
}

/// The embedded JSON block as a readable view.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum DataView {
    /// Problem scoping questions, previewed as the form a customer sees.
    Form { title: String, hint: String, elements: Vec<FormElement> },
    /// A support-topic description block, as a table.
    Topics { short_description: String, long_description: String, topics: Vec<TopicRow> },
    /// Anything else, pretty-printed.
    Json { pretty: String },
}

#[derive(Debug, Serialize)]
pub(crate) struct FormElement {
    pub id: String,
    pub label: String,
    pub control: String,
    pub required: bool,
    pub watermark: String,
    pub options: Vec<String>,
    pub hints: Vec<String>,
    /// The condition under which the question is shown, if any.
    pub visibility: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct TopicRow {
    pub id: String,
    pub short_description: String,
    pub long_description: String,
    pub search_tags: String,
    pub category: String,
}

/// A link to an article in lists and index pages.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArticleLink<'a> {
    pub title: &'a str,
    /// Relative to the site root.
    pub url: &'a str,
    pub description: &'a str,
    pub service: &'a str,
    pub self_help_type: Option<&'a str>,
    pub clouds: &'a [String],
}

/// A group on the home page (a service or a self-help type) with its page.
#[derive(Debug, Serialize)]
pub(crate) struct GroupLink {
    pub name: String,
    /// Relative to the site root.
    pub url: String,
    pub count: usize,
}

/// `index.html`: the home page.
#[derive(Debug, Serialize)]
pub(crate) struct HomeView<'a> {
    pub site: &'a SiteView<'a>,
    pub root: &'a str,
    pub article_count: usize,
    pub services: Vec<GroupLink>,
    pub types: Vec<GroupLink>,
    pub topics: Vec<GroupLink>,
}

/// `list.html`: one page of the articles of a service, a self-help type or
/// a support topic.
#[derive(Debug, Serialize)]
pub(crate) struct ListView<'a> {
    pub site: &'a SiteView<'a>,
    pub root: &'a str,
    /// "Service", "Self-help type" or "Support topic".
    pub kind: &'a str,
    pub name: &'a str,
    /// A support topic's id (empty for other lists).
    pub id: &'a str,
    /// The articles of this page.
    pub articles: &'a [ArticleLink<'a>],
    /// Every page of the list (one when it fits on one).
    pub pages: Vec<PageLink>,
    /// How many articles the whole list has.
    pub total: usize,
}

/// A self-help type as readers call it (`tsg_content` is "Troubleshooting
/// guide"); unknown values are shown as written.
pub(crate) fn type_label(t: &str) -> &str {
    match t {
        "generic" => "Article",
        "diagnostics" => "Diagnostic",
        "rca" => "Root cause analysis",
        "resource" => "Resource",
        "tsg_content" => "Troubleshooting guide",
        "tsg_description" => "Troubleshooting guide description",
        "tsg_questions" => "Troubleshooting questions",
        "problemscopingquestions" => "Problem scoping questions",
        "supporttopicdescription" => "Support topic description",
        "advisorrecommendationmetadata" => "Advisor recommendation",
        "servicehealthinsights" => "Service health insight",
        "apollo" => "Apollo solution",
        "diagnoseandsolve" => "Diagnose and solve",
        "tools" => "Tool",
        "health" => "Health",
        "partnercenterquickstart" => "Partner Center quickstart",
        "unknown" | "" => "Unknown type",
        other => other,
    }
}

/// A cloud by its public name (`fairfax` is "Azure Government").
pub(crate) fn cloud_label(c: &str) -> &str {
    match c {
        "public" => "Azure",
        "fairfax" => "Azure Government",
        "mooncake" => "Azure China",
        "usnat" => "Azure US Nat",
        "ussec" => "Azure US Sec",
        other => other,
    }
}
