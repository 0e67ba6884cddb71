use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct DuplicateArticleId;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB012",
    name: "duplicate-article-id",
    default_level: Level::Error,
    summary: "Two or more articles share an articleId",
    docs: r#"## What it checks
That no two articles share an `articleId` (compared case-insensitively). Every
article involved is reported, each pointing at the others.

## Why
Downstream tools and the portal address an article by its id: with two
articles under one id, one of them silently replaces the other.

## Example
Bad:

`a.md` and `b.md` both contain
`articleId="f1dae65e-2eee-4c5e-bbd3-4a1310313f3d"`, usually because one was
copied from the other.

Good: `b.md` gets its own id, `articleId="5bc897a5-e5e8-4e3a-8380-a9b717dd7117"`.

## How to fix
Give the newer article a fresh GUID (`kbc new` makes one, or `uuidgen`).

## Configuration
`duplicate-article-id = "deny"` (default).
"#,
};

impl Rule for DuplicateArticleId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// Articles are grouped by articleId, compared case-insensitively.
    fn group_keys(&self, a: &Article, _source_prefix: &str) -> Vec<String> {
        a.article_id().map(str::to_ascii_lowercase).into_iter().collect()
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(id) = a.article_id() else { return };
        let group = cx.group(META.code, &id.to_ascii_lowercase());
        if group.len() < 2 {
            return;
        }
        let attr = a.props.get("articleId").expect("an article with an id has the attribute");
        let mut d =
            Diagnostic::new(&META, attr.value_span.clone(), format!("duplicate articleId \"{}\"", attr.value.trim()))
                .with_path(a.path())
                .with_help("give each article its own GUID; `kbc new` generates one");
        for other in group.iter().filter(|o| o.path() != a.path()) {
            let span = other.props.get("articleId").map(|x| x.value_span.clone()).unwrap_or(0..0);
            d = d.with_label(other.path(), span, "also used here");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_duplicate_article_id_at_every_file() {
        let a = article("", "Body\n");
        let d = check_files("KB012", &[("a.md", &a), ("b.md", &a), ("c.md", &a)]);
        assert_eq!(d.len(), 3);
        assert_eq!(d.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(), ["a.md", "b.md", "c.md"]);
        assert_eq!(d[0].labels.iter().map(|l| l.path.as_str()).collect::<Vec<_>>(), ["b.md", "c.md"]);
    }

    #[test]
    fn compares_ids_case_insensitively_and_allows_distinct_ids() {
        let a = article("", "");
        let upper = a.replace("f1dae65e-2eee", "F1DAE65E-2EEE");
        assert_eq!(check_files("KB012", &[("a.md", &a), ("b.md", &upper)]).len(), 2);
        let other = a.replace("f1dae65e", "00000000");
        assert!(check_files("KB012", &[("a.md", &a), ("b.md", &other)]).is_empty());
    }
}
