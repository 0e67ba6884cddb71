use crate::article::Article;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct FolderTooDeep;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB024",
    name: "folder-too-deep",
    default_level: Level::Warning,
    summary: "The article is nested more than one folder below the articles folder",
    docs: r#"## What it checks
That every article sits directly in the source folder (`articles/`, or
`[book] src`) or in one folder below it: `articles/<service>/<file>.md`.
Deeper files, such as `articles/<service>/<area>/<file>.md`, are reported.

## Why
The TPS Authoring Guide (Folder Structure) says: "There is a limit of 2 on
the depth of the folder structure, so all articles should be in the folder
articles/<service name>." The publishing pipeline does not pick up articles
nested deeper.

## Example
Bad:

```text
articles/microsoft.compute/linux/compute-cantssh.md
```

Good:

```text
articles/microsoft.compute/compute-cantssh-linux.md
```

## How to fix
Move the file up into its service folder, keeping the extra level in the
file name (`git mv`), and update links to it.

## Configuration
`folder-too-deep = "warn"` (default).
"#,
};

impl Rule for FolderTooDeep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A corpus rule only so that the source folder is looked up once, not
    /// once per article: it reads no other article.
    fn check_article(&self, article: &Article, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let prefix = cx.source_prefix();
        let inside = below(&prefix, article.path());
        let depth = inside.matches('/').count();
        if let Some((folders, _)) = inside.rsplit_once('/')
            && depth > 1
        {
            let msg = format!("article is {depth} folders deep (`{folders}/`); the guide allows one");
            let help = "move it into its service folder and keep the extra level in the file name";
            let d = Diagnostic::new(&META, super::long_file_name::whole_file(article), msg);
            out.push(d.with_path(article.path()).with_help(help));
        }
    }
}

/// The source folder relative to the root (`articles`, or empty when the
/// articles are in the root itself).
pub(crate) fn source_prefix(config: &Config) -> String {
    let src = config.source_dir();
    crate::fs::display_rel(&config.root, &src).trim_matches('/').to_string()
}

/// The part of a root-relative path below the source folder `prefix` (the
/// whole path when it is not under it).
pub(crate) fn below<'a>(prefix: &str, path: &'a str) -> &'a str {
    match prefix {
        "" => path,
        p => path.strip_prefix(p).and_then(|r| r.strip_prefix('/')).unwrap_or(path),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::rules::testing::{article, check_files_with};

    fn config() -> Config {
        let mut c = Config::parse("[book]\nsrc = \"articles\"\n").unwrap();
        c.root = "kb".into();
        c
    }

    #[test]
    fn reports_articles_two_folders_below_the_source() {
        let a = article("", "");
        let d = check_files_with("KB024", &[("articles/svc/area/x.md", &a)], &config());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "article is 2 folders deep (`svc/area/`); the guide allows one");
    }

    #[test]
    fn allows_service_folders_and_the_source_folder_itself() {
        let a = article("", "");
        let files = [("articles/svc/x.md", a.as_str()), ("articles/y.md", a.as_str())];
        assert!(check_files_with("KB024", &files, &config()).is_empty());
    }
}
