use crate::diagnostic::{Diagnostic, Level};
use crate::discover::Reason;
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct UnsafeSourceFile;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB903",
    name: "unsafe-source-file",
    default_level: Level::Error,
    summary: "Symbolic link leaving the knowledge base, or a device, FIFO or socket",
    docs: r#"## What it checks
That the source folder, and every article file and folder under it, is a
regular file or folder inside the knowledge base: a symbolic link must lead to
a place inside the knowledge-base root, and a `.md` entry must not be a
device, FIFO or socket.

## Why
kbc runs in CI runners that hold secrets. A link such as
`articles/env.md -> /proc/self/environ` or `-> /etc/passwd` would otherwise be
read, printed in a finding's snippet and published to the site and bundle;
a linked folder outside the root would be published whole; reading a FIFO
blocks for ever. kbc reads none of them, and names the link, never what it
points to.

## Example
Bad:

`articles/env.md` is a symbolic link to `/proc/self/environ`;
`articles/shared` is a symbolic link to `/home/someone/notes`;
`articles` itself is a symbolic link to a folder outside the root.

Good: `articles/shared` is a symbolic link to `../common/shared`, a folder
inside the knowledge base.

## How to fix
Copy the file into the knowledge base, or point the link at a file inside it;
remove devices, FIFOs and sockets from the source folder.

## Configuration
`unsafe-source-file = "deny"` (default). Whatever the level, kbc never reads
such a file.
"#,
};

impl Rule for UnsafeSourceFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The entries discovery refused to read.
    fn check_corpus(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for u in &cx.corpus().unusable {
            if let Reason::Refused(why) = &u.reason {
                let message = format!("not read: {why}");
                let help = "point the link at a file inside the knowledge base, or copy the file in";
                out.push(Diagnostic::new(&META, 0..0, message).with_path(&u.path).with_help(help));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Corpus;
    use crate::config::Config;
    use crate::discover::{Refusal, Unusable};

    fn findings(unusable: Vec<Unusable>) -> Vec<Diagnostic> {
        let mut corpus = Corpus::default();
        corpus.unusable = unusable;
        let config = Config::default();
        let mut out = Vec::new();
        UnsafeSourceFile.check_corpus(&Context::new(&corpus, &config), &mut out);
        out
    }

    #[test]
    fn reports_a_link_out_of_the_root_and_a_fifo_by_their_own_names() {
        let out = findings(vec![
            Unusable { path: "articles/env.md".into(), reason: Reason::Refused(Refusal::OutsideRoot) },
            Unusable { path: "articles/pipe.md".into(), reason: Reason::Refused(Refusal::NotAFile("a FIFO")) },
        ]);
        let got: Vec<(&str, &str)> = out.iter().map(|d| (d.path.as_str(), d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                ("articles/env.md", "not read: it is a symbolic link leading outside the knowledge base"),
                ("articles/pipe.md", "not read: it is a FIFO, not a regular file"),
            ]
        );
    }

    #[test]
    fn leaves_files_that_are_merely_unreadable_to_another_rule() {
        let u = Unusable { path: "articles/a.md".into(), reason: Reason::Unreadable("permission denied".into()) };
        assert!(findings(vec![u]).is_empty());
    }
}
