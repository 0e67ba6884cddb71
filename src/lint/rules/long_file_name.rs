use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct LongFileName;

/// The guide: "Files names must be under 80 characters".
const LIMIT: usize = 80;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB022",
    name: "long-file-name",
    default_level: Level::Warning,
    summary: "The article's file name is 80 characters or longer",
    docs: r#"## What it checks
That an article's file name, extension included (`classiccompute-myvmisslow.md`),
is shorter than 80 characters. Folder names do not count.

## Why
The TPS Authoring Guide (File Names) says: "Files names must be under 80
characters". Long names break the publishing pipeline's path limits and
are hard to tell apart in reviews.

## Example
Bad:

```text
articles/microsoft.storage/storage-troubleshoot-blob-upload-fails-with-authorization-permission-mismatch-error.md
```

Good:

```text
articles/microsoft.storage/storage-blobupload-authorizationpermissionmismatch.md
```

## How to fix
Rename the file to a shorter name that still names the problem
(`git mv old.md new.md`), and update links to it.

## Configuration
`long-file-name = "warn"` (default).
"#,
};

impl Rule for LongFileName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let name = file_name(article.path());
        let len = name.chars().count();
        if len >= LIMIT {
            let msg = format!("file name `{name}` has {len} characters; the guide asks for under {LIMIT}");
            out.push(
                Diagnostic::new(&META, whole_file(article), msg).with_help("rename the file to something shorter"),
            );
        }
    }
}

/// Where a finding about the file itself points: the `<properties` tag that
/// opens the article, or its start when it has none.
pub(crate) fn whole_file(article: &Article) -> crate::source::Span {
    if article.has_header { article.props.open_tag_span() } else { 0..0 }
}

/// The last segment of a root-relative path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_names_of_80_characters_or_more() {
        let long = format!("articles/svc/{}.md", "a".repeat(77));
        let d = check_files("KB022", &[(&long, &article("", ""))]);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            format!("file name `{}.md` has 80 characters; the guide asks for under 80", "a".repeat(77))
        );
    }

    #[test]
    fn allows_names_under_80_characters_in_long_folders() {
        let ok = format!("articles/{}/{}.md", "f".repeat(100), "é".repeat(76));
        assert!(check_files("KB022", &[(&ok, &article("", ""))]).is_empty());
    }
}
