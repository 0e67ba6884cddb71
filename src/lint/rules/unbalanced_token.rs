use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::portal::{self, Marker};

pub(crate) struct UnbalancedToken;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB403",
    name: "unbalanced-token",
    default_level: Level::Error,
    summary: "A replacement token `<!--$Name-->` without its `<!--/$Name-->` (or the reverse)",
    docs: r#"## What it checks
Replacement tokens in diagnostic articles come in pairs: `<!--$Name-->`, a
sample value, then `<!--/$Name-->`. This reports an opening token with no
closing token of the same name after it, and a closing token with no opening
token before it, and tokens written with a blank after `$` (`<!--$ Name-->`),
which the portal does not recognise. Tokens inside code are ignored.

## Why
The portal replaces everything between the two comments with the value the
diagnostic found. Without the closing comment the value is never inserted,
or the rest of the paragraph is replaced.

## Example
Bad:

```markdown
Your database <!--$DatabaseName-->DatabaseName has reached its limit.
```

Good:

```markdown
Your database <!--$DatabaseName-->DatabaseName<!--/$DatabaseName--> has reached its limit.
```

## How to fix
Add the missing `<!--/$Name-->` right after the sample value (or the missing
opening token before it), spelling the name identically.

## Configuration
`unbalanced-token = "deny"` (default).
"#,
};

impl Rule for UnbalancedToken {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let all = article.portal_markers();
        let tokens: Vec<&Marker> = all.iter().filter(|m| m.token).collect();
        for m in tokens.iter().filter(|m| m.spaced) {
            let slash = if m.closing { "/" } else { "" };
            let msg = format!("token has a blank after `$`; the portal expects `<!--{slash}${}-->`", m.name);
            let d = Diagnostic::new(&META, m.span.clone(), msg)
                .with_fix(m.span.clone(), format!("<!--{slash}${}-->", m.name));
            out.push(d.with_help("remove the blank between `$` and the name"));
        }
        for m in portal::pair(&tokens).1 {
            let (msg, help) = if m.closing {
                (
                    format!("closing token `<!--/${}-->` has no opening token", m.name),
                    "add `<!--$NAME-->` before the value",
                )
            } else {
                (format!("token `<!--${}-->` is never closed", m.name), "add `<!--/$NAME-->` after the sample value")
            };
            let help = help.replace("NAME", &m.name);
            out.push(Diagnostic::new(&META, m.span.clone(), msg).with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_unclosed_and_unopened_tokens() {
        let body = "DB <!--$Db-->name and <!--/$Server--> and <!--$Ok-->v<!--/$Ok-->\n";
        let d = check("unbalanced-token", &article("", body));
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("never closed") && d[1].message.contains("no opening"));
    }

    #[test]
    fn reports_a_blank_after_the_dollar_once_with_a_fix() {
        let text = article("", "|<!--$ Scenario-->Scenario<!--/$Scenario-->|\n");
        let d = check("unbalanced-token", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "<!--$Scenario-->");
    }

    #[test]
    fn accepts_pairs_with_spaces_and_tokens_in_code() {
        let body = "DB <!--$Db -->name<!--/$Db --> and `<!--$Code-->`\n\n```\n<!--$X-->\n```\n";
        assert!(check("unbalanced-token", &article("", body)).is_empty());
    }
}
