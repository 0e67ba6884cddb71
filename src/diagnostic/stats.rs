//! `kbc check --statistics`: how many findings each rule has, instead of the
//! findings themselves, for a first look at a large knowledge base.

use super::{Diagnostic, Level};
use std::collections::HashMap;
use std::io::Write;

/// One rule's findings, counted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    #[serde(rename = "severity")]
    pub level: Level,
    pub count: usize,
}

/// Counts by rule (and level, as overrides can give one rule two levels),
/// most findings first, then by code.
pub(crate) fn count(diags: &[Diagnostic]) -> Vec<RuleCount> {
    let mut by_rule: HashMap<(&'static str, &'static str, Level), usize> = HashMap::new();
    for d in diags {
        *by_rule.entry((d.code, d.name, d.level)).or_default() += 1;
    }
    let mut counts: Vec<RuleCount> =
        by_rule.into_iter().map(|((code, name, level), count)| RuleCount { code, name, level, count }).collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)).then(a.level.as_str().cmp(b.level.as_str())));
    counts
}

/// A table: count, code, name, level; one rule a line.
pub(crate) fn write_human(out: &mut impl Write, counts: &[RuleCount]) -> std::io::Result<()> {
    let width = counts.iter().map(|c| c.count.to_string().len()).max().unwrap_or(1);
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in counts {
        writeln!(out, "{:>width$}  {}  {:<name_width$}  {}", c.count, c.code, c.name, c.level.as_str())?;
    }
    Ok(())
}

/// JSON Lines, like `--format json`: one object a rule.
pub(crate) fn write_json(out: &mut impl Write, counts: &[RuleCount]) -> std::io::Result<()> {
    for c in counts {
        serde_json::to_writer(&mut *out, c)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(code: &'static str, name: &'static str, level: Level) -> Diagnostic {
        Diagnostic {
            code,
            name,
            level,
            path: "a.md".into(),
            span: 0..0,
            message: String::new(),
            help: None,
            labels: vec![],
            fix: None,
            redact: false,
        }
    }

    #[test]
    fn counts_by_rule_most_first_and_aligns_the_table() {
        let w = |c, n| diag(c, n, Level::Warning);
        let diags = [
            w("KB203", "short-link"),
            diag("KB012", "duplicate-article-id", Level::Error),
            w("KB203", "short-link"),
            w("KB105", "unsupported-table"),
        ];
        let counts = count(&diags);
        assert_eq!(
            counts.iter().map(|c| (c.code, c.count)).collect::<Vec<_>>(),
            [("KB203", 2), ("KB012", 1), ("KB105", 1)]
        );
        let mut out = Vec::new();
        write_human(&mut out, &counts).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2  KB203  short-link            warning\n\
             1  KB012  duplicate-article-id  error\n\
             1  KB105  unsupported-table     warning\n"
        );
        let mut json = Vec::new();
        write_json(&mut json, &counts[..1]).unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            "{\"code\":\"KB203\",\"name\":\"short-link\",\"severity\":\"warning\",\"count\":2}\n"
        );
    }
}
