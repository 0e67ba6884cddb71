//! Recall on generated credentials and precision on placeholders.
//!
//! Real credentials are random, so any rule that excuses a value by a
//! substring misses a share of them. Each kind below is generated in its real
//! format by a seeded PRNG (the same values on every run), put in the context
//! it appears in (connection string, URL, token request, PEM block), and must
//! be found, every one: a miss prints the value and fails.

use super::find;

/// xorshift64*: small, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.below(256) as u8).collect()
    }

    fn from(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n).map(|_| a[self.below(a.len())] as char).collect()
    }
}

const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &str = "0123456789abcdef";

fn base64(bytes: &[u8], url: bool) -> String {
    let table: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(table[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if !url {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

fn url_encode(s: &str) -> String {
    s.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

/// A password as generators make them: 12-24 characters, every class present.
fn password(rng: &mut Rng) -> String {
    const SYMBOLS: &str = "!@#$%^*()-_+=?.~";
    let classes = ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789", SYMBOLS];
    let len = 12 + rng.below(13);
    let mut chars: Vec<char> = classes.iter().map(|c| rng.from(c, 1).remove(0)).collect();
    let all: String = classes.concat();
    chars.extend(rng.from(&all, len - 4).chars());
    for i in (1..chars.len()).rev() {
        chars.swap(i, rng.below(i + 1));
    }
    chars.into_iter().collect()
}

/// One credential of `kind`: the text it appears in, and the value.
fn generate(kind: &str, rng: &mut Rng) -> (String, String) {
    let pem = |rng: &mut Rng, label: &str| {
        let len = 600 + rng.below(600);
        let body = base64(&rng.bytes(len), false);
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
        let header = format!("-----BEGIN {label}PRIVATE KEY-----");
        (format!("```\n{header}\n{}\n-----END {label}PRIVATE KEY-----\n```", lines.join("\n")), header)
    };
    let v = match kind {
        "storage key" => base64(&rng.bytes(64), false),
        "SAS signature" => url_encode(&base64(&rng.bytes(32), false)),
        "SAS token, raw" => base64(&rng.bytes(32), false),
        "shared access key" => base64(&rng.bytes(32), false),
        "SQL password" => password(rng),
        "AAD client secret" | "AAD client secret, JSON" => {
            let tail = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-";
            format!("{}{}Q~{}", rng.from(&tail[..65], 3), rng.below(10), rng.from(tail, 34))
        }
        "Databricks token" => format!("dapi{}", rng.from(HEX, 32)),
        "GitHub ghp_" => format!("ghp_{}", rng.from(BASE62, 36)),
        "GitHub gho_" => format!("gho_{}", rng.from(BASE62, 36)),
        "GitHub github_pat_" => format!("github_pat_{}_{}", rng.from(BASE62, 22), rng.from(BASE62, 59)),
        "AWS access key" => {
            format!("{}{}", ["AKIA", "ASIA"][rng.below(2)], rng.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
        }
        "Slack token" => {
            format!("xoxb-{}-{}-{}", rng.from("0123456789", 12), rng.from("0123456789", 13), rng.from(BASE62, 24))
        }
        "Google API key" => format!("AIza{}", rng.from(&format!("{BASE62}_-"), 35)),
        "JWT" => {
            let kid = rng.from(BASE62, 27);
            let header = format!(r#"{{"typ":"JWT","alg":"RS256","kid":"{kid}"}}"#);
            let payload = format!(
                r#"{{"aud":"api://{}","iss":"https://sts.test/","exp":{}}}"#,
                rng.from(HEX, 8),
                rng.below(1 << 30)
            );
            format!(
                "{}.{}.{}",
                base64(header.as_bytes(), true),
                base64(payload.as_bytes(), true),
                base64(&rng.bytes(256), true)
            )
        }
        "private key, RSA" => return pem(rng, "RSA "),
        "private key, PKCS#8" => return pem(rng, ""),
        "private key, OpenSSH" => return pem(rng, "OPENSSH "),
        "private key, EC" => return pem(rng, "EC "),
        _ => unreachable!("{kind}"),
    };
    let text = match kind {
        "storage key" => {
            format!("DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={v};EndpointSuffix=core.windows.net")
        }
        "SAS signature" => format!(
            "https://contoso.blob.core.windows.net/logs/a.txt?sv=2022-11-02&sp=r&se=2030-01-01T00:00:00Z&sr=b&sig={v}"
        ),
        "SAS token, raw" => format!(
            "BlobEndpoint=https://contoso.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig={v}"
        ),
        "shared access key" => format!(
            "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={v}"
        ),
        "SQL password" => {
            format!("Server=tcp:contoso.database.windows.net,1433;Database=db;User ID=admin;Password={v};Encrypt=true;")
        }
        "AAD client secret" => format!(
            "curl -d 'grant_type=client_credentials&client_id=[APP_ID]&client_secret={v}&scope=x' https://login.test"
        ),
        "AAD client secret, JSON" => format!("{{\"client_id\": \"[APP_ID]\", \"client_secret\": \"{v}\"}}"),
        _ => format!("export TOKEN={v}"),
    };
    (text, v)
}

pub(super) const KINDS: &[&str] = &[
    "storage key",
    "SAS signature",
    "SAS token, raw",
    "shared access key",
    "SQL password",
    "AAD client secret",
    "AAD client secret, JSON",
    "Databricks token",
    "GitHub ghp_",
    "GitHub gho_",
    "GitHub github_pat_",
    "AWS access key",
    "Slack token",
    "Google API key",
    "JWT",
    "private key, RSA",
    "private key, PKCS#8",
    "private key, OpenSSH",
    "private key, EC",
];

/// Per kind: how many of `n` generated credentials `find` reports, and the
/// first few it missed.
fn recall(n: usize) -> Vec<(&'static str, usize, Vec<String>)> {
    let mut rng = Rng(0x5ec2_e7c0_ffee_0011);
    KINDS
        .iter()
        .map(|&kind| {
            let mut missed = Vec::new();
            let mut found = 0;
            for _ in 0..n {
                let (text, value) = generate(kind, &mut rng);
                let at = text.find(&value).expect("value in text");
                if find(&text).iter().any(|s| s.span.start < at + value.len() && at < s.span.end) {
                    found += 1;
                } else {
                    missed.push(value);
                }
            }
            missed.truncate(5);
            (kind, found, missed)
        })
        .collect()
}

#[test]
fn finds_every_generated_credential_of_every_kind() {
    // KBC_SECRET_RECALL_N=100000 runs a longer search for misses.
    let n = std::env::var("KBC_SECRET_RECALL_N").ok().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let rows = recall(n);
    for (kind, found, missed) in &rows {
        eprintln!("recall {kind:<24} {found:>6}/{n}  missed e.g. {missed:?}");
    }
    let short: Vec<_> = rows.iter().filter(|r| r.1 < n).map(|r| (r.0, r.1, &r.2)).collect();
    assert!(short.is_empty(), "credentials missed: {short:#?}");
}

#[test]
fn generated_values_have_the_real_formats() {
    let mut rng = Rng(1);
    assert_eq!(generate("storage key", &mut rng).1.len(), 88);
    assert!(generate("storage key", &mut rng).1.ends_with("=="));
    assert_eq!(generate("AAD client secret", &mut rng).1.len(), 40);
    assert_eq!(generate("Databricks token", &mut rng).1.len(), 36);
    assert_eq!(generate("GitHub github_pat_", &mut rng).1.len(), 93);
    assert!(generate("JWT", &mut rng).1.starts_with("eyJ"));
    assert_eq!(base64(b"any carnal pleas", false), "YW55IGNhcm5hbCBwbGVhcw==");
    assert_eq!(base64(b"\xfb\xff", true), "-_8");
}

/// Placeholders in the shapes templates and articles write them, each in a
/// context where its detector's pattern matches.
const PLACEHOLDERS: &[&str] = &[
    "AccountKey=yourstorageaccountkey;",
    "AccountKey=YourStorageAccountKeyHere;",
    "AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;",
    "AccountKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==;",
    "AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
    "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=YourSharedAccessKeyHere",
    "SharedAccessKey=0000000000000000000000000000000000000000000=",
    "Server=a;Password=changeit;",
    "user=cassandra password=cassandra",
    "Password=Password123;",
    "Password=Your_Password1;",
    "Password=********;",
    "Password=[PASSWORD];",
    "(Password=[PASSWORD]).",
    "Password={password};",
    "Password=%DB_PASSWORD%;",
    "Password=${DB_PASSWORD};",
    "Password=$(dbPassword);",
    "Password=$dbPassword;",
    "Password=$env:DB_PASSWORD;",
    "Password=#{DbPassword}#;",
    "Password=__DbPassword__;",
    "Password=@Password1;",
    "Password=Ab1!...;",
    "password=$storage-account-key$,dir_mode=0777",
    "?sv=2022-11-02&sig=%3CYourSasSignatureHere%3E",
    "?sv=2022-11-02&sig=YourSignatureGoesHere",
    "?sv=2022-11-02&sig=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%3D",
    "client_secret=[CLIENT_SECRET]&scope=x",
    "client_secret={{clientSecret}}&scope=x",
    "client_secret=${CLIENT_SECRET}&scope=x",
    "client_secret=%24%7BCLIENT_SECRET%7D&scope=x",
    "client_secret=Your-Client-Secret&scope=x",
    "client_secret=YourClientSecret1&scope=x",
    "client_secret=abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx&scope=x",
    "client_secret=Abc1Q~...&scope=x",
    r#"{"client_secret": "<client secret>"}"#,
    "token dapi00000000000000000000000000000000",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "GH_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "SLACK_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
    "key=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\n<your private key here>\n-----END PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
    "> -----BEGIN OPENSSH PRIVATE KEY-----\n> xxxxxxxxxxxxxxxxxxxxxxxx\n> xxxxxxxx\n> -----END OPENSSH PRIVATE KEY-----",
];

#[test]
fn leaves_placeholders_of_every_shape_alone() {
    let flagged: Vec<_> = PLACEHOLDERS.iter().filter(|t| !find(t).is_empty()).collect();
    assert!(flagged.is_empty(), "placeholders flagged: {flagged:#?}");
}

/// The shapes of the misses the substring rule had: a value is judged whole.
#[test]
fn finds_random_values_that_contain_placeholder_words_or_start_like_one() {
    for text in [
        "AccountKey=EX8Ns7kyvp3Xsc8xAdivWIFA+ZoSGKEyQZHtbf2vHivwTBeKZLf6onfx4oprl3k5M4wISid0CdLEzy0VlVIQFw==",
        "&sig=%2FrUlqCsuhX2JygcjdLlkd16fl%2BFLP1E8GCb2iNq1%2FJA%3D",
        "&sig=O4w9fzb3kXvkZ3DYDYZsmxxxsEgu7LpJkL/e2Z60TIk=",
        "Password=$yN2H.jP*JQN7(55JovnC$;",
        "Password=%w5OcL_kMV.!h1u3QIt;",
        "Password=*unIKM#tsm9L-vl7zc;",
        "client_secret=..E3Q~_T7R0f-oD_-kwrOSA5IWa-698ZW_7ijTS8&",
        "client_secret=TVI3Q~ca4jxO5yD02PKEYqIveLXe~4st.FF~WRQW&",
        "gho_U4jJAyOHkCWxxxQPGprLsaiYo9y6aiKiMhYu",
        "ASIARJKEYT2QLPTCIDWY",
        "xoxb-335595767240-1561825749185-bdlg3pXfpAZQf8PKeykqEwjQ",
        "AIzaSxUn9Svkc2-CpfvBMROfoRMtf6XMLhVq_f- ",
        "Endpoint=sb://a/;SharedAccessKeyName=x;SharedAccessKey=4lfEwsHbQr+qS3hsj48WT9TsfKIpyrSQEzN6O9IckYs=",
    ] {
        assert_eq!(find(text).len(), 1, "{text}");
    }
}
