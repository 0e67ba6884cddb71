use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::parse::body::Link;

pub(crate) struct LinksRunTogether;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB112",
    name: "links-run-together",
    default_level: Level::Warning,
    summary: "A link ends a line and the next line starts with a link, with no line break between them",
    docs: r#"## What it checks
A line that ends with a link, followed directly (no blank line) by a line
that starts with a link, in the same paragraph, without a line break at the
end of the first: no `<br>`, no two trailing spaces, no `\`. The first line
must hold nothing but its link (and a list marker): a sentence that ends
with a link followed by a sentence that starts with one reads fine as a
paragraph.

## Why
Markdown joins the lines of a paragraph, so the two links are shown on one
line, run together. The TPS Authoring Guide (Recommended Documents) says:
"All documents except the last one should end with <br> so that the next
document link will be on the next line".

## Example
Bad:

```markdown
[Troubleshoot SSH](https://docs.microsoft.com/azure/virtual-machines/troubleshooting/troubleshoot-ssh-connection)
[Reset a password](https://docs.microsoft.com/azure/virtual-machines/linux/reset-password)
```

Good:

```markdown
[Troubleshoot SSH](https://docs.microsoft.com/azure/virtual-machines/troubleshooting/troubleshoot-ssh-connection)<br>
[Reset a password](https://docs.microsoft.com/azure/virtual-machines/linux/reset-password)
```

or a bulleted list, as the current templates show.

## How to fix
End the first line with `<br>` (`kbc check --fix` adds it), or make the
links a list.

## Configuration
`links-run-together = "warn"` (default).
"#,
};

impl Rule for LinksRunTogether {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        let links: Vec<&Link> = article.body.links.iter().filter(|l| !l.autolink && !l.image).collect();
        for pair in links.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if !runs_into(text, a, b) {
                continue;
            }
            let msg = "this link and the one on the next line are shown on one line";
            let d = Diagnostic::new(&META, a.span.clone(), msg)
                .with_help("end the line with `<br>`, or make the links a list")
                .with_fix(a.span.end..a.span.end, "<br>");
            out.push(d);
        }
    }
}

/// `a` is alone on its line (a list marker aside), with no hard break after
/// it, and `b` starts the very next line.
fn runs_into(text: &str, a: &Link, b: &Link) -> bool {
    let Some(between) = text.get(a.span.end..b.span.start) else { return false };
    let Some((end_of_a, start_of_b)) = between.split_once('\n') else { return false };
    let tail = end_of_a.trim_end_matches('\r');
    let hard_break = tail.ends_with("  ") || tail.ends_with('\\');
    let line_start = text[..a.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before_a = text[line_start..a.span.start].trim();
    // A sentence that ends with a link, followed by one that starts with a
    // link, reads fine run together; a line of links does not.
    let alone = before_a.is_empty() || is_list_marker(before_a);
    alone && !hard_break && tail.trim().is_empty() && start_of_b.trim_start_matches([' ', '\t']).is_empty()
}

/// `*`, `-`, `+`, `1.` or `1)`.
fn is_list_marker(s: &str) -> bool {
    matches!(s, "*" | "-" | "+")
        || s.strip_suffix(['.', ')']).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_links_on_consecutive_lines_with_a_fix() {
        let text = article(
            "",
            "[a](https://a.test)\n[b](https://b.test)\n[c](https://c.test)\n\n1. [d](https://d.test)\n[e](https://e.test)\n",
        );
        let d = check("KB112", &text);
        assert_eq!(d.len(), 3);
        assert_eq!(&text[d[0].span.clone()], "[a](https://a.test)");
        let fix = d[0].fix.as_ref().unwrap();
        assert_eq!((fix.span.start, fix.replacement.as_str()), (d[0].span.end, "<br>"));
    }

    #[test]
    fn allows_breaks_lists_blank_lines_and_text_between() {
        for body in [
            "[a](https://a.test)<br>\n[b](https://b.test)\n",
            "[a](https://a.test)  \n[b](https://b.test)\n",
            "[a](https://a.test)\\\n[b](https://b.test)\n",
            "* [a](https://a.test)\n* [b](https://b.test)\n",
            "[a](https://a.test)\n\n[b](https://b.test)\n",
            "[a](https://a.test) and\n[b](https://b.test)\n",
            "[a](https://a.test)\nsee [b](https://b.test)\n",
            "To fix it, [do this](https://a.test)\n[Learn more](https://b.test).\n",
            "## [a](https://a.test)\n[b](https://b.test)\n",
        ] {
            assert!(check("KB112", &article("", body)).is_empty(), "{body}");
        }
    }
}
