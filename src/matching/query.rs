//! The query side of the ranking model: a pasted log line is cut down to
//! its message before tokenizing (docs/build.md, "Ranking model").
//! Timestamps, levels, component tags, stack frames, GUIDs, long numbers,
//! paths and URLs say nothing about which article answers the error, and
//! a stack trace's identifiers would otherwise outvote the message.

/// The text of a query with log noise removed, line by line.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if is_frame(line) {
            continue;
        }
        let line = strip_prefix(line);
        let mut first = true;
        for word in line.split_whitespace().filter(|w| !is_noise(w)) {
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(word);
        }
        out.push('\n');
    }
    out
}

/// A stack-trace line: `at Ns.Type.Method(…)` (.NET, Java, JavaScript),
/// `File "x.py", line 3, in f` (Python), `--- End of …` and `Traceback …`
/// headers, and `... 12 more`.
fn is_frame(line: &str) -> bool {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("at ") {
        let callee = rest.split(['(', ' ']).next().unwrap_or("");
        return !callee.is_empty() && (callee.contains('.') || rest[callee.len()..].starts_with('('));
    }
    t.starts_with("File \"") && t.contains(", line ")
        || t.starts_with("--- End of")
        || t.starts_with("Traceback (most recent call last)")
        || (t.starts_with("... ") && t.ends_with(" more"))
}

/// Levels a log line may carry after its timestamp.
const LEVELS: &[&str] =
    &["e", "w", "i", "d", "error", "err", "fatal", "crit", "critical", "warn", "warning", "info", "debug", "trace"];

/// The line without a leading timestamp, level and `[component]` tags:
/// only when a timestamp opens the line, so "Error: …" messages keep their
/// first word.
fn strip_prefix(line: &str) -> &str {
    let mut rest = line.trim_start();
    let Some(after) = skip_timestamp(rest) else { return rest };
    rest = after.trim_start();
    loop {
        let word = rest.split_whitespace().next().unwrap_or("");
        let bare = word.trim_matches(|c| matches!(c, '[' | ']' | '<' | '>' | ':' | '|'));
        let tag = word.starts_with('[') && word.ends_with(']') || word.starts_with('[') && rest.contains(']');
        if LEVELS.contains(&bare.to_ascii_lowercase().as_str()) && !word.is_empty() {
            rest = rest[word.len()..].trim_start();
        } else if tag {
            let end = rest.find(']').map_or(rest.len(), |i| i + 1);
            rest = rest[end..].trim_start();
        } else {
            return rest;
        }
    }
}

/// After `2025-04-25T17:55:01.339Z`, `2025-04-25 17:55:01,339` or
/// `[2025/04/25 17:55:01]` (with an optional zone), else `None`.
fn skip_timestamp(s: &str) -> Option<&str> {
    let s = s.strip_prefix('[').unwrap_or(s);
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let date = digits(0..4) && matches!(b.get(4), Some(b'-' | b'/')) && digits(5..7) && digits(8..10);
    if !date {
        return None;
    }
    let mut i = 10;
    if matches!(b.get(i), Some(b'T' | b' ')) && digits(i + 1..i + 3) && b.get(i + 3) == Some(&b':') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b',')) {
            i += 1;
        }
    }
    while b.get(i).is_some_and(|c| matches!(c, b'Z' | b'+' | b'-' | b']') || c.is_ascii_digit()) {
        i += 1;
    }
    Some(&s[i..])
}

/// Words that identify nothing: GUIDs, long numbers and hex ids, paths and
/// URLs.
fn is_noise(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '\\');
    if w.contains("://") || w.matches(['/', '\\']).count() >= 2 {
        return true;
    }
    let hex = w.chars().filter(char::is_ascii_hexdigit).count();
    let dashes = w.chars().filter(|&c| c == '-').count();
    let guid = w.len() == 36 && dashes == 4 && hex == 32;
    let digits = w.chars().filter(char::is_ascii_digit).count();
    let long_number = digits >= 6 && digits + dashes == w.len();
    guid || long_number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_a_dotnet_log_line_to_its_message() {
        let q = "2025-04-25T17:55:01.339Z ERROR [worker-7] Login failed for user 'x'.\n   at Contoso.Jobs.JobRunner.ExecuteAsync(CancellationToken cancellationToken) in /src/Contoso/Jobs/JobRunner.cs:line 120\n   at System.Threading.Tasks.Task.Run()";
        assert_eq!(clean(q).trim(), "Login failed for user 'x'.");
    }

    #[test]
    fn strips_java_and_python_frames() {
        let q = "[2025/01/02 03:04:05] [error] [svc] java.io.IOException: disk full\n\tat com.x.Y.z(Y.java:12)\n\t... 3 more\nTraceback (most recent call last):\n  File \"a.py\", line 3, in f\nValueError: bad";
        assert_eq!(clean(q), "java.io.IOException: disk full\nValueError: bad\n");
    }

    #[test]
    fn keeps_a_leading_error_word_without_a_timestamp() {
        assert_eq!(clean("Error: at least one value is required").trim(), "Error: at least one value is required");
    }

    #[test]
    fn drops_guids_long_numbers_paths_and_urls_but_keeps_codes() {
        let q = "AADSTS50011 request 6b71a02d-8af7-4491-ba12-aff37179c77e id 1234567 at /var/log/x.log see https://x.test/a 0x80070005 error 18456";
        assert_eq!(clean(q).trim(), "AADSTS50011 request id at see 0x80070005 error 18456");
    }
}
