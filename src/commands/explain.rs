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
    match args.format {
        DocFormat::Text => print!("{}", explain_text(m)),
        DocFormat::Json => println!("{}", serde_json::to_string_pretty(&meta_json(m))?),
    }
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
    match args.format {
        DocFormat::Text => {
            for m in registry::metas() {
                println!("{:<6} {:<34} {:<8} {}", m.code, m.name, m.default_level.as_str(), m.summary);
            }
        }
        DocFormat::Json => {
            let all: Vec<_> = registry::metas().map(meta_json).collect();
            println!("{}", serde_json::to_string_pretty(&all)?);
        }
    }
    Ok(ExitStatus::Success)
}
