use super::duplicate_file_name::also_used_by;
use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct DuplicateDisplayOrder;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB302",
    name: "duplicate-display-order",
    default_level: Level::Warning,
    summary: "Two articles listed together share a displayOrder",
    docs: r#"## What it checks
That no two articles shown in the same accordion have the same
`displayOrder`. Only `generic` and `resource` articles are compared: those
are the articles of the troubleshoot accordion the guide describes (its
`selfHelpType` "Options: resource, generic"); insights, diagnostics and the
other types are shown as cards whose templates leave `displayOrder` empty.
Articles are listed together when they have the same `selfHelpType`,
`service` and `resource` (compared without regard to case or surrounding
spaces) and are published to a common cloud: an article and its
`-mooncake` twin that publish to different clouds may share a number.
Articles without a `service`, without a numeric `displayOrder`, or
published nowhere are not compared.

## Why
The TPS Authoring Guide's property table says `displayOrder` is "The order
that the articles should appear in the accordion" and "Must be a unique
number for every article in that service". Two articles with one number
appear in an order nobody chose, and it can change from one publication to
the next.

This rule is noisy on legacy content (on the 11,034-article corpus, 620
articles share their number with another), so it is a warning:
adopt it with a baseline or `[[lints.overrides]]` for old folders.

## Example
Bad: `vm-slow.md` and `vm-restarts.md` both have

```markdown
service="microsoft.compute" resource="virtualmachines" displayOrder="3"
```

Good: `vm-restarts.md` gets `displayOrder="4"`.

## How to fix
Renumber the articles of the service so each has its own number. Leaving
gaps (10, 20, 30) makes later insertions easy.

## Configuration
`duplicate-display-order = "warn"` (default).
"#,
};

/// What puts two articles in the same list: self-help type, service and
/// resource (normalised) and the number.
/// `selfHelpType`, `service`, `resource` (lowercase) and `displayOrder`.
type Key = (String, String, String, i64);

impl Rule for DuplicateDisplayOrder {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// Articles are grouped by the list they are shown in and their number
    /// (those published nowhere too: they share a cloud with none).
    fn group_keys(&self, a: &Article, _source_prefix: &str) -> Vec<String> {
        key(a).map(|key| key_text(&key)).into_iter().collect()
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(key) = key(a) else { return };
        let mask = cloud_mask(&a.effective_clouds());
        if mask == 0 {
            return;
        }
        let group = cx.group(META.code, &key_text(&key));
        if group.len() < 2 {
            return;
        }
        // Members by cloud set: at most 32 buckets, so finding who shares a
        // cloud with whom stays linear in the group's size.
        let mut buckets: [Vec<&Article>; 32] = Default::default();
        for member in group.iter() {
            buckets[usize::from(cloud_mask(&member.effective_clouds()))].push(member);
        }
        let sharing = (1..32).filter(|m| m & mask != 0).flat_map(|m| &buckets[usize::from(m)]);
        let others = sharing.clone().count() - 1;
        let shown: Vec<&Article> = sharing.filter(|o| o.path() != a.path()).take(SHOWN).copied().collect();
        if others > 0 {
            let (_, service, resource, order) = &key;
            out.push(diagnostic(a, others, &shown, service, resource, *order));
        }
    }
}

/// A group key: the fields, separated by a character no value holds.
fn key_text((kind, service, resource, order): &Key) -> String {
    format!("{kind}\n{service}\n{resource}\n{order}")
}

/// How many of the other articles a finding names.
const SHOWN: usize = 1;

fn cloud_mask(clouds: &[Cloud]) -> u8 {
    clouds.iter().map(|c| 1u8 << Cloud::ALL.iter().position(|x| x == c).unwrap_or(0)).fold(0, |m, b| m | b)
}

fn key(a: &Article) -> Option<Key> {
    let norm = |name: &str| a.props.value(name).unwrap_or("").to_lowercase();
    let service = norm("service");
    let kind = a.self_help_type().filter(|t| matches!(*t, "generic" | "resource"))?;
    let order = a.props.display_order()?;
    (!service.is_empty()).then(|| (kind.to_string(), service, norm("resource"), order))
}

fn diagnostic(a: &Article, n: usize, others: &[&Article], service: &str, resource: &str, order: i64) -> Diagnostic {
    let span = a.props.get("displayOrder").map_or(0..0, |x| x.value_span.clone());
    let list = if resource.is_empty() { service.to_string() } else { format!("{service} / {resource}") };
    let by = also_used_by(others[0].path(), n);
    let msg = format!("displayOrder {order} is also used by {by} in the list of {list}");
    Diagnostic::new(&META, span, msg).with_path(a.path()).with_help("give each article of the service its own number")
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    fn numbered(order: &str, clouds: &str) -> String {
        article(&format!("  displayOrder=\"{order}\"\n"), "Body\n").replace("\"public\"", &format!("\"{clouds}\""))
    }

    #[test]
    fn reports_every_article_sharing_a_number_in_a_common_cloud() {
        let (a, b, c) = (numbered("3", "public"), numbered(" 3 ", "public, fairfax"), numbered("4", "public"));
        let d = check_files("KB302", &[("a.md", &a), ("b.md", &b), ("c.md", &c)]);
        assert_eq!(d.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(), ["a.md", "b.md"]);
        assert_eq!(d[0].message, "displayOrder 3 is also used by `b.md` in the list of microsoft.test / things");
    }

    #[test]
    fn allows_twins_in_other_clouds_other_resources_types_and_services() {
        let a = numbered("3", "public");
        let moon = numbered("3", "mooncake");
        let other_resource = a.replace("resource=\"things\"", "resource=\"widgets\"");
        let other_type = a.replace("\"generic\"", "\"resource\"");
        let no_service = a.replace("  service=\"microsoft.test\"\n", "");
        let insight = a.replace("\"generic\"", "\"rca\"");
        assert!(check_files("KB302", &[("i.md", &insight), ("j.md", &insight)]).is_empty(), "insights are not listed");
        let files = [
            ("a.md", a.as_str()),
            ("m.md", &moon),
            ("r.md", &other_resource),
            ("t.md", &other_type),
            ("n.md", &no_service),
        ];
        assert!(check_files("KB302", &files).is_empty());
    }

    #[test]
    fn compares_service_and_resource_without_case() {
        let a = numbered("3", "public");
        let upper = a.replace("microsoft.test", "Microsoft.Test").replace("\"things\"", "\"Things\"");
        assert_eq!(check_files("KB302", &[("a.md", &a), ("b.md", &upper)]).len(), 2);
    }
}
