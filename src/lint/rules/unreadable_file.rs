use crate::diagnostic::{Diagnostic, Level};
use crate::discover::Reason;
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnreadableFile;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB902",
    name: "unreadable-file",
    default_level: Level::Error,
    summary: "File or folder could not be read",
    docs: r#"## What it checks
That every file and folder under the source folder can be read.

## Why
An article kbc cannot read is an article that would silently go missing from
the published site.

## Example
Bad:

A file without read permission, a broken symbolic link, or a symbolic link that
loops back to a parent folder.

Good: a regular file the user running kbc can read.

## How to fix
Fix the permissions, or remove the broken link.

## Configuration
`unreadable-file = "deny"` (default).
"#,
};

impl Rule for UnreadableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The files and folders discovery could not read.
    fn check_corpus(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for u in &cx.corpus().unusable {
            if let Reason::Unreadable(message) = &u.reason {
                out.push(Diagnostic::new(&META, 0..0, message.clone()).with_path(&u.path));
            }
        }
    }
}
