use super::folder_too_deep::below;
use super::long_file_name::whole_file;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Group, Rule, RuleMeta};
use std::collections::BTreeMap;

pub(crate) struct DuplicateFolderName;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB305",
    name: "duplicate-folder-name",
    default_level: Level::Warning,
    summary: "Two article folders have the same name",
    docs: r#"## What it checks
That no two folders holding articles below the source folder have the same
name, compared without regard to case: `articles/Microsoft.Web/` and
`articles/microsoft.web/`, or `articles/a/linux/` and `articles/b/linux/`.
The finding is reported on the first article of each such folder.

## Why
The TPS Authoring Guide (Folder Structure) says: "All folders must have
unique names." Folders whose names differ only in case are one folder on
Windows and macOS: a checkout there silently merges them, and the articles
of one overwrite those of the other.

## Example
Bad:

```text
articles/Microsoft.Web/web-appslow.md
articles/microsoft.web/web-appdown.md
```

Good: one folder, `articles/microsoft.web/`, holding both.

## How to fix
Move the articles into one folder (`git mv`), or rename one folder so the
names differ by more than case.

## Configuration
`duplicate-folder-name = "warn"` (default).
"#,
};

impl Rule for DuplicateFolderName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn compares_articles(&self) -> bool {
        true
    }

    /// An article is grouped under each folder that holds it (`/` and the
    /// folder's path: its first article reports the folder) and each of
    /// those folders' names (`lowercase name`).
    fn group_keys(&self, a: &Article, source_prefix: &str) -> Vec<String> {
        let folders = folders(source_prefix, a.path());
        folders.iter().flat_map(|(folder, name)| [format!("/{folder}"), name.to_lowercase()]).collect()
    }

    fn check_article(&self, a: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let prefix = cx.source_prefix();
        for (folder, name) in folders(&prefix, a.path()) {
            let first = cx.group(META.code, &format!("/{folder}")).first().is_some_and(|f| f.path() == a.path());
            if first {
                let name = name.to_lowercase();
                report(a, folder, &named(&cx.group(META.code, &name), &name, &prefix), out);
            }
        }
    }
}

/// The folders holding the article at `path` below the source folder, with
/// their names: `(path of the folder, its name)`, outermost first.
fn folders<'p>(prefix: &str, path: &'p str) -> Vec<(&'p str, &'p str)> {
    let inside = below(prefix, path);
    let prefix_len = path.len() - inside.len();
    let Some((folders, _)) = inside.rsplit_once('/') else { return Vec::new() };
    let mut end = 0;
    let mut out = Vec::new();
    for name in folders.split('/') {
        end += name.len();
        out.push((&path[..prefix_len + end], name));
        end += 1;
    }
    out
}

/// The folders named `name` (lowercase) that hold the articles of `group`
/// (folder path -> the first article in it).
fn named<'a>(group: &Group<'a>, name: &str, prefix: &str) -> BTreeMap<&'a str, &'a Article> {
    let mut out: BTreeMap<&'a str, &'a Article> = BTreeMap::new();
    for member in group.iter() {
        for (folder, _) in folders(prefix, member.path()).into_iter().filter(|(_, n)| n.to_lowercase() == name) {
            out.entry(folder).or_insert(member);
        }
    }
    out
}

/// The finding of `folder`, whose first article is `first`, when other
/// folders have its name.
fn report(first: &Article, folder: &str, folders: &BTreeMap<&str, &Article>, out: &mut Vec<Diagnostic>) {
    if folders.len() < 2 {
        return;
    }
    let mut others = folders.iter().filter(|(f, _)| **f != folder).take(3);
    let Some((other, _)) = others.clone().next() else { return };
    let more = match folders.len() - 2 {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let msg = format!("folder `{folder}/` has the same name as `{other}/`{more}");
    let mut d = Diagnostic::new(&META, whole_file(first), msg)
        .with_path(first.path())
        .with_help("merge the folders, or rename one so the names differ by more than case");
    for (o, article) in others.by_ref() {
        d = d.with_label(article.path(), whole_file(article), format!("in folder `{o}/`"));
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_folders_whose_names_differ_only_in_case() {
        let a = article("", "");
        let files = [
            ("articles/Microsoft.Web/a.md", a.as_str()),
            ("articles/Microsoft.Web/b.md", &a),
            ("articles/microsoft.web/c.md", &a),
        ];
        let d = check_files("KB305", &files);
        assert_eq!(
            d.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["articles/Microsoft.Web/a.md", "articles/microsoft.web/c.md"]
        );
        assert_eq!(d[0].message, "folder `articles/Microsoft.Web/` has the same name as `articles/microsoft.web/`");
    }

    #[test]
    fn allows_distinct_folders_and_files_in_the_source_folder() {
        let a = article("", "");
        assert!(
            check_files("KB305", &[("articles/web/a.md", &a), ("articles/sql/b.md", &a), ("articles/c.md", &a)])
                .is_empty()
        );
    }
}
