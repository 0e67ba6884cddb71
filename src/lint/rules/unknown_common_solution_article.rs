use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::json::{Node, Value};
use regex::Regex;
use std::sync::LazyLock;

pub(crate) struct UnknownCommonSolutionArticle;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB304",
    name: "unknown-common-solution-article",
    default_level: Level::Warning,
    summary: "A commonSolutionArticleId in the embedded JSON names no article of the knowledge base",
    docs: r#"## What it checks
Every `commonSolutionArticleId` in an article's embedded JSON (the
diagnose-and-solve problems and their sub-problems, at any depth) must be
the `articleId` of an article of the knowledge base (compared without
regard to case). Empty values are left alone.

## Why
The diagnose-and-solve template links each common problem to the Common
Solution article that answers it by `commonSolutionArticleId`. With an id
no article has, the portal shows the problem and nothing when the customer
opens it.

It is a warning, not an error, because the portal looks articles up across
every repository it publishes: an id may name an article that lives in
another knowledge base.

## Example
Bad, when no article has this id:

```json
{ "title": "Cannot connect", "commonSolutionArticleId": "9c0b9ec9-a07a-40e3-a6a2-f4d49f5f4ccc" }
```

Good: the id of an existing Common Solution article,
`"commonSolutionArticleId": "9c0b9ec9-a07a-40e3-a6a2-f4d49f5f4ccb"`.

## How to fix
Correct the id (copy it from the solution article's `articleId`), or write
the missing solution article.

## Configuration
`unknown-common-solution-article = "warn"` (default).
"#,
};

impl Rule for UnknownCommonSolutionArticle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// Articles are grouped by articleId (lowercase): an id names an
    /// article when its group is not empty.
    fn group_keys(&self, a: &Article, _source_prefix: &str) -> Vec<String> {
        a.article_id().map(str::to_ascii_lowercase).into_iter().collect()
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(dangling(a, &|id| !cx.group(META.code, &id.to_ascii_lowercase()).is_empty()));
    }
}

fn dangling(a: &Article, exists: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    // Building the JSON tree is the costly part; most blocks never name one.
    static KEY: LazyLock<Regex> = LazyLock::new(|| Regex::new("(?i)commonSolutionArticleId").expect("valid regex"));
    let Some(block) = &a.body.json else { return Vec::new() };
    if !KEY.is_match(&a.text()[block.span.clone()]) {
        return Vec::new();
    }
    let Some(Ok(root)) = a.embedded_json() else { return Vec::new() };
    let mut ids = Vec::new();
    members(&root, "commonSolutionArticleId", &mut ids);
    ids.into_iter()
        .filter_map(|node| {
            let id = node.as_str()?.trim();
            if id.is_empty() || exists(id) {
                return None;
            }
            let msg = format!("commonSolutionArticleId \"{id}\" is the articleId of no article");
            let d = Diagnostic::new(&META, node.span.clone(), msg).with_path(a.path());
            Some(d.with_help("use the articleId of the Common Solution article that answers this problem"))
        })
        .collect()
}

/// The values of every member named `key` (case-insensitively) at any depth,
/// in source order.
pub(crate) fn members<'a>(node: &'a Node, key: &str, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Object(m) => {
            for (k, _, v) in m {
                if k.eq_ignore_ascii_case(key) {
                    out.push(v);
                }
                members(v, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| members(v, key, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    const SOLUTION: &str = "9c0b9ec9-a07a-40e3-a6a2-f4d49f5f4ccb";

    fn diagnose(ids: &[&str]) -> String {
        let problems: Vec<String> = ids
            .iter()
            .map(|id| {
                format!(
                    "{{\"id\": \"p\", \"title\": \"t\", \"subProblems\": [{{\"commonSolutionArticleId\": \"{id}\"}}]}}"
                )
            })
            .collect();
        let json = format!("{{\"commonProblems\": [{}], \"troubleshootingTools\": []}}", problems.join(", "));
        format!("<properties selfHelpType=\"diagnoseAndSolve\" articleId=\"ds\" />\n# D\n---\n{json}\n---\n")
    }

    #[test]
    fn reports_ids_no_article_has_at_any_depth() {
        let solution = article("", "").replace("f1dae65e-2eee-4c5e-bbd3-4a1310313f3d", SOLUTION);
        let ds = diagnose(&[&SOLUTION.to_uppercase(), "missing-solution", ""]);
        let d = check_files("KB304", &[("ds.md", &ds), ("s.md", &solution)]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].message, "commonSolutionArticleId \"missing-solution\" is the articleId of no article");
        assert_eq!(&ds[d[0].span.clone()], "\"missing-solution\"");
    }
}
