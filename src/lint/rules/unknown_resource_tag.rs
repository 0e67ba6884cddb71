use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnknownResourceTag;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB025",
    name: "unknown-resource-tag",
    default_level: Level::Warning,
    summary: "A resourceTags value that is not on the knowledge base's list",
    docs: r#"## What it checks
Every value of `resourceTags` must be on the list of tags the knowledge base
configures, compared without regard to case:

```toml
[vocabularies]
resource-tags = "vocabularies/resource-tags.txt"   # relative to ROOT
```

The file holds one tag per line; `#` starts a comment. Without the setting
the rule is off. A missing or unreadable file, or a line that is not a tag,
is a configuration error naming the file.

## Why
The TPS Authoring Guide says resourceTags values must be among the
"supported resourceTags" ("See list below for all supported resourceTags.
If you need one of these for your resource, let us know."). A tag the
portal does not know matches no resource, so the article is not shown for
the resources it was meant for. The guide's own list (linux, windows,
datawarehouse, databases, servers) is years out of date, so each knowledge
base keeps its list in a file it controls.

## Example
Bad, with `linux` and `windows` on the list:

```markdown
resourceTags="windows, linx"
```

Good:

```markdown
resourceTags="windows, linux"
```

## How to fix
Correct the tag, or add it to the vocabulary file once the portal supports
it.

## Configuration
`unknown-resource-tag = "warn"` (default), active only when
`[vocabularies] resource-tags` is set.
"#,
};

impl Rule for UnknownResourceTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(known) = &cx.config.vocabularies.resource_tag_list else { return };
        for tag in article.props.list(article.text(), "resourceTags") {
            if known.contains(&tag.text.to_lowercase()) {
                continue;
            }
            let msg = format!("resource tag \"{}\" is not on the knowledge base's list", tag.text);
            let mut d = Diagnostic::new(&META, tag.span.clone(), msg);
            d = match crate::article::vocab::did_you_mean(tag.text, known.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("use a tag from the list, or add this one to {}", file(cx))),
            };
            out.push(d);
        }
    }
}

/// The configured vocabulary file, for help messages.
fn file(cx: &Context<'_>) -> String {
    cx.config
        .vocabularies
        .resource_tags
        .as_deref()
        .map_or("the vocabulary file".into(), |p| format!("`{}`", p.display()))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::rules::testing::{article, check, check_files_with};

    fn config(tags: &[&str]) -> Config {
        let mut c = Config::default();
        c.vocabularies.resource_tag_list = Some(tags.iter().map(|t| t.to_string()).collect());
        c
    }

    #[test]
    fn reports_tags_missing_from_the_list_with_a_suggestion() {
        let text = article("  resourceTags=\"Windows, linx\"\n", "");
        let d = check_files_with("KB025", &[("a.md", &text)], &config(&["linux", "windows"]));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "resource tag \"linx\" is not on the knowledge base's list");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `linux`?"));
    }

    #[test]
    fn is_off_without_a_configured_list() {
        assert!(check("KB025", &article("  resourceTags=\"anything\"\n", "")).is_empty());
    }
}
