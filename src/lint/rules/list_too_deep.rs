use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct ListTooDeep;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB104",
    name: "list-too-deep",
    default_level: Level::Warning,
    summary: "A list is nested more than 2 levels deep",
    docs: r#"## What it checks
Lists nested three or more levels deep. Each third-level list is reported
once, at its first item.

## Why
The templates say "only 2 levels of bullets are supported": the portal
flattens or mangles deeper lists.

## Example
Bad:

```markdown
* Networking
  * Firewall
    * Open port 443
```

Good:

```markdown
* Networking
  * Firewall: open port 443
```

## How to fix
Flatten the list to two levels, or turn the third level into sentences or a
numbered list under its own H3.

## Configuration
`list-too-deep = "warn"` (default).
"#,
};

/// The deepest nesting the portal renders.
const MAX_DEPTH: usize = 2;

impl Rule for ListTooDeep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for list in article.body.lists.iter().filter(|l| l.depth == MAX_DEPTH + 1) {
            let s = &text[list.span.clone()];
            let first_line = s.find(['\r', '\n']).unwrap_or(s.len());
            let span = list.span.start..list.span.start + first_line;
            let msg = format!("list nested {} levels deep; the portal renders only {MAX_DEPTH}", list.depth);
            out.push(Diagnostic::new(&META, span, msg).with_help("flatten the list to two levels"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_each_third_level_list_once() {
        let body = "* a\n  * b\n    * c\n    * d\n      * e\n  * f\n    * g\n";
        let d = check("list-too-deep", &article("", body));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn accepts_two_levels_and_separate_lists() {
        let body = "* a\n  * b\n\n1. one\n   * two\n";
        assert!(check("list-too-deep", &article("", body)).is_empty());
    }
}
