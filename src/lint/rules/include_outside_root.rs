use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::include::{self, Target};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct IncludeOutsideRoot;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB408",
    name: "include-outside-root",
    default_level: Level::Error,
    summary: "An include directive reaches outside the knowledge-base root",
    docs: r#"## What it checks
Include paths that climb above the knowledge-base root (too many `../`), or
that resolve through a symbolic link to a file outside it.

## Why
kbc only publishes what is in the knowledge base. An include from outside
works on one author's machine and nowhere else, and could pull private files
into a public site.

## Example
Bad, in `articles/vm/restart.md`:

```markdown
[!INCLUDE [note](../../../shared/note.md)]
```

Good:

```markdown
[!INCLUDE [note](../../includes/note.md)]
```

## How to fix
Move the file into the knowledge base (the `includes/` folder) and point the
directive there.

## Configuration
`include-outside-root = "deny"` (default).
"#,
};

impl Rule for IncludeOutsideRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let resolver = cx.resolver();
        for d in include::directives(article.text(), |o| article.body.in_code(o)) {
            if resolver.resolve(article.path(), &d.target) == Target::OutsideRoot {
                let msg = format!("include `{}` is outside the knowledge base", d.target);
                out.push(Diagnostic::new(&META, d.span, msg).with_help("move the file into the includes/ folder"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_paths_climbing_above_the_root() {
        let a = article("", "[!INCLUDE [n](../../../secret.md)]\n");
        assert_eq!(check_files("include-outside-root", &[("kb/a/one.md", &a)]).len(), 1);
    }

    #[test]
    fn accepts_paths_inside_the_root_even_when_missing() {
        let a = article("", "[!INCLUDE [n](../../includes/x.md)]\n");
        assert!(check_files("include-outside-root", &[("kb/a/one.md", &a)]).is_empty());
    }
}
