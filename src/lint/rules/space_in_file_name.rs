use super::long_file_name::{file_name, whole_file};
use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct SpaceInFileName;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB023",
    name: "space-in-file-name",
    default_level: Level::Warning,
    summary: "The article's file name has a space",
    docs: r#"## What it checks
That an article's file name has no spaces (or other blanks).

## Why
The TPS Authoring Guide (File Names) says file names "should represent the
name of the troubleshoot problem with no spaces", for example
`classiccompute-myvmisslow.md`. A space has to be escaped in every link and
URL that names the file (`my%20vm.md`), and is easy to get wrong.

## Example
Bad:

```text
articles/microsoft.compute/my vm is slow.md
```

Good:

```text
articles/microsoft.compute/compute-myvmisslow.md
```

## How to fix
Rename the file with `-` or nothing in place of the spaces
(`git mv "my vm is slow.md" compute-myvmisslow.md`), and update links to it.

## Configuration
`space-in-file-name = "warn"` (default).
"#,
};

impl Rule for SpaceInFileName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let name = file_name(article.path());
        if name.contains(char::is_whitespace) {
            let msg = format!("file name `{name}` has a space");
            out.push(
                Diagnostic::new(&META, whole_file(article), msg).with_help("use `-` instead of spaces in file names"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check_files};

    #[test]
    fn reports_spaces_in_the_file_name_only() {
        let a = article("", "");
        assert_eq!(check_files("KB023", &[("articles/svc/my vm.md", &a)]).len(), 1);
        assert!(check_files("KB023", &[("articles/my folder/my-vm.md", &a)]).is_empty());
    }
}
