use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta, secrets};

pub(crate) struct SecretInContent;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB501",
    name: "secret-in-content",
    default_level: Level::Error,
    summary: "A real-looking credential (key, token, password, private key) in an article",
    docs: r#"## What it checks
Credentials anywhere in the article, code blocks and header included: Azure
storage account keys (`AccountKey=`), shared access keys of Service Bus,
Event Hubs and IoT Hub connection strings (`SharedAccessKey=`), passwords in
connection strings, SAS token signatures (`sig=`, URL-encoded or not), AAD
client secrets in token requests, Databricks personal access tokens
(`dapi…`), GitHub, AWS, Slack and Google tokens, private key blocks, and
JSON Web Tokens. The message masks the value; it never repeats it.

Placeholders are fine. Whether a value is one is decided on the whole
value, percent escapes decoded, never on a part of it (a random key spells
`key` or starts with `%2B` as often as chance says):

- enclosed in template delimiters: `[PASSWORD]`, `<client-secret>`,
  `{key}`, `{{token}}`, `${KEY}`, `$(key)`, `%KEY%`, `$secret$`,
  `#{Key}#`, `__KEY__`, or a variable: `$key`, `$env:KEY`, `@key`;
- filler: `xxxx`, `0000`, `****`, `AKIAXXXXXXXXXXXXXXXX` (at least half of
  the value in runs of one character);
- cut short: `...`, `ab12...`;
- words only: `YOUR_KEY_HERE`, `yourStorageAccountKey`, `Password123`;
- a value vendors publish as an example (AWS's `AKIAIOSFODNN7EXAMPLE`, the
  storage emulator's account key, jwt.io's token);
- for passwords and client secrets, a value without at least three of
  lowercase, uppercase, digits and symbols (`changeit`).

Tokens with a fixed random format (`dapi…`, `ghp_…`, `AKIA…`, `xoxb-…`,
`AIza…`, JWTs) are placeholders only as filler or published examples. A
private key header is reported unless its block, up to `-----END`, holds a
placeholder or nothing.

## Why
Articles are published to the world. A real key in a sample command is a
live credential for anyone who reads it, and it stays in search caches long
after the article is fixed.

## Example
Bad:

```markdown
    curl -d 'grant_type=client_credentials&client_id=1f0c…&client_secret=Zx8~Qp.4kL_2mN9vB7cR' …
```

Good:

```markdown
    curl -d 'grant_type=client_credentials&client_id=[APP_ID]&client_secret=[CLIENT_SECRET]' …
```

## How to fix
Replace the value with a placeholder such as `[CLIENT_SECRET]`, then treat
the credential as leaked: revoke or rotate it, even after the article is
fixed.

## Configuration
`secret-in-content = "deny"` (default). Use
`<!-- kbc-disable-next-line secret-in-content -->` for another documented,
intentionally public test value.
"#,
};

impl Rule for SecretInContent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = article.text();
        for s in secrets::find(text) {
            let msg = format!("{} in content: {}", s.kind, secrets::mask(&text[s.span.clone()]));
            let help = "replace it with a placeholder such as [SECRET], and rotate the credential";
            out.push(Diagnostic::new(&META, s.span, msg).with_help(help).redacted());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::{article, check};

    #[test]
    fn reports_a_client_secret_in_a_code_block_without_echoing_it() {
        let body = "```\ncurl -d 'client_id=[APP_ID]&client_secret=Zx8~Qp.4kL_2mN9vB7cR' https://login.test\n```\n";
        let d = check("secret-in-content", &article("", body));
        assert_eq!(d.len(), 1);
        assert!(!d[0].message.contains("Zx8~Qp.4kL_2mN9vB7cR"), "{}", d[0].message);
        assert!(d[0].message.contains("AAD client secret"));
    }

    #[test]
    fn accepts_placeholders_like_the_seed_article() {
        let body = "`curl -d 'grant_type=client_credentials&client_id=[APP_ID]&client_secret=[PASSWORD]'`\n";
        assert!(check("secret-in-content", &article("", body)).is_empty());
    }
}
