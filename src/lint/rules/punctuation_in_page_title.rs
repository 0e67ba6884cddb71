use super::template_placeholder::is_placeholder;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct PunctuationInPageTitle;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB020",
    name: "punctuation-in-page-title",
    default_level: Level::Warning,
    summary: "pageTitle has a comma or ends a sentence with a period",
    docs: r#"## What it checks
That `pageTitle` is one sentence without periods or commas. Reported: every
comma (except a digit group separator such as `1,000`) and every period that
ends a sentence, that is one followed by a space or closing the title. A dot
inside a word is not a period: `Microsoft.Compute`, `.NET`, `3.6` and
`web.config` are fine.

## Why
The TPS Authoring Guide's property table says of `pageTitle`: "This can
only be one sentence - Do not include periods or commas". The title is
shown in the troubleshoot accordion and the case-submission list, and it is
localized ("Will be localized") one sentence at a time.

This rule is noisy on legacy content: on the 11,034-article corpus about
one title in twelve has a comma or a trailing period, most of them insight
and diagnostic titles written as sentences. It is a warning, so adopt it
with a baseline (`kbc check --write-baseline`) or turn it off for old
folders with `[[lints.overrides]]`.

## Example
Bad:

```markdown
pageTitle="My VM is slow, unresponsive or restarts."
```

Good:

```markdown
pageTitle="My VM is slow or unresponsive"
```

## How to fix
Rephrase the title as one sentence without commas and drop the final
period. When a single trailing period is the only problem,
`kbc check --fix` removes it.

## Configuration
`punctuation-in-page-title = "warn"` (default).
"#,
};

impl Rule for PunctuationInPageTitle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(attr) = article.props.get("pageTitle") else { return };
        if is_placeholder(&attr.value) {
            return;
        }
        let text = article.text();
        let raw = &text[attr.value_span.clone()];
        let marks = marks(raw);
        if marks.is_empty() {
            return;
        }
        let at = |i: usize| attr.value_span.start + i;
        let commas = marks.iter().filter(|m| m.1 == ',').count();
        let periods = marks.len() - commas;
        let msg = format!(
            "pageTitle has {}; the guide asks for one sentence without periods or commas",
            what(commas, periods)
        );
        let lead = raw.len() - raw.trim_start().len();
        let span = at(lead)..at(lead + raw.trim().len());
        let mut d = Diagnostic::new(&META, span, msg)
            .with_help("rephrase the title as one sentence without commas, and drop the final period");
        if let [(i, '.')] = marks[..]
            && raw[i + 1..].trim().is_empty()
            && !raw[..i].ends_with('.')
        {
            d = d.with_fix(at(i)..at(i) + 1, "");
        }
        out.push(d);
    }
}

/// Commas (not between digits) and sentence-ending periods, by byte offset.
fn marks(raw: &str) -> Vec<(usize, char)> {
    let bytes = raw.as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let mut found = Vec::new();
    for (i, c) in raw.char_indices() {
        let ends = match c {
            ',' => !(digit(i.checked_sub(1)) && digit(Some(i + 1))),
            '.' => ends_sentence(&raw[i + 1..]),
            _ => false,
        };
        if ends {
            found.push((i, c));
        }
    }
    found
}

/// A period ends a sentence when only closing marks stand between it and a
/// space or the end of the title (`.`, `.)`, `."`); a run of periods counts
/// once, at its last one.
fn ends_sentence(after: &str) -> bool {
    let rest = after.trim_start_matches([')', '"', '\'', ']', '\u{201d}', '\u{2019}']);
    rest.is_empty() || rest.starts_with(char::is_whitespace)
}

fn what(commas: usize, periods: usize) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("a {one}")),
        n => Some(format!("{n} {many}")),
    };
    [count(commas, "comma", "commas"), count(periods, "period", "periods")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    fn first_mark(raw: &str) -> Option<crate::source::Span> {
        super::marks(raw).first().map(|&(i, _)| i..i + 1)
    }

    fn titled(title: &str) -> String {
        article("", "").replace("pageTitle=\"Title\"", &format!("pageTitle=\"{title}\""))
    }

    #[test]
    fn reports_commas_and_sentence_periods_once_per_title() {
        let text = titled("My VM is slow, unresponsive, or restarts. Fix it.");
        let d = check("KB020", &text);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "pageTitle has 2 commas and 2 periods; the guide asks for one sentence without periods or commas"
        );
        assert_eq!(&text[d[0].span.clone()], "My VM is slow, unresponsive, or restarts. Fix it.");
        assert!(d[0].fix.is_none(), "only a lone trailing period is fixed");
    }

    #[test]
    fn fixes_a_lone_trailing_period() {
        let text = titled("There is memory pressure on the server.");
        let d = check("KB020", &text);
        let fix = d[0].fix.as_ref().expect("a fix");
        assert_eq!(&text[fix.span.clone()], ".");
        assert_eq!(fix.replacement, "");
        assert!(
            check("KB020", &titled("Wait for it...")).iter().all(|d| d.fix.is_none()),
            "an ellipsis is left to the author"
        );
    }

    #[test]
    fn allows_dots_inside_words_numbers_and_digit_groups() {
        for title in [
            "Microsoft.Compute extension fails on .NET 4.8",
            "Cosmos DB account uses version 3.6",
            "More than 1,000 requests fail",
            "Edit web.config",
            "<Enter the Troubleshooter title>",
        ] {
            assert!(check("KB020", &titled(title)).is_empty(), "{title}");
        }
        assert_eq!(first_mark("e.g. this"), Some(3..4));
        assert_eq!(first_mark("(see docs.)"), Some(9..10));
    }
}
