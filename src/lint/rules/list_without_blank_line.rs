use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct ListWithoutBlankLine;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB113",
    name: "list-without-blank-line",
    default_level: Level::Warning,
    summary: "A list starts on the line right after a paragraph, with no empty line before it",
    docs: r#"## What it checks
Top-level lists whose first item directly follows a line of text, with no
empty line between them. Lists after a heading, inside a block quote, or
nested in another list are left alone.

## Why
The TSG content, Common Solutions and Services Hub templates say: "All
lists require an empty line before the first item and after the last
item." Renderers disagree about a list that interrupts a paragraph: the
help site (CommonMark) shows a list, but Markdown engines that follow the
original rules, as the portal's templates warn, show the items as one run
of text with literal asterisks or numbers.

This rule is noisy on legacy content: on the 11,034-article corpus 477
lists in about 360 articles start this way. (The template's other half, an
empty line after the last item, is not checked: Markdown folds a line that
follows an item into that item, so the parse cannot tell a forgotten empty
line from an item that wraps.)

## Example
Bad:

```markdown
To fix it, do one of the following:
* Restart the cluster.
* Resize the cluster.
```

Good:

```markdown
To fix it, do one of the following:

* Restart the cluster.
* Resize the cluster.
```

## How to fix
Add an empty line before the list. `kbc check --fix` does this.

## Configuration
`list-without-blank-line = "warn"` (default).
"#,
};

impl Rule for ListWithoutBlankLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for list in article.body.lists.iter().filter(|l| l.depth == 1) {
            let start = text[..list.span.start].rfind('\n').map_or(0, |i| i + 1);
            if start == 0 || start <= article.body.start {
                continue;
            }
            let previous = previous_line(text, start);
            let before_list = text[start..list.span.start].trim();
            if previous.trim().is_empty() || !before_list.is_empty() || !is_text(previous) {
                continue;
            }
            let first = &text[list.span.start..];
            let first_line = first.find(['\r', '\n']).map_or(first.len(), |i| i);
            let msg = "list starts right after a line of text; the templates ask for an empty line before it";
            let d = Diagnostic::new(&META, list.span.start..list.span.start + first_line, msg)
                .with_help("add an empty line before the list")
                .with_fix(start..start, if text[..start].ends_with("\r\n") { "\r\n" } else { "\n" });
            out.push(d);
        }
    }
}

/// The line that ends right before `line_start`, without its line break.
fn previous_line(text: &str, line_start: usize) -> &str {
    let end = line_start - 1;
    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
    let begin = text[..end].rfind('\n').map_or(0, |i| i + 1);
    &text[begin..end]
}

/// A paragraph line: not a heading, quote, HTML, table row, code fence or
/// list item.
fn is_text(line: &str) -> bool {
    let t = line.trim_start();
    let list_item = t.starts_with(['*', '-', '+'])
        || t.split_once(['.', ')']).is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    !(t.starts_with(['#', '>', '<', '|'])
        || t.starts_with("```")
        || t.starts_with("~~~")
        || list_item
        || line.starts_with("    ")
        || line.starts_with('\t'))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_a_list_right_after_text_with_a_fix() {
        let text = article("", "Do one of the following:\n* Restart.\n* Resize.\n\nThen:\n1. Wait.\n");
        let d = check("KB113", &text);
        assert_eq!(d.len(), 2);
        assert_eq!(&text[d[0].span.clone()], "* Restart.");
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!((fix.span.start, fix.replacement.as_str()), (text.find("* Restart").unwrap(), "\n"));
    }

    #[test]
    fn allows_empty_lines_headings_nested_lists_and_quotes() {
        assert!(check("KB113", &article("", "1. Run:\n   ```\n   x\n   ```\n2. Wait.\n")).is_empty());
        let body = "Do this:\n\n* Restart.\n  * Really.\n\n## Steps\n* One.\n\n> Note:\n> * quoted\n\n<div>x</div>\n* After HTML.\n";
        assert!(check("KB113", &article("", body)).is_empty());
    }
}
