use super::folder_too_deep::{below, source_prefix};
use super::long_file_name::whole_file;
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
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

    fn check_corpus(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Folder name (lowercase) -> folder path -> the first article in it.
        let mut names: BTreeMap<String, BTreeMap<&str, &Article>> = BTreeMap::new();
        let prefix = source_prefix(cx.config);
        for a in &cx.corpus().articles {
            let inside = below(&prefix, a.path());
            let prefix_len = a.path().len() - inside.len();
            let Some((folders, _)) = inside.rsplit_once('/') else { continue };
            let mut end = 0;
            for name in folders.split('/') {
                end += name.len();
                let folder = &a.path()[..prefix_len + end];
                names.entry(name.to_lowercase()).or_default().entry(folder).or_insert(a);
                end += 1;
            }
        }
        for folders in names.values().filter(|f| f.len() > 1) {
            for (folder, first) in folders {
                let mut others = folders.iter().filter(|(f, _)| *f != folder).take(3);
                let Some((other, _)) = others.clone().next() else { continue };
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
        }
    }
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
