use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::json::Node;

pub(crate) struct UnknownSupportTopic;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB301",
    name: "unknown-support-topic",
    default_level: Level::Warning,
    summary: "A support topic id (supportTopicIds, or in diagnose-and-solve data) that the product's supportTopicDescription article does not define",
    docs: r#"## What it checks
Support topics are defined by `supportTopicDescription` articles: one per
product (its `productPesIds`), listing topics in the `supportTopics` array
of its embedded JSON. For every other article naming a described product in
`productPesIds`, each id in `supportTopicIds` must be one of the topics
defined for its products, and so must every `supportTopicId` in its
embedded JSON (the problems and sub-problems of a diagnose-and-solve
article, at any depth). Articles whose products have no description are
not checked, so the rule stays silent in knowledge bases without
supportTopicDescription articles.

## Why
An article attached to a topic that does not exist is never shown: the
portal finds articles by topic.

## Example
Bad: the description for product `c52a04cc-…` defines topic
`49ab7a74-4b6c-ecb1-d47b-52d023d9f12a`, and an article has:

```markdown
<properties productPesIds="c52a04cc-be90-03ef-d76e-80cd1b338fb3"
  supportTopicIds="49ab7a74-4b6c-ecb1-d47b-52d023d9f12b" ... />
```

Good:

```markdown
<properties productPesIds="c52a04cc-be90-03ef-d76e-80cd1b338fb3"
  supportTopicIds="49ab7a74-4b6c-ecb1-d47b-52d023d9f12a" ... />
```

## How to fix
Correct the id, or add the topic to the product's supportTopicDescription
article.

## Configuration
`unknown-support-topic = "warn"` (default; only active where
supportTopicDescription articles exist). `"allow"` turns it off.
"#,
};

impl Rule for UnknownSupportTopic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// A supportTopicDescription article (with valid embedded JSON that
    /// lists topics) is grouped under each of its products (lowercase), and
    /// under each of those products' topics (`product`, a line break, the
    /// topic's id, lowercase): a topic is defined for a product when that
    /// group is not empty.
    fn group_keys(&self, a: &Article, _source_prefix: &str) -> Vec<String> {
        if a.self_help_type() != Some(DESCRIPTION) {
            return Vec::new();
        }
        let Some(Ok(root)) = a.embedded_json() else { return Vec::new() };
        let ids: Vec<String> = topic_ids(&root).collect();
        if ids.is_empty() {
            return Vec::new();
        }
        let mut keys = Vec::new();
        for product in a.props.list(a.text(), "productPesIds") {
            let product = product.text.to_ascii_lowercase();
            keys.extend(ids.iter().map(|t| topic_key(&product, t)));
            keys.push(product);
        }
        keys
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if a.self_help_type() != Some(DESCRIPTION) {
            out.extend(undefined_topics(a, cx));
        }
    }
}

const DESCRIPTION: &str = "supporttopicdescription";

fn topic_key(product: &str, topic: &str) -> String {
    format!("{product}\n{topic}")
}

fn undefined_topics(a: &Article, cx: &Context<'_>) -> Vec<Diagnostic> {
    let products: Vec<String> =
        a.props.list(a.text(), "productPesIds").iter().map(|p| p.text.to_ascii_lowercase()).collect();
    // Only articles of products whose descriptions define topics are checked.
    if products.iter().all(|p| cx.group(META.code, p).is_empty()) {
        return Vec::new();
    }
    let known = |topic: &str| {
        let topic = topic.to_ascii_lowercase();
        products.iter().any(|p| !cx.group(META.code, &topic_key(p, &topic)).is_empty())
    };
    let mut out = json_topics(a, &known);
    for topic in a.props.list(a.text(), "supportTopicIds") {
        if !known(topic.text) {
            let msg = format!("support topic \"{}\" is not defined for this article's products", topic.text);
            let d = Diagnostic::new(&META, topic.span.clone(), msg).with_path(a.path());
            out.push(d.with_help("use an id from the product's supportTopicDescription article"));
        }
    }
    out
}

/// `supportTopicId` values of the embedded JSON that are not `known`.
fn json_topics(a: &Article, known: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let Some(Ok(root)) = a.embedded_json() else { return Vec::new() };
    let mut nodes = Vec::new();
    super::unknown_common_solution_article::members(&root, "supportTopicId", &mut nodes);
    let mut out = Vec::new();
    for node in nodes {
        let Some(id) = node.as_str().map(str::trim).filter(|s| !s.is_empty()) else { continue };
        if !known(id) {
            let msg = format!("support topic \"{id}\" in the embedded JSON is not defined for this article's products");
            let d = Diagnostic::new(&META, node.span.clone(), msg).with_path(a.path());
            out.push(d.with_help("use an id from the product's supportTopicDescription article"));
        }
    }
    out
}

fn topic_ids(root: &Node) -> impl Iterator<Item = String> + '_ {
    let topics = root.get("supportTopics").map(Node::items).unwrap_or_default();
    topics.iter().filter_map(|t| t.get("id")?.as_str()).map(|s| s.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::check_files;

    const DESC: &str = "<properties selfHelpType=\"supportTopicDescription\" productPesIds=\"P1\" />\n# Topics\n---\n{\"supportTopics\": [{\"id\": \"111\"}, {\"id\": \"222\"}]}\n---\n";

    fn article(product: &str, topics: &str) -> String {
        format!(
            "<properties selfHelpType=\"generic\" productPesIds=\"{product}\" supportTopicIds=\"{topics}\" />\n# A\n"
        )
    }

    #[test]
    fn reports_topics_missing_from_the_products_description() {
        let d = check_files("unknown-support-topic", &[("desc.md", DESC), ("a.md", &article("p1", "111, 333"))]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("\"333\"") && d[0].path == "a.md");
    }

    #[test]
    fn checks_support_topic_ids_in_diagnose_and_solve_data() {
        let ds = "<properties selfHelpType=\"diagnoseAndSolve\" productPesIds=\"P1\" />\n# D\n---\n{\"commonProblems\": [{\"supportTopicId\": \"111\", \"subProblems\": [{\"supportTopicId\": \"444\"}, {\"supportTopicId\": \"\"}]}]}\n---\n";
        let d = check_files("unknown-support-topic", &[("desc.md", DESC), ("ds.md", ds)]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&ds[d[0].span.clone()], "\"444\"");
        assert!(d[0].message.contains("in the embedded JSON"));
        assert!(check_files("unknown-support-topic", &[("ds.md", ds)]).is_empty(), "no description, no check");
    }

    #[test]
    fn stays_silent_without_descriptions_or_for_other_products() {
        assert!(check_files("unknown-support-topic", &[("a.md", &article("P1", "999"))]).is_empty());
        assert!(check_files("unknown-support-topic", &[("desc.md", DESC), ("a.md", &article("P2", "999"))]).is_empty());
    }
}
