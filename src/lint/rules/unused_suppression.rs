//! Emitted by [`crate::lint::suppress`]; this file holds its docs.

use crate::diagnostic::Level;
use crate::lint::{Rule, RuleMeta};

pub(crate) struct UnusedSuppression;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB600",
    name: "unused-suppression",
    default_level: Level::Warning,
    summary: "A kbc-disable comment that suppresses nothing",
    docs: r#"## What it checks
Inline suppressions, `<!-- kbc-disable RULE -->` (until
`<!-- kbc-enable RULE -->` or the end of the file) and
`<!-- kbc-disable-next-line RULE -->`, where RULE is one or more rule codes
or names separated by spaces or commas. A suppression is reported when the
rule it names reports nothing in its range, when the rule is turned off for
the file, or when RULE is not a rule at all (with a suggestion).

## Why
Suppressions outlive the problems they hid. A stale one would silently hide
the next real problem on that line, and an unknown name never worked.

## Example
Bad (the link was fixed, the comment stayed):

```markdown
<!-- kbc-disable-next-line short-link -->
[Azure status](https://azure.status.microsoft/status)
```

Good:

```markdown
[Azure status](https://azure.status.microsoft/status)
```

## How to fix
Delete the comment, or the rule name from it. Fix typos in rule names
(`kbc rules` lists them).

## Configuration
`unused-suppression = "warn"` (default).
"#,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
