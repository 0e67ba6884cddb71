//! Output hygiene: file names and article text carrying control characters
//! (a newline followed by `::error …::`, a carriage return, ESC sequences,
//! a bidirectional override, a literal `%0A`) come out escaped in every
//! format, so they can neither start a GitHub workflow command nor reach the
//! terminal raw.

use crate::common::Kb;
use serde_json::Value;

/// File names (under `articles/`) an attacker can put in a pull request.
const HOSTILE: &[&str] = &[
    "a\n::error file=x.md,line=1::pwned.md",
    "b\r::warning::cr.md",
    "c\u{1b}[2J\u{1b}]0;title\u{7}.md",
    "d%0A::error::percent.md",
    "e\u{202e}dm.exe.md",
    "dir\n::notice::x/f.md",
];

fn article(id: &str, clouds: &str) -> String {
    format!(
        "<properties\n    pageTitle=\"Job cluster fails to start\"\n    description=\"Quota errors when a job starts\"\n    \
         service=\"microsoft.databricks\"\n    resource=\"workspaces\"\n    ms.author=\"fixtureauthor\"\n    \
         selfHelpType=\"generic\"\n    supportTopicIds=\"32677726\"\n    productPesIds=\"16432\"\n    \
         cloudEnvironments=\"{clouds}\"\n    articleId=\"{id}\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n\n\
         # Job cluster fails to start\n\n## **Recommended Steps**\n\n* Ask for a higher core quota.\n"
    )
}

/// A knowledge base whose findings name every hostile file: each has an
/// article with a duplicate articleId (so findings carry related locations
/// with hostile paths) and a cloud name holding an escape sequence (so a
/// message quotes hostile text).
fn hostile_kb() -> Kb {
    let kb = Kb::empty();
    let cloud = "public, fair\u{1b}[31mfax\u{1b}]8;;http://x\u{7}\n::error::y";
    for name in HOSTILE {
        kb.write(&format!("articles/{name}"), article("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", cloud));
    }
    kb
}

/// Control characters other than the line break, and the bidi override.
fn hostile_chars(s: &str) -> Vec<char> {
    s.chars().filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)).collect()
}

/// Lines (outside GitHub's own format) that a runner would take for a
/// workflow command: it trims leading whitespace, then reads `::name` up to a
/// space or `::` (`::error file=…::`). rustc's `  ::: path` is no command.
fn command_lines(s: &str) -> Vec<&str> {
    s.lines()
        .filter(|l| {
            let Some(rest) = l.trim_start().strip_prefix("::") else { return false };
            let name = rest.split([' ', ':']).next().unwrap_or("");
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .collect()
}

#[track_caller]
fn assert_clean(what: &str, s: &str) {
    assert_eq!(hostile_chars(s), Vec::<char>::new(), "{what} holds raw control characters:\n{s}");
    assert_eq!(command_lines(s), Vec::<&str>::new(), "{what} holds workflow commands:\n{s}");
}

#[test]
fn human_format_escapes_hostile_paths_and_messages() {
    let kb = hostile_kb();
    let run = kb.run(["check"]);
    run.code(1);
    assert_clean("stdout", &run.stdout);
    assert_clean("stderr", &run.stderr);
    assert!(run.stdout.contains("--> articles/a\\n::error file=x.md,line=1::pwned.md:"), "{}", run.stdout);
    assert!(run.stdout.contains("articles/c\\u{1b}[2J\\u{1b}]0;title\\u{7}.md"), "{}", run.stdout);
    assert!(run.stdout.contains("articles/e\\u{202e}dm.exe.md"), "{}", run.stdout);
    assert!(run.stdout.contains("fair\\u{1b}[31mfax"), "the quoted cloud name: {}", run.stdout);
}

#[test]
fn human_format_escapes_on_a_terminal_with_colour_too() {
    let kb = hostile_kb();
    let out = crate::common::run_on_terminal(kb.root(), &["check"], &[("CLICOLOR_FORCE", "1")]);
    // Colour codes are kbc's own; anything else after an ESC is not.
    let without_colour = regex_lite_strip_sgr(&out);
    assert_eq!(hostile_chars(&without_colour.replace('\r', "")), Vec::<char>::new(), "{out}");
    assert!(out.contains("a\\n::error file=x.md"), "{out}");
}

/// `out` without SGR colour sequences (`ESC [ … m`).
fn regex_lite_strip_sgr(out: &str) -> String {
    let mut s = String::new();
    let mut rest = out;
    while let Some(i) = rest.find("\u{1b}[") {
        s.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        match tail.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(j) if tail[j..].starts_with('m') => rest = &tail[j + 1..],
            _ => {
                s.push_str("\u{1b}[");
                rest = tail;
            }
        }
    }
    s + rest
}

#[test]
fn json_format_escapes_hostile_paths_and_messages() {
    let kb = hostile_kb();
    let run = kb.run(["check", "--format", "json"]);
    run.code(1);
    assert_clean("stderr", &run.stderr);
    let mut paths = Vec::new();
    for line in run.stdout.lines() {
        let d: Value = serde_json::from_str(line).unwrap();
        let mut texts = vec![&d["path"], &d["message"], &d["help"]];
        for r in d["related"].as_array().unwrap() {
            texts.extend([&r["path"], &r["message"]]);
        }
        for text in texts.iter().filter_map(|t| t.as_str()) {
            assert_eq!(hostile_chars(text), Vec::<char>::new(), "{line}");
            assert!(!text.contains('\n'), "{line}");
        }
        paths.push(d["path"].as_str().unwrap().to_string());
    }
    assert!(paths.contains(&"articles/a\\n::error file=x.md,line=1::pwned.md".to_string()), "{paths:?}");
}

#[test]
fn github_format_writes_one_command_per_finding_with_github_escaping() {
    let kb = hostile_kb();
    let json = kb.run(["check", "--format", "json"]);
    let summary = kb.path("summary.md");
    let run = kb.finish(kb.kbc(["check", "--format", "github"]).env("GITHUB_STEP_SUMMARY", &summary));
    run.code(1);
    assert_eq!(hostile_chars(&run.stdout), Vec::<char>::new(), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), json.stdout.lines().count(), "one annotation per finding:\n{}", run.stdout);
    for l in &lines {
        assert!(l.starts_with("::error file=articles/") || l.starts_with("::warning file=articles/"), "{l}");
        // The properties end at the first `::`; nothing from a file name may end them early.
        let (properties, _) = l[2..].split_once("::").unwrap();
        assert!(properties.contains(",title=KB"), "{l}");
    }
    // GitHub decodes %25, %0D, %0A, and in properties %3A and %2C: a literal
    // `%0A` in a name must come out as `%250A`, `:` and `,` encoded.
    assert!(run.stdout.contains("file=articles/d%250A%3A%3Aerror%3A%3Apercent.md,"), "{}", run.stdout);
    assert!(run.stdout.contains("file=articles/a\\n%3A%3Aerror file=x.md%2Cline=1%3A%3Apwned.md,"), "{}", run.stdout);
    assert!(run.stdout.contains("file=articles/c\\u{1b}[2J\\u{1b}]0;title\\u{7}.md,"), "{}", run.stdout);
    let written = std::fs::read_to_string(&summary).unwrap();
    assert_clean("step summary", &written);
    assert!(written.contains("| KB012 |"), "{written}");
}

#[test]
fn sarif_format_escapes_messages_and_percent_encodes_paths() {
    let kb = hostile_kb();
    let run = kb.run(["check", "--format", "sarif"]);
    run.code(1);
    assert_clean("stderr", &run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut uris = Vec::new();
    for r in results {
        let text = r["message"]["text"].as_str().unwrap();
        assert_clean("a SARIF message", text);
        let locations =
            r["locations"].as_array().unwrap().iter().chain(r["relatedLocations"].as_array().into_iter().flatten());
        for loc in locations {
            let uri = loc["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
            uris.push(uri.to_string());
            if let Some(m) = loc["message"]["text"].as_str() {
                assert_clean("a related location's message", m);
            }
        }
    }
    assert!(uris.contains(&"articles/a%0A::error%20file=x.md,line=1::pwned.md".to_string()), "{uris:?}");
}

#[test]
fn build_refusal_and_fatal_errors_escape_paths() {
    let kb = hostile_kb();
    let run = kb.run(["build"]);
    run.code(1);
    assert_clean("stdout", &run.stdout);
    assert_clean("stderr", &run.stderr);
}

#[test]
fn fatal_errors_escape_the_paths_they_name() {
    let kb = Kb::fixture("clean");
    kb.write("out\n::error::x", "a file where OUT should be");
    let run = kb.run(["build", "-o", "out\n::error::x"]);
    run.code(2);
    assert_clean("stderr", &run.stderr);
    assert!(run.stderr.contains("out\\n::error::x"), "{}", run.stderr);
}
