use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;
use crate::syntax::json::{Node, Value};
use crate::syntax::url::Url;
use std::collections::BTreeSet;

pub(crate) struct UnknownBlade;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB212",
    name: "unknown-blade",
    default_level: Level::Warning,
    summary: "A link or embedded data opens a portal blade that is not on the knowledge base's list",
    docs: r#"## What it checks
Every portal blade an article opens must be on the list of blades the
knowledge base configures, compared without regard to case:

```toml
[vocabularies]
blades = "vocabularies/blades.txt"   # relative to ROOT
```

The file holds one `Extension.BladeName` per line
(`Microsoft_Azure_Support.NewSupportRequestBlade`); `#` starts a comment.
Without the setting the rule is off. A missing or unreadable file, or a
line that is not a blade, is a configuration error naming the file.

Checked: `data-blade:` and `button-data-context:` links (the extension and
blade before any parameters), and objects in the embedded JSON with an
`extensionName` and a `bladeName` (diagnose-and-solve tools' `bladeLink`,
Advisor `actions`). Malformed blade links are left to
`malformed-data-blade-link`.

## Why
The TPS Authoring Guide says: "Reference the blade list in the
documentation folder to get the links to blades. If you need a blade that
is not on the blade list yet, please reach out to us … to onboard new
blades." A blade that is not onboarded does not open. The repository's
Blade library document is stale (most blades in use are not on it), so
each knowledge base keeps its list in a file it controls.

## Example
Bad, when the list does not have it:

```markdown
[Reset password](data-blade:Microsoft_Azure_Compute.PasswordResetBlade)
```

Good, with the blade the list names:

```markdown
[Reset password](data-blade:Microsoft_Azure_Classic_Compute.PasswordResetBlade)
```

## How to fix
Use a blade from the list, or have the blade onboarded and add it to the
vocabulary file.

## Configuration
`unknown-blade = "warn"` (default), active only when `[vocabularies] blades`
is set.
"#,
};

impl Rule for UnknownBlade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(known) = &cx.config.vocabularies.blade_list else { return };
        let mut used = link_blades(article);
        if let Some(Ok(root)) = article.embedded_json() {
            json_blades(&root, &mut used);
        }
        for (blade, span) in used {
            if !known.contains(&blade.to_lowercase()) {
                out.push(diagnostic(&blade, span, known, cx));
            }
        }
    }
}

fn diagnostic(blade: &str, span: Span, known: &BTreeSet<String>, cx: &Context<'_>) -> Diagnostic {
    let msg = format!("blade `{blade}` is not on the knowledge base's list of blades");
    let d = Diagnostic::new(&META, span, msg);
    match crate::article::vocab::did_you_mean(blade, known.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => {
            let file = cx
                .config
                .vocabularies
                .blades
                .as_deref()
                .map_or("the vocabulary file".into(), |p| format!("`{}`", p.display()));
            d.with_help(format!("use a blade from the list, or add this one to {file} once it is onboarded"))
        }
    }
}

/// `Extension.Blade` of each blade link, with the link's span.
fn link_blades(article: &Article) -> Vec<(String, Span)> {
    let mut found = Vec::new();
    for link in article.body.all_links() {
        let url = Url::parse(&link.url);
        let blade_link = url
            .scheme
            .is_some_and(|s| s.eq_ignore_ascii_case("data-blade") || s.eq_ignore_ascii_case("button-data-context"));
        if !blade_link {
            continue;
        }
        let target = url.path.split(';').next().unwrap_or("");
        let mut parts = target.split('.');
        if let (Some(ext), Some(blade)) = (parts.next(), parts.next()) {
            let name = format!("{}.{}", ext.trim(), blade.trim());
            if crate::vocabulary::is_blade(&name) {
                found.push((name, link.span.clone()));
            }
        }
    }
    found
}

/// `extensionName`.`bladeName` of every JSON object that has both (non-empty
/// strings), with the span of the blade name.
fn json_blades(node: &Node, out: &mut Vec<(String, Span)>) {
    match &node.value {
        Value::Object(members) => {
            let ext = node.get("extensionName").and_then(Node::as_str).map(str::trim);
            let blade = node.get("bladeName").filter(|b| b.as_str().is_some_and(|s| !s.trim().is_empty()));
            if let (Some(ext), Some(b)) = (ext.filter(|e| !e.is_empty()), blade) {
                out.push((format!("{ext}.{}", b.as_str().unwrap_or("").trim()), b.span.clone()));
            }
            members.iter().for_each(|(_, _, v)| json_blades(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| json_blades(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::rules::testing::{article, check, check_files_with};

    fn config() -> Config {
        let mut c = Config::default();
        let list = ["microsoft_azure_support.newsupportrequestblade", "microsoft_azure_compute.virtualmachineredeploy"];
        c.vocabularies.blade_list = Some(list.iter().map(|b| b.to_string()).collect());
        c
    }

    #[test]
    fn reports_links_and_json_blades_missing_from_the_list() {
        let body = "[a](data-blade:Microsoft_Azure_Support.NewSupportRequestBlade) \
            [b](data-blade:Microsoft_Azure_Compute.VirtualMachineRedeploi.id.$resourceId) \
            [c](button-data-context:Other_Ext.Blade.id.$resourceId;data-blade-uri:{$domain}/x) \
            [d](data-blade:Broken)\n";
        let d = check_files_with("KB212", &[("a.md", &article("", body))], &config());
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `microsoft_azure_compute.virtualmachineredeploy`?"));
        assert_eq!(d[1].message, "blade `Other_Ext.Blade` is not on the knowledge base's list of blades");
    }

    #[test]
    fn checks_blade_names_in_the_embedded_json() {
        let text = "<properties selfHelpType=\"diagnoseAndSolve\" />\n# D\n---\n{\"troubleshootingTools\": [{\"bladeLink\": {\"extensionName\": \"Microsoft_Azure_Compute\", \"bladeName\": \"VirtualMachineRedeploy\"}}, {\"bladeLink\": {\"extensionName\": \"X\", \"bladeName\": \"Y\"}}, {\"extensionName\": \"\", \"bladeName\": \"\"}]}\n---\n";
        let d = check_files_with("KB212", &[("a.md", text)], &config());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(&text[d[0].span.clone()], "\"Y\"");
    }

    #[test]
    fn is_off_without_a_configured_list() {
        assert!(check("KB212", &article("", "[b](data-blade:Any.Blade)\n")).is_empty());
    }
}
