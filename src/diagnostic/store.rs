//! Diagnostics kept between runs: a build stores what checking found, so that
//! a later build over unchanged input can show the same findings without
//! checking again (as cargo replays a crate's warnings). Spans are stored as
//! byte ranges; rule names come back by code from the caller's rules.

use super::{Diagnostic, Fix, Label, Level, RuleMeta};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    code: Cow<'a, str>,
    level: Level,
    #[serde(borrow)]
    path: Cow<'a, str>,
    span: (usize, usize),
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    help: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    labels: Vec<(String, (usize, usize), String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fix: Option<((usize, usize), String)>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    redact: bool,
}

/// Writes `diags` as JSON, in their order, one at a time.
pub(crate) fn encode(out: &mut impl std::io::Write, diags: &[Diagnostic]) -> serde_json::Result<()> {
    out.write_all(b"[").map_err(serde_json::Error::io)?;
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.write_all(b",").map_err(serde_json::Error::io)?;
        }
        let stored = Stored {
            code: Cow::Borrowed(d.code),
            level: d.level,
            path: Cow::Borrowed(&d.path),
            span: (d.span.start, d.span.end),
            message: Cow::Borrowed(&d.message),
            help: d.help.as_deref().map(Cow::Borrowed),
            labels: d.labels.iter().map(|l| (l.path.clone(), (l.span.start, l.span.end), l.message.clone())).collect(),
            fix: d.fix.as_ref().map(|f| ((f.span.start, f.span.end), f.replacement.clone())),
            redact: d.redact,
        };
        serde_json::to_writer(&mut *out, &stored)?;
    }
    out.write_all(b"]").map_err(serde_json::Error::io)
}

/// The diagnostics [`encode`] wrote; `None` when the bytes are not such a
/// list or name a rule `rule` (a lookup by code) does not know.
pub(crate) fn decode(bytes: &[u8], rule: impl Fn(&str) -> Option<&'static RuleMeta>) -> Option<Vec<Diagnostic>> {
    let stored: Vec<Stored<'_>> = serde_json::from_slice(bytes).ok()?;
    stored
        .into_iter()
        .map(|s| {
            let meta = rule(&s.code)?;
            Some(Diagnostic {
                code: meta.code,
                name: meta.name,
                level: s.level,
                path: s.path.into_owned(),
                span: s.span.0..s.span.1,
                message: s.message.into_owned(),
                help: s.help.map(Cow::into_owned),
                labels: s
                    .labels
                    .into_iter()
                    .map(|(path, (a, b), message)| Label { path, span: a..b, message })
                    .collect(),
                fix: s.fix.map(|((a, b), replacement)| Fix { span: a..b, replacement }),
                redact: s.redact,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static META: RuleMeta =
        RuleMeta { code: "KB012", name: "duplicate-article-id", default_level: Level::Error, summary: "", docs: "" };

    fn rule(code: &str) -> Option<&'static RuleMeta> {
        (code == META.code).then_some(&META)
    }

    #[test]
    fn diagnostics_come_back_as_they_were_stored() {
        let meta = &META;
        let mut d = Diagnostic::new(meta, 3..9, "a \"quoted\" message")
            .with_help("a help")
            .with_label("other.md", 1..2, "here too")
            .with_fix(3..9, "new");
        d.path = "articles/a.md".into();
        d.level = Level::Warning;
        let plain = Diagnostic { path: "b.md".into(), ..Diagnostic::new(meta, 0..0, "plain") };
        let secret = Diagnostic::new(meta, 1..2, "secret").with_path("c.md").redacted();
        let diags = vec![d, plain, secret];
        let mut bytes = Vec::new();
        encode(&mut bytes, &diags).unwrap();
        assert_eq!(decode(&bytes, rule).unwrap(), diags);
    }

    #[test]
    fn an_unknown_rule_code_is_not_decoded() {
        assert!(
            decode(br#"[{"code":"KB999","level":"error","path":"a.md","span":[0,1],"message":"m"}]"#, rule).is_none()
        );
        assert!(decode(b"not json", rule).is_none());
    }
}
