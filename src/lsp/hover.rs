//! Hover: a support topic id shows its name and product, a product id its
//! description article, a cloud what it is, a rule named in a suppression
//! comment (or a finding under the cursor) the rule's documentation.

use super::position::Lines;
use super::topics::Topics;
use super::workspace::Workspace;
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::lint::registry;
use lsp_types as lsp;

/// What each cloud is, for hover and completion.
pub(crate) fn cloud_doc(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Public => "Azure's global (public) cloud",
        Cloud::Fairfax => "Azure Government (United States government cloud)",
        Cloud::Mooncake => "Azure China, operated by 21Vianet",
        Cloud::Usnat => "Azure Government Secret (US national cloud)",
        Cloud::Ussec => "Azure Government Top Secret (US national cloud)",
    }
}

pub(crate) fn hover(ws: &Workspace, path: &str, pos: lsp::Position) -> Option<lsp::Hover> {
    let a = ws.session.corpus().by_path(path)?;
    let lines = Lines::new(a.text());
    let at = lines.offset(pos);
    let (span, markdown) = header_value(ws, a, at).or_else(|| rule_at(ws, a, at))?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown }),
        range: Some(lines.range(&span)),
    })
}

/// The item of a header list under the cursor, explained.
fn header_value(ws: &Workspace, a: &Article, at: usize) -> Option<(crate::source::Span, String)> {
    let attr = a.props.attrs.iter().find(|x| x.value_span.start <= at && at <= x.value_span.end)?;
    let name = attr.canonical?;
    let item = a.props.list(a.text(), name).into_iter().find(|i| i.span.start <= at && at <= i.span.end)?;
    let text = match name {
        "supportTopicIds" => {
            let topics = Topics::of(ws.session.corpus());
            let found: Vec<String> = topics
                .topic(item.text)
                .map(|t| {
                    let product = topics.product(&t.product).map_or(String::new(), |p| format!(" ({})", p.name));
                    format!("**{}**\n\nsupport topic of product `{}`{product}", t.name, t.product)
                })
                .collect();
            (!found.is_empty()).then(|| found.join("\n\n---\n\n"))?
        }
        "productPesIds" => {
            let topics = Topics::of(ws.session.corpus());
            let p = topics.product(item.text)?;
            let count = topics.topics.iter().filter(|t| t.product == p.id).count();
            format!("**{}**\n\nproduct `{}`, {count} support topics", p.name, p.id)
        }
        "cloudEnvironments" | "disableClouds" => {
            let cloud = Cloud::parse(item.text)?;
            format!("**{cloud}**: {}", cloud_doc(cloud))
        }
        _ => return None,
    };
    Some((item.span, text))
}

/// A rule named in a suppression comment under the cursor, else the rules
/// of the findings under it: their documentation (`kbc explain`).
fn rule_at(ws: &Workspace, a: &Article, at: usize) -> Option<(crate::source::Span, String)> {
    let text = a.text();
    let start = text[..at].rfind(|c: char| c.is_whitespace() || c == ',').map_or(0, |i| i + 1);
    let end = text[at..].find(|c: char| c.is_whitespace() || c == ',').map_or(text.len(), |i| at + i);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..start].contains("kbc-") && text[line_start..start].contains("<!--") {
        let rule = registry::find(&text[start..end])?;
        return Some((start..end, rule.meta().explanation()));
    }
    let here: Vec<_> =
        ws.session.diagnostics_of(a.path()).iter().filter(|d| d.span.start <= at && at <= d.span.end).collect();
    let first = here.first()?;
    let mut codes: Vec<&str> = here.iter().map(|d| d.code).collect();
    codes.dedup();
    let docs: Vec<String> = codes.iter().filter_map(|c| registry::meta(c)).map(|m| m.explanation()).collect();
    Some((first.span.clone(), docs.join("\n\n---\n\n")))
}
