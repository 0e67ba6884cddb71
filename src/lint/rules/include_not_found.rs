use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::include::{self, Target};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct IncludeNotFound;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB406",
    name: "include-not-found",
    default_level: Level::Error,
    summary: "An include directive points to a file that does not exist",
    docs: r#"## What it checks
Include directives, `[!INCLUDE [title](path)]` or the older
`[AZURE.INCLUDE [title](path)]` used by the `includes/` folder: the path,
relative to the including article, must name an existing file. Directives
inside code are ignored.

## Why
A missing include silently drops a shared block (a note, a prerequisite)
from every article that uses it.

## Example
Bad:

```markdown
[AZURE.INCLUDE [backup note](../../includes/backup-note.md)]
```

when `includes/backup-note.md` does not exist. Good:

```markdown
[AZURE.INCLUDE [backup note](../../includes/sample-include.md)]
```

## How to fix
Correct the relative path (count the `../` from the article's folder) or
create the include file.

## Configuration
`include-not-found = "deny"` (default).
"#,
};

impl Rule for IncludeNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let resolver = cx.resolver();
        for d in include::directives(article.text(), |o| article.body.in_code(o)) {
            if let Target::Missing(path) = resolver.resolve(article.path(), &d.target) {
                let msg = format!("included file `{}` does not exist (resolved to `{path}`)", d.target);
                out.push(
                    Diagnostic::new(&META, d.span, msg).with_help("the path is relative to this article's folder"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_a_missing_include() {
        let a = article("", "[AZURE.INCLUDE [n](../includes/nope.md)]\n");
        let d = check_files("include-not-found", &[("kb/a/one.md", &a)]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("kb/includes/nope.md"));
    }

    #[test]
    fn accepts_an_include_that_exists_and_directives_in_code() {
        let a = article("", "[!INCLUDE [n](../inc/two.md)]\n\n`[!INCLUDE [n](nope.md)]`\n");
        let inc = "> [AZURE.NOTE] Shared note.\n";
        assert!(check_files("include-not-found", &[("kb/a/one.md", &a), ("kb/inc/two.md", inc)]).is_empty());
    }
}
