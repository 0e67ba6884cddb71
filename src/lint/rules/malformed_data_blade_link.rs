use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::syntax::url::Url;

pub(crate) struct MalformedDataBladeLink;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB206",
    name: "malformed-data-blade-link",
    default_level: Level::Error,
    summary: "A `data-blade:` link not of the form extension.blade(.param.value)*",
    docs: r#"## What it checks
Portal blade links, `data-blade:Extension.BladeName.param.value`: an
extension name and a blade name, then zero or more parameter name and value
pairs, separated by dots. Names are letters, digits and underscores; values
must not be empty. A `;data-blade-uri:…` suffix is allowed. The template's
own placeholder (`extensionName.bladeName.nameOfInputParam.valueOfInputParam`)
is reported too.

## Why
The portal opens the blade by splitting the link on dots. A missing part, a
parameter without a value, or stray spaces open nothing.

## Example
Bad:

```markdown
[Reset password](data-blade:Microsoft_Azure_Compute.VirtualMachinePasswordReset.id)
```

Good:

```markdown
[Reset password](data-blade:Microsoft_Azure_Compute.VirtualMachinePasswordReset.id.$resourceId)
```

## How to fix
Give every parameter a value (`$resourceId`, `$subscriptionId`), or remove
the dangling parameter name.

## Configuration
`malformed-data-blade-link = "deny"` (default).
"#,
};

impl Rule for MalformedDataBladeLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for link in article.body.all_links() {
            let url = Url::parse(&link.url);
            if !url.scheme.is_some_and(|s| s.eq_ignore_ascii_case("data-blade")) {
                continue;
            }
            if let Some(problem) = problem(url.path) {
                let msg = format!("blade link `{}` {problem}", link.url);
                let help = "write `data-blade:Extension.BladeName` then `.param.value` pairs";
                out.push(Diagnostic::new(&META, link.span.clone(), msg).with_help(help));
            }
        }
    }
}

/// What is wrong with the part after `data-blade:`, if anything.
fn problem(target: &str) -> Option<&'static str> {
    let target = target.split(';').next().unwrap_or("");
    if target.eq_ignore_ascii_case("extensionName.bladeName.nameOfInputParam.valueOfInputParam") {
        return Some("is the template placeholder");
    }
    let parts: Vec<&str> = target.split('.').collect();
    let is_name = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if parts.len() < 2 || !is_name(parts[0]) || !is_name(parts[1]) {
        return Some("needs an extension name and a blade name");
    }
    let params = &parts[2..];
    if params.len() % 2 == 1 {
        return Some("has a parameter without a value");
    }
    let bad_pair = params.chunks(2).any(|p| !is_name(p[0]) || p[1].is_empty() || p[1].contains(char::is_whitespace));
    bad_pair.then_some("has an empty or invalid parameter")
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_missing_parts_dangling_params_and_the_placeholder() {
        let body = "[a](data-blade:Ext) [b](data-blade:Ext.Blade.id) [c](data-blade:Ext..x.y) \
            [d](data-blade:extensionName.bladeName.nameOfInputParam.valueOfInputParam)\n";
        let d = check("malformed-data-blade-link", &article("", body));
        assert_eq!(d.len(), 4);
        assert!(d[1].message.contains("without a value"));
    }

    #[test]
    fn allows_well_formed_links_with_uri_suffix() {
        let body = "[a](data-blade:Microsoft_Azure_Support.NewSupportRequestBlade) \
            [b](data-blade:Ext.Blade.resourceId.$resourceId;data-blade-uri:{$domain}/x)\n";
        assert!(check("malformed-data-blade-link", &article("", body)).is_empty());
    }
}
