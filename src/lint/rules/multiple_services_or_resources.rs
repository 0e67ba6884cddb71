use crate::article::Article;
use crate::article::properties::split_list;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct MultipleServicesOrResources;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB021",
    name: "multiple-services-or-resources",
    default_level: Level::Warning,
    summary: "service or resource holds a list where one value is allowed",
    docs: r#"## What it checks
That `service` and `resource` each hold a single value: no `,` or `;`
separating several services or resource types, and no stray separator
around the one value.

## Why
The TPS Authoring Guide's property table says of both `service` and
`resource`: "Multiple values are NOT allowed". The portal places an article
under one service and one resource type; a list is read as one odd name
that matches neither.

## Example
Bad:

```markdown
service="microsoft.compute"
resource="virtualMachines, virtualMachineScaleSets"
```

Good: one article per resource type, or the resource type the article is
really about:

```markdown
service="microsoft.compute"
resource="virtualMachines"
```

## How to fix
Keep one value; split the article if it really covers several resource
types. When every value in the list is the same name (differing at most in
case) or only a stray separator is left, `kbc check --fix` keeps the one
value.

## Configuration
`multiple-services-or-resources = "warn"` (default).
"#,
};

impl Rule for MultipleServicesOrResources {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for name in ["service", "resource"] {
            for attr in article.props.all(name) {
                let raw = &text[attr.value_span.clone()];
                if !raw.contains([',', ';']) {
                    continue;
                }
                let items = split_list(text, attr.value_span.clone());
                let Some(first) = items.first() else { continue };
                let same = items.iter().all(|i| i.text.eq_ignore_ascii_case(first.text));
                let msg = match items.len() {
                    1 => format!("{name} has a stray separator around its one value \"{}\"", first.text),
                    n if same => format!("{name} repeats \"{}\" {n} times; it takes one value", first.text),
                    n => format!("{name} lists {n} values; the guide allows one"),
                };
                let help = match same {
                    true => format!("write the {name} once"),
                    false => format!("keep one {name}; split the article if it covers several"),
                };
                let mut d = Diagnostic::new(&META, attr.value_span.clone(), msg).with_help(help);
                if same {
                    d = d.with_fix(attr.value_span.clone(), first.text);
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_lists_in_service_and_resource() {
        let text = article("", "")
            .replace("resource=\"things\"", "resource=\"a/b,c/d\"")
            .replace("service=\"microsoft.test\"", "service=\"microsoft.test; microsoft.other\"");
        let d = check("KB021", &text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "service lists 2 values; the guide allows one");
        assert!(d.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn fixes_repeats_and_stray_separators() {
        let text = article("", "").replace("resource=\"things\"", "resource=\"Things,things\"");
        let d = check("KB021", &text);
        assert_eq!(d[0].message, "resource repeats \"Things\" 2 times; it takes one value");
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "Things");
        let stray = article("", "").replace("service=\"microsoft.test\"", "service=\"microsoft.test,\"");
        let d = check("KB021", &stray);
        assert!(d[0].message.contains("stray separator"));
        assert_eq!(d[0].fix.as_ref().unwrap().replacement, "microsoft.test");
    }

    #[test]
    fn allows_single_values() {
        assert!(check("KB021", &article("", "")).is_empty());
        let slash = article("", "").replace("resource=\"things\"", "resource=\"Microsoft.Compute/virtualMachines\"");
        assert!(check("KB021", &slash).is_empty());
    }
}
