//! `kbc explain RULE` and `kbc rules`: the rule catalogue, as text or JSON.

use crate::ExitStatus;
use crate::cli::{DocFormat, ExplainArgs, RulesArgs};
use crate::lint::{RuleMeta, registry};
use anyhow::{Result, bail};
use serde_json::json;

pub fn explain(args: &ExplainArgs) -> Result<ExitStatus> {
    let Some(rule) = registry::find(&args.rule) else {
        bail!("{}", registry::unknown_rule_message(&args.rule));
    };
    let m = rule.meta();
    let text = match args.format {
        DocFormat::Text => explain_text(m),
        DocFormat::Json => format!("{}\n", serde_json::to_string_pretty(&meta_json(m))?),
    };
    print_out(&text)?;
    Ok(ExitStatus::Success)
}

pub fn explain_text(m: &RuleMeta) -> String {
    format!("# {} ({})\n\n{}\n\nDefault level: {}\n\n{}", m.name, m.code, m.summary, m.default_level.as_str(), m.docs)
}

fn meta_json(m: &RuleMeta) -> serde_json::Value {
    json!({
        "code": m.code,
        "name": m.name,
        "defaultLevel": m.default_level.as_str(),
        "summary": m.summary,
        "docs": m.docs,
    })
}

pub fn rules(args: &RulesArgs) -> Result<ExitStatus> {
    let text = match args.format {
        DocFormat::Text => registry::metas()
            .map(|m| format!("{:<6} {:<34} {:<8} {}\n", m.code, m.name, m.default_level.as_str(), m.summary))
            .collect(),
        DocFormat::Json => {
            let all: Vec<_> = registry::metas().map(meta_json).collect();
            format!("{}\n", serde_json::to_string_pretty(&all)?)
        }
    };
    print_out(&text)?;
    Ok(ExitStatus::Success)
}

/// Writes to stdout, returning (not panicking on) errors such as a closed pipe.
fn print_out(text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    crate::ignore_broken_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Into::into))
}
