use super::long_file_name::{file_name, whole_file};
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct DuplicateFileName;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB303",
    name: "duplicate-file-name",
    default_level: Level::Warning,
    summary: "Two articles in different folders have the same file name",
    docs: r#"## What it checks
That no two articles of the knowledge base have the same file name, in
whatever folders they are (names compared without regard to case).

## Why
The TPS Authoring Guide (File Names) says: "File names must be unique, so
if you have the same problem or two different scenarios, you can append the
extra descriptor to the end", for example `…-linux.md` and `…-windows.md`.
The publishing pipeline and the people searching the repository find
articles by file name; two files with one name are easily edited by
mistake for each other.

## Example
Bad:

```text
articles/microsoft.storage/blob-pitr.md
articles/problemscopingques.storage/blob-pitr.md
```

Good:

```text
articles/microsoft.storage/storage-blob-pitr.md
articles/problemscopingques.storage/storage-blob-pitr-questions.md
```

## How to fix
Rename all but one of the files, adding what tells them apart (`git mv`),
and update links to them.

## Configuration
`duplicate-file-name = "warn"` (default).
"#,
};

/// "`path`", or "`path` and 2 others": who else has it, in one line (the
/// message names the others rather than showing each in a snippet, so a
/// large group does not flood the output).
pub(crate) fn also_used_by(first: &str, others: usize) -> String {
    match others {
        1 => format!("`{first}`"),
        n => format!("`{first}` and {} other{}", n - 1, if n == 2 { "" } else { "s" }),
    }
}

impl Rule for DuplicateFileName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// Articles are grouped by file name, compared case-insensitively.
    fn group_keys(&self, a: &Article, _source_prefix: &str) -> Vec<String> {
        vec![file_name(a.path()).to_lowercase()]
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let group = cx.group(META.code, &file_name(a.path()).to_lowercase());
        if group.len() < 2 {
            return;
        }
        let other = if group.get(0).path() == a.path() { group.get(1) } else { group.get(0) };
        let by = also_used_by(other.path(), group.len() - 1);
        let msg = format!("file name `{}` is also used by {by}", file_name(a.path()));
        let help = "add what tells the articles apart to the file name, such as `-linux` or `-windows`";
        out.push(Diagnostic::new(&META, whole_file(a), msg).with_path(a.path()).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_every_file_sharing_a_name_in_any_case() {
        let a = article("", "");
        let files =
            [("articles/a/blob-pitr.md", a.as_str()), ("articles/b/Blob-PITR.md", &a), ("articles/b/other.md", &a)];
        let d = check_files("KB303", &files);
        assert_eq!(
            d.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["articles/a/blob-pitr.md", "articles/b/Blob-PITR.md"]
        );
        assert_eq!(d[0].message, "file name `blob-pitr.md` is also used by `articles/b/Blob-PITR.md`");
        assert_eq!(super::also_used_by("x.md", 3), "`x.md` and 2 others");
    }

    #[test]
    fn allows_distinct_names() {
        let a = article("", "");
        assert!(check_files("KB303", &[("articles/a/x-linux.md", &a), ("articles/a/x-windows.md", &a)]).is_empty());
    }
}
