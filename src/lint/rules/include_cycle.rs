use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::include::{self, Target};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct IncludeCycle;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB407",
    name: "include-cycle",
    default_level: Level::Error,
    summary: "Includes that include each other in a loop",
    docs: r#"## What it checks
Following include directives from an article (and from the included files,
recursively) must never come back to a file already being included. The
diagnostic lists the chain.

## Why
An include loop cannot be expanded: the build would never finish, so kbc
refuses it.

## Example
Bad: `includes/a.md` contains `[!INCLUDE [b](b.md)]` and `includes/b.md`
contains `[!INCLUDE [a](a.md)]`.

Good: move the shared text into a third file that both include, and which
includes neither.

## How to fix
Remove one of the directives in the listed chain.

## Configuration
`include-cycle = "deny"` (default).
"#,
};

impl Rule for IncludeCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let resolver = cx.resolver();
        // Files followed to the end without a cycle back to the article.
        let mut done = std::collections::HashSet::new();
        for d in include::directives(article.text(), |o| article.body.in_code(o)) {
            let Target::Found(path) = resolver.resolve(article.path(), &d.target) else { continue };
            let mut stack = vec![article.path().to_string()];
            if let Some(chain) = resolver.cycle(&path, &mut stack, &mut done) {
                let msg = format!("include cycle: {}", chain.join(" -> "));
                out.push(Diagnostic::new(&META, d.span, msg).with_help("remove one include of the chain"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_a_loop_between_two_includes() {
        let a = article("", "[!INCLUDE [x](inc/x.md)]\n");
        let x = "[!INCLUDE [y](y.md)]\n";
        let y = "[!INCLUDE [x](x.md)]\n";
        let d = check_files("include-cycle", &[("kb/a.md", &a), ("kb/inc/x.md", x), ("kb/inc/y.md", y)]);
        let on_a: Vec<_> = d.iter().filter(|d| d.path == "kb/a.md").collect();
        assert_eq!(on_a.len(), 1);
        assert!(on_a[0].message.contains("kb/inc/x.md -> kb/inc/y.md -> kb/inc/x.md"), "{}", on_a[0].message);
    }

    #[test]
    fn accepts_the_same_include_used_twice() {
        let a = article("", "[!INCLUDE [x](x.md)]\n\n[!INCLUDE [x](x.md)]\n");
        assert!(check_files("include-cycle", &[("kb/a.md", &a), ("kb/x.md", "Shared.\n")]).is_empty());
    }
}
