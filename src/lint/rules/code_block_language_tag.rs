use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};

pub(crate) struct CodeBlockLanguageTag;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB110",
    name: "code-block-language-tag",
    default_level: Level::Warning,
    summary: "A fenced code block names a language, which the portal does not support",
    docs: r#"## What it checks
Text after the opening fence of a code block: a language tag such as
```` ```powershell ```` or ```` ~~~json ````, or anything else written on the
fence line. Indented code blocks and fences with nothing after them are fine.

## Why
The Services Hub template says: "We do not support codeblock language
specifications as part of the markdown (unlike Microsoft Docs)." Worse, text
that is not a language name (```` ```SELECT * FROM sys.tables ````) is read
as the tag, not as code, and disappears from the block.

This rule is noisy on content copied from Microsoft Docs, where language
tags are the norm.

## Example
Bad:

````markdown
```powershell
Get-AzVM -Name myVM
```
````

Good:

````markdown
```
Get-AzVM -Name myVM
```
````

## How to fix
Delete the text after the opening fence; if it was code, move it to the
next line. `kbc check --fix` removes tags that are language names
(`powershell`, `bash`, `kusto`, `json`, …) and leaves other text for you.

## Configuration
`code-block-language-tag = "warn"` (default).
"#,
};

/// Language names seen in knowledge bases; only these are removed by `--fix`.
const LANGUAGES: &[&str] = &[
    "apache",
    "azcli",
    "azurecli",
    "azurecli-interactive",
    "azurepowershell",
    "azurepowershell-interactive",
    "bash",
    "bat",
    "batch",
    "bicep",
    "c",
    "c#",
    "c++",
    "cli",
    "cmd",
    "console",
    "cpp",
    "cs",
    "csharp",
    "css",
    "diff",
    "dockerfile",
    "dos",
    "f#",
    "fsharp",
    "go",
    "golang",
    "graphql",
    "hcl",
    "html",
    "http",
    "ini",
    "java",
    "javascript",
    "js",
    "json",
    "jsonc",
    "kotlin",
    "kql",
    "kusto",
    "log",
    "makefile",
    "markdown",
    "md",
    "nginx",
    "output",
    "perl",
    "php",
    "plaintext",
    "powershell",
    "properties",
    "ps",
    "ps1",
    "psql",
    "py",
    "python",
    "r",
    "rb",
    "ruby",
    "rust",
    "scala",
    "sh",
    "shell",
    "sql",
    "swift",
    "terraform",
    "text",
    "toml",
    "ts",
    "tsql",
    "txt",
    "typescript",
    "vb",
    "vbnet",
    "xml",
    "yaml",
    "yml",
    "zsh",
];

impl Rule for CodeBlockLanguageTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for block in article.body.code_blocks.iter().filter(|b| !b.lang.trim().is_empty()) {
            let Some(info) = info_span(text, block.span.start) else { continue };
            let tag = &text[info.clone()];
            let known = LANGUAGES.iter().any(|l| l.eq_ignore_ascii_case(tag));
            let d = if known {
                let msg = format!("code block names the language `{tag}`; the portal does not support language tags");
                Diagnostic::new(&META, info.clone(), msg).with_help("remove the tag").with_fix(info, "")
            } else {
                let msg = format!("text after the opening fence (`{tag}`) is read as a language tag and not shown");
                let help = "remove it, or move it to the next line if it is code";
                Diagnostic::new(&META, info, msg).with_help(help)
            };
            out.push(d);
        }
    }
}

/// The text after the fence on a code block's first line (trimmed), if any.
fn info_span(text: &str, start: usize) -> Option<crate::source::Span> {
    let line = &text[start..text[start..].find('\n').map_or(text.len(), |i| start + i)];
    let indent = line.len() - line.trim_start().len();
    let fence = line[indent..].bytes().take_while(|&b| b == b'`' || b == b'~').count();
    if fence < 3 {
        return None;
    }
    let rest = &line[indent + fence..];
    let tag = rest.trim();
    if tag.is_empty() {
        return None;
    }
    let at = start + indent + fence + (rest.len() - rest.trim_start().len());
    Some(at..at + tag.len())
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_language_tags_with_a_fix() {
        let text = article("", "```PowerShell\nGet-AzVM\n```\n\n* item\n\n  ~~~ json\n  {}\n  ~~~\n");
        let d = check("KB110", &text);
        assert_eq!(d.len(), 2);
        assert_eq!(&text[d[0].span.clone()], "PowerShell");
        assert_eq!(&text[d[1].fix.as_ref().unwrap().span.clone()], "json");
    }

    #[test]
    fn reports_code_on_the_fence_line_without_a_fix() {
        let text = article("", "```SELECT * FROM t\nmore\n```\n");
        let d = check("KB110", &text);
        assert_eq!(
            d[0].message,
            "text after the opening fence (`SELECT * FROM t`) is read as a language tag and not shown"
        );
        assert!(d[0].fix.is_none());
    }

    #[test]
    fn allows_bare_fences_and_indented_code() {
        assert!(check("KB110", &article("", "```\nx\n```\n\n    indented\n")).is_empty());
    }
}
