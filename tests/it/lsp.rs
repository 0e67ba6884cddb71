//! `kbc lsp` end to end: scripted editor sessions against the real server
//! over an in-memory connection (as ruff's and rust-analyzer's tests do),
//! and one over the binary's stdio. The messages are snapshotted with the
//! knowledge base's location replaced by `[ROOT]`.

use crate::common::Kb;
use kbc::lsp::Options;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A good article; `{title}`, `{clouds}` and `{id}` are filled in.
const ARTICLE: &str = r#"<properties
    pageTitle="{title}"
    description="Fix permission errors when a notebook reads a secret from a scope"
    service="microsoft.databricks"
    resource="workspaces"
    ms.author="fixtureauthor"
    displayOrder="{order}"
    selfHelpType="generic"
    supportTopicIds="32677722"
    productPesIds="16432"
    cloudEnvironments="{clouds}"
    articleId="{id}"
    ownershipId="Fixture_Databricks"
/>

# {title}

## **Recommended Steps**

* Give the user READ permission on the scope.

## **Recommended Documents**

* [Secret scopes](https://learn.microsoft.com/azure/databricks/security/secrets/secret-scopes)
"#;

const ID_A: &str = "8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f11";
const ID_B: &str = "8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f22";

fn article(title: &str, clouds: &str, id: &str) -> String {
    let order = if id == ID_A { "10" } else { "20" };
    ARTICLE.replace("{title}", title).replace("{clouds}", clouds).replace("{id}", id).replace("{order}", order)
}

/// Two good articles, `a.md` and `b.md`.
fn two_articles() -> Kb {
    let kb = Kb::empty();
    kb.write("book.toml", "[book]\ntitle = \"Test\"\n");
    kb.write("articles/a.md", article("Cannot read a secret", "public", ID_A));
    kb.write("articles/b.md", article("Cannot list secret scopes", "public", ID_B));
    kb
}

/// The client's end of a session with the server running in a thread.
struct Client {
    conn: Connection,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    root_uri: String,
    next_id: i32,
    /// Notifications received and not yet looked at.
    inbox: VecDeque<Notification>,
}

impl Client {
    fn start(kb: &Kb, init: Value) -> Client {
        Client::start_with(kb, init, json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
    }

    /// A client declaring the capabilities `caps`.
    fn start_with(kb: &Kb, init: Value, caps: Value) -> Client {
        let (server_end, conn) = Connection::memory();
        let root = kb.root().canonicalize().unwrap();
        let root_uri = lsp_types::Url::from_directory_path(&root).unwrap().to_string();
        let options = Options::new(Duration::from_millis(20));
        let server = std::thread::spawn(move || kbc::lsp::serve(&server_end, None, options));
        let mut client = Client { conn, server: Some(server), root_uri, next_id: 0, inbox: VecDeque::new() };
        let params = json!({"capabilities": caps, "rootUri": client.root_uri, "initializationOptions": init});
        let result = client.request("initialize", params);
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, rel: &str) -> String {
        format!("{}{}", self.root_uri, rel.replace(' ', "%20"))
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn.sender.send(Notification::new(method.into(), params).into()).unwrap();
    }

    /// Sends a request and waits for its answer (keeping notifications).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn.sender.send(Request::new(id.clone(), method.into(), params).into()).unwrap();
        loop {
            match self.next_message() {
                Message::Response(r) if r.id == id => match r.response_result {
                    Ok(result) => return result,
                    Err(e) => panic!("{method} failed: {e:?}"),
                },
                Message::Response(_) => {}
                Message::Notification(n) => self.inbox.push_back(n),
                Message::Request(r) => self.answer(r),
            }
        }
    }

    fn next_message(&mut self) -> Message {
        self.conn.receiver.recv_timeout(WAIT).expect("the server answers in time")
    }

    /// Answers the server's own requests (registering file watchers).
    fn answer(&self, req: Request) {
        assert_eq!(req.method, "client/registerCapability", "{req:?}");
        self.conn.sender.send(Response::new_ok(req.id, Value::Null).into()).unwrap();
    }

    /// The next notification `method` (earlier others are kept).
    fn wait_for(&mut self, method: &str, what: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(|n| n.method == method && what(&n.params)) {
            return self.inbox.remove(i).unwrap().params;
        }
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "no {method} in time; got {:?}", self.inbox);
            match self.next_message() {
                Message::Notification(n) if n.method == method && what(&n.params) => return n.params,
                Message::Notification(n) => self.inbox.push_back(n),
                Message::Request(r) => self.answer(r),
                Message::Response(r) => panic!("unexpected {r:?}"),
            }
        }
    }

    /// The next diagnostics published for `rel`.
    fn diagnostics(&mut self, rel: &str) -> Value {
        let uri = self.uri(rel);
        self.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str())
    }

    fn open(&mut self, rel: &str, text: &str) {
        let doc = json!({"uri": self.uri(rel), "languageId": "markdown", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}));
    }

    /// Replaces the range (line, character)..(line, character) with `text`.
    fn edit(&mut self, rel: &str, version: i32, from: (u32, u32), to: (u32, u32), text: &str) {
        let range = json!({"start": {"line": from.0, "character": from.1}, "end": {"line": to.0, "character": to.1}});
        let params = json!({
            "textDocument": {"uri": self.uri(rel), "version": version},
            "contentChanges": [{"range": range, "text": text}],
        });
        self.notify("textDocument/didChange", params);
    }

    /// `value` with the root's URI and path replaced by `[ROOT]`.
    fn redact(&self, value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap().replace(&self.root_uri, "file://[ROOT]/")
    }

    /// Shuts the server down the way a client does; it must stop.
    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap();
    }
}

/// The (line, character) of the first `needle` in `text`, in UTF-16.
fn pos(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in the text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    (line as u32, text[line_start..at].encode_utf16().count() as u32)
}

fn codes(diags: &Value) -> Vec<String> {
    diags["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn publishes_workspace_findings_on_start_and_clears_them_as_the_author_fixes_them() {
    let kb = two_articles();
    // Non-ASCII before the finding on its line: columns count UTF-16 units.
    let text = article("Ça 😀 marche pas", "fairfax, publik", ID_A)
        .replace("    cloudEnvironments=", "    authors=\"Zoë 😀\" cloudEnvironments=");
    kb.write("articles/a.md", &text);
    let mut c = Client::start(&kb, json!({}));
    let start = c.diagnostics("articles/a.md");
    assert_eq!(codes(&start), ["KB013"]);
    let (line, col) = pos(&text, "publik");
    let range = &start["diagnostics"][0]["range"];
    assert_eq!(range["start"], json!({"line": line, "character": col}));
    assert_eq!(range["end"], json!({"line": line, "character": col + 6}));
    insta::assert_snapshot!("lsp_workspace_start", c.redact(&start));

    c.open("articles/a.md", &text);
    assert_eq!(codes(&c.diagnostics("articles/a.md")), ["KB013"]);
    // Typing "x" after "publik" keeps the finding, on the longer word.
    c.edit("articles/a.md", 2, (line, col + 6), (line, col + 6), "x");
    let typed = c.diagnostics("articles/a.md");
    assert_eq!(typed["version"], 2);
    assert_eq!(typed["diagnostics"][0]["range"]["end"]["character"], col + 7);
    assert!(typed["diagnostics"][0]["message"].as_str().unwrap().contains("publikx"));
    // Replacing the word with a cloud clears it.
    c.edit("articles/a.md", 3, (line, col), (line, col + 7), "fairfax");
    let fixed = c.diagnostics("articles/a.md");
    assert_eq!(fixed["version"], 3);
    assert_eq!(fixed["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn a_finding_in_another_file_appears_and_clears_with_an_edit() {
    let kb = two_articles();
    let mut c = Client::start(&kb, json!({}));
    let b = article("Cannot list secret scopes", "public", ID_B);
    c.open("articles/b.md", &b);
    assert_eq!(codes(&c.diagnostics("articles/b.md")), Vec::<String>::new());
    // b.md takes a.md's articleId: both files get the finding.
    let (line, col) = pos(&b, ID_B);
    c.edit("articles/b.md", 2, (line, col), (line, col + 36), ID_A);
    let in_a = c.diagnostics("articles/a.md");
    let in_b = c.diagnostics("articles/b.md");
    assert_eq!(codes(&in_a), ["KB012"], "{in_a}");
    let related = &in_b["diagnostics"][0]["relatedInformation"][0]["location"]["uri"];
    assert_eq!(related.as_str(), Some(c.uri("articles/a.md").as_str()), "{in_b}");
    insta::assert_snapshot!("lsp_duplicate_id_in_the_other_file", c.redact(&json!([in_a, in_b])));
    c.edit("articles/b.md", 3, (line, col), (line, col + 36), ID_B);
    assert_eq!(c.diagnostics("articles/a.md")["diagnostics"], json!([]));
    assert_eq!(c.diagnostics("articles/b.md")["diagnostics"], json!([]));
    c.shutdown();
}

#[test]
fn workspace_symbols_are_article_titles() {
    let kb = two_articles();
    let mut c = Client::start(&kb, json!({}));
    let found = c.request("workspace/symbol", json!({"query": "secret SCOPES"}));
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Cannot list secret scopes"]);
    assert_eq!(found[0]["location"]["uri"].as_str(), Some(c.uri("articles/b.md").as_str()));
    assert_eq!(found[0]["location"]["range"]["start"], json!({"line": 1, "character": 15}));
    assert_eq!(c.request("workspace/symbol", json!({"query": ""})).as_array().unwrap().len(), 2);
    c.shutdown();
}

/// `kbc lsp` run as a process, spoken to over its stdio. Messages are read
/// on a thread, so that a silent server fails the test rather than hanging it.
struct Stdio {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    messages: std::sync::mpsc::Receiver<Value>,
}

impl Stdio {
    fn start(args: &[&str], cwd: &std::path::Path) -> Stdio {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbc"))
            .args(args)
            .current_dir(cwd)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || while tx.send(read_message(&mut out)).is_ok() {});
        Stdio { child, stdin, messages }
    }

    fn send(&mut self, v: Value) {
        use std::io::Write;
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&self) -> Value {
        self.messages.recv_timeout(WAIT).expect("a message from the server in time")
    }

    /// The handshake, with no root and no capabilities.
    fn initialize(&mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
        assert_eq!(self.read()["result"]["serverInfo"]["name"], "kbc");
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    /// Shuts the server down; it must exit with success.
    fn shutdown(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        // Notifications may come first (a log of the server's own file
        // watch); the only answer is to the shutdown.
        loop {
            let m = self.read();
            if m["id"] == 2 {
                break;
            }
            assert!(m["id"].is_null() && m["method"].is_string(), "not a notification: {m}");
        }
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn the_binary_serves_over_stdio() {
    let kb = two_articles();
    kb.write("articles/a.md", article("A", "publik", ID_A));
    let mut server = Stdio::start(&["lsp", "--stdio"], kb.root());
    server.initialize();
    let published = server.read();
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert!(published["params"]["uri"].as_str().unwrap().ends_with("/articles/a.md"));
    assert_eq!(published["params"]["diagnostics"][0]["code"], "KB013");
    server.shutdown();
}

#[test]
fn a_client_naming_no_folder_gets_the_opened_articles_knowledge_base_never_its_working_folder() {
    // A knowledge base without book.toml (as the corpus is laid out), and
    // the server started in an unrelated folder, as Neovim does in
    // single-file mode.
    let kb = Kb::empty();
    kb.write("articles/svc/a.md", article("A", "publik", ID_A));
    let elsewhere = tempfile::tempdir().unwrap();
    let mut server = Stdio::start(&["lsp"], elsewhere.path());
    server.initialize();
    let told = server.read();
    assert_eq!(told["method"], "window/showMessage", "{told}");
    assert!(told["params"]["message"].as_str().unwrap().contains("is not a knowledge base"), "{told}");
    let file = kb.root().canonicalize().unwrap().join("articles/svc/a.md");
    let uri = lsp_types::Url::from_file_path(&file).unwrap().to_string();
    let text = std::fs::read_to_string(&file).unwrap();
    let doc = json!({"uri": uri, "languageId": "markdown", "version": 1, "text": text});
    server.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}}));
    let published = loop {
        let m = server.read();
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str() {
            break m;
        }
    };
    assert_eq!(published["params"]["diagnostics"][0]["code"], "KB013", "{published}");
    server.shutdown();
}

/// One message of the base protocol (`Content-Length` header, JSON body).
fn read_message(out: &mut impl std::io::BufRead) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server closed its output");
        if line == "\r\n" {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// The byte offset of a (line, UTF-16 character) position in `text`.
fn offset(text: &str, p: &Value) -> usize {
    let (line, ch) = (p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with an action's edits to `uri` applied (last first).
fn apply(text: &str, action: &Value, uri: &str) -> String {
    let mut edits: Vec<&Value> = action["edit"]["changes"][uri].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let span = offset(text, &e["range"]["start"])..offset(text, &e["range"]["end"]);
        out.replace_range(span, e["newText"].as_str().unwrap());
    }
    out
}

fn titles(actions: &Value) -> Vec<&str> {
    actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect()
}

#[test]
fn quick_fixes_a_suppression_and_fix_all_edit_the_article() {
    let kb = two_articles();
    let text = article("Cannot read a secret", "fairfax, publik", ID_A)
        .replace("https://learn.microsoft.com", "http://learn.microsoft.com")
        .replace("* Give the user", "* See [the docs](http://learn.microsoft.com/azure/databricks).\n* Give the user");
    kb.write("articles/a.md", &text);
    let mut c = Client::start(&kb, json!({}));
    c.diagnostics("articles/a.md");
    c.open("articles/a.md", &text);
    let found = c.diagnostics("articles/a.md");
    assert_eq!(found["version"], 1);
    let mut got = codes(&found);
    got.dedup();
    assert_eq!(got, ["KB013", "KB204"], "{found}");
    let uri = c.uri("articles/a.md");
    let at = |needle: &str| {
        let (line, character) = pos(&text, needle);
        json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}})
    };
    // The misspelt cloud: its "did you mean" as the preferred quick fix.
    let cloud = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": at("publik"), "context": {"diagnostics": []}}),
    );
    insta::assert_snapshot!("lsp_code_actions_on_a_cloud", c.redact(&json!(titles(&cloud))));
    assert_eq!(cloud[0]["kind"], "quickfix");
    assert_eq!(cloud[0]["isPreferred"], true);
    assert_eq!(cloud[0]["diagnostics"][0]["code"], "KB013");
    assert!(apply(&text, &cloud[0], &uri).contains("cloudEnvironments=\"fairfax, public\""));
    // The insecure link in the body: its fix, and a suppression above its line.
    let link = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": at("http://learn.microsoft.com/azure/databricks)"), "context": {"diagnostics": []}}));
    insta::assert_snapshot!("lsp_code_actions_on_a_link", c.redact(&json!(titles(&link))));
    assert!(apply(&text, &link[0], &uri).contains("* See [the docs](https://learn.microsoft.com/azure/databricks)."));
    let suppressed = apply(&text, &link[1], &uri);
    assert!(
        suppressed.contains("<!-- kbc-disable-next-line insecure-link -->\n* See [the docs](http://"),
        "{suppressed}"
    );
    // Fix all, as a source action, fixes both insecure links at once.
    let only = json!({"textDocument": {"uri": uri}, "range": at("<properties"), "context": {"diagnostics": [], "only": ["source.fixAll"]}});
    let all = c.request("textDocument/codeAction", only);
    assert_eq!(titles(&all), ["Fix all kbc findings in this file (2)"]);
    let fixed = apply(&text, &all[0], &uri);
    assert!(!fixed.contains("http://") && fixed.contains("publik"), "{fixed}");
    // The client applies the suppression: the finding goes, the other stays.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let after = c.diagnostics("articles/a.md");
    assert_eq!(after["version"], 2);
    assert_eq!(codes(&after), ["KB013", "KB204"], "one insecure link is suppressed, the other is not: {after}");
    c.shutdown();
}

/// A knowledge base with a supportTopicDescription article for product 16432.
fn with_topics() -> Kb {
    let kb = two_articles();
    let desc = "<properties\n    pageTitle=\"Support topics for Databricks\"\n    description=\"Topics\"\n    ms.author=\"fixtureauthor\"\n    selfHelpType=\"supportTopicDescription\"\n    productPesIds=\"16432\"\n    cloudEnvironments=\"public\"\n    articleId=\"8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f33\"\n    ownershipId=\"Fixture_Databricks\"\n/>\n# Support topics for Databricks\n---\n{\"$schema\": \"SelfHelpContent\", \"supportTopics\": [{\"id\": \"32677722\", \"shortDescription\": \"Tokens for the REST API\"}, {\"id\": \"32677730\", \"shortDescription\": \"Clusters that fail to start\"}]}\n---\n";
    kb.write("articles/topics.md", desc);
    kb
}

fn labels(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn completes_header_names_and_values_and_link_paths() {
    let kb = with_topics();
    kb.write("articles/sub/c.md", article("In a subfolder", "public", "8e0f4a6c-1d2b-4c3e-9f5a-6b7c8d9e0f44"));
    let mut c = Client::start(&kb, json!({}));
    let text = article("Cannot read a secret", "public, ", ID_A)
        .replace("articleId=\"", "articleId=\"x")
        .replace("* Give the user", "* See [c](sub/\n* Give the user");
    c.open("articles/a.md", &text);
    let uri = c.uri("articles/a.md");
    let mut complete = |at: (u32, u32)| {
        c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": at.0, "character": at.1}}),
        )
    };
    let after = |needle: &str| {
        let (l, ch) = pos(&text, needle);
        (l, ch + needle.encode_utf16().count() as u32)
    };
    let clouds = complete(after("cloudEnvironments=\"public, "));
    assert_eq!(labels(&clouds), ["public", "fairfax", "mooncake", "usnat", "ussec"]);
    let topics = complete(after("supportTopicIds=\"3267772"));
    assert_eq!(labels(&topics), ["32677722", "32677730"]);
    assert_eq!(topics["items"][0]["detail"], "Tokens for the REST API (product 16432)");
    let edit = &topics["items"][0]["textEdit"];
    assert_eq!(
        edit["range"]["start"],
        json!({"line": pos(&text, "32677722").0, "character": pos(&text, "32677722").1})
    );
    let ids = complete(after("articleId=\"x"));
    let guid = labels(&ids)[0].clone();
    assert!(guid.len() == 36 && guid.chars().filter(|c| *c == '-').count() == 4, "{guid}");
    let names = labels(&complete((pos(&text, "/>").0, 0)));
    assert!(names.contains(&"authors".to_string()) && !names.contains(&"pageTitle".to_string()), "{names:?}");
    let paths = complete(after("[c](sub/"));
    assert_eq!(labels(&paths), ["sub/c.md"]);
    assert_eq!(paths["items"][0]["detail"], "In a subfolder");
    c.shutdown();
}

#[test]
fn hovers_explain_topics_clouds_and_rules() {
    let kb = with_topics();
    let text = article("Cannot read a secret", "public, fairfax", ID_A)
        .replace("* Give the user", "<!-- kbc-disable-next-line insecure-link -->\n* Give the user");
    kb.write("articles/a.md", &text);
    let mut c = Client::start(&kb, json!({}));
    let uri = c.uri("articles/a.md");
    let mut hover = |needle: &str| {
        let (line, character) = pos(&text, needle);
        let at = json!({"line": line, "character": character + 1});
        c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": at}))
    };
    let topic = hover("32677722");
    assert_eq!(
        topic["contents"]["value"],
        "**Tokens for the REST API**\n\nsupport topic of product `16432` (Support topics for Databricks)"
    );
    assert_eq!(hover("fairfax")["contents"]["value"], "**fairfax**: Azure Government (United States government cloud)");
    let rule = hover("insecure-link -->");
    assert!(rule["contents"]["value"].as_str().unwrap().starts_with("# insecure-link (KB204)"), "{rule}");
    assert_eq!(hover("Cannot read"), Value::Null);
    c.shutdown();
}

#[test]
fn goes_to_linked_and_included_files_and_lists_document_links() {
    let kb = two_articles();
    kb.write("includes/note.md", "A shared note.\n");
    let text = article("Cannot read a secret", "public", ID_A).replace(
        "* Give the user",
        "* See [b](b.md#top) and [gone](nope.md).\n\n[!INCLUDE [note](../includes/note.md)]\n\n* Give the user",
    );
    kb.write("articles/a.md", &text);
    let mut c = Client::start(&kb, json!({}));
    let uri = c.uri("articles/a.md");
    let (line, character) = pos(&text, "b.md#top");
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + 1}}),
    );
    assert_eq!(def["uri"].as_str(), Some(c.uri("articles/b.md").as_str()));
    let (line, character) = pos(&text, "INCLUDE");
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    assert_eq!(def["uri"].as_str(), Some(c.uri("includes/note.md").as_str()));
    let links = c.request("textDocument/documentLink", json!({"textDocument": {"uri": uri}}));
    let targets: Vec<&str> = links.as_array().unwrap().iter().map(|l| l["tooltip"].as_str().unwrap()).collect();
    assert_eq!(targets, ["articles/b.md", "includes/note.md"], "the missing file is no link");
    c.shutdown();
}

#[test]
fn files_created_deleted_and_book_toml_changed_on_disk_are_picked_up() {
    let kb = two_articles();
    let mut c = Client::start(&kb, json!({}));
    // A new file on disk that duplicates a.md's articleId.
    kb.write("articles/c.md", article("A copy", "public", ID_A).replace("displayOrder=\"10\"", "displayOrder=\"30\""));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": c.uri("articles/c.md"), "type": 1}]}));
    assert_eq!(codes(&c.diagnostics("articles/a.md")), ["KB012"]);
    assert_eq!(codes(&c.diagnostics("articles/c.md")), ["KB012"]);
    // book.toml turns the rule into a warning.
    kb.write("book.toml", "[book]\ntitle = \"Test\"\n[lints]\nduplicate-article-id = \"warn\"\n");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": c.uri("book.toml"), "type": 2}]}));
    assert_eq!(c.diagnostics("articles/a.md")["diagnostics"][0]["severity"], 2);
    assert_eq!(c.diagnostics("articles/c.md")["diagnostics"][0]["severity"], 2);
    // Deleting the copy clears both.
    kb.remove("articles/c.md");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": c.uri("articles/c.md"), "type": 3}]}));
    let mut cleared = vec![c.diagnostics("articles/a.md"), c.diagnostics("articles/c.md")];
    cleared.retain(|d| d["diagnostics"] != json!([]));
    assert!(cleared.is_empty(), "{cleared:?}");
    c.shutdown();
}

/// Writes a file as editors and git do, by renaming a finished hidden copy
/// into place: a watcher never sees it half written.
fn replace(kb: &Kb, rel: &str, text: &str) {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let tmp = if dir.is_empty() { format!(".{name}.tmp") } else { format!("{dir}/.{name}.tmp") };
    kb.write(&tmp, text);
    std::fs::rename(kb.root().join(&tmp), kb.root().join(rel)).unwrap();
}

#[test]
fn without_the_clients_file_watching_the_server_watches_files_itself() {
    let kb = two_articles();
    // A client that cannot be asked to watch files (no dynamic registration).
    let mut c = Client::start_with(&kb, json!({}), json!({}));
    // The server says when its own watch is set up.
    let log = c.wait_for("window/logMessage", |p| p["message"].as_str().is_some_and(|m| m.contains("watching")));
    assert_eq!(log["type"], 3, "{log}");
    replace(
        &kb,
        "articles/c.md",
        &article("A copy", "public", ID_A).replace("displayOrder=\"10\"", "displayOrder=\"30\""),
    );
    assert_eq!(codes(&c.diagnostics("articles/a.md")), ["KB012"]);
    assert_eq!(codes(&c.diagnostics("articles/c.md")), ["KB012"]);
    replace(&kb, "book.toml", "[book]\ntitle = \"Test\"\n[lints]\nduplicate-article-id = \"warn\"\n");
    assert_eq!(c.diagnostics("articles/a.md")["diagnostics"][0]["severity"], 2);
    assert_eq!(c.diagnostics("articles/c.md")["diagnostics"][0]["severity"], 2);
    kb.remove("articles/c.md");
    let mut cleared = vec![c.diagnostics("articles/a.md"), c.diagnostics("articles/c.md")];
    cleared.retain(|d| d["diagnostics"] != json!([]));
    assert!(cleared.is_empty(), "{cleared:?}");
    c.shutdown();
}

#[test]
fn lint_on_save_waits_for_the_save() {
    let kb = two_articles();
    let mut c = Client::start(&kb, json!({"lintOn": "save"}));
    let text = article("Cannot read a secret", "public", ID_A);
    c.open("articles/a.md", &text);
    assert_eq!(c.diagnostics("articles/a.md")["diagnostics"], json!([]));
    let (line, col) = pos(&text, "public\"");
    c.edit("articles/a.md", 2, (line, col), (line, col + 6), "publik");
    // Nothing is published for the edit; a request still sees the new text.
    let symbols = c.request("workspace/symbol", json!({"query": "secret"}));
    assert_eq!(symbols.as_array().unwrap().len(), 2);
    assert!(c.inbox.iter().all(|n| n.method != "textDocument/publishDiagnostics"), "{:?}", c.inbox);
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": c.uri("articles/a.md")}}));
    assert_eq!(codes(&c.diagnostics("articles/a.md")), ["KB013", "KB015"]);
    c.shutdown();
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let kb = two_articles();
    let mut c = Client::start(&kb, json!({}));
    let mut refused = |method: &str, params: Value| {
        c.next_id += 1;
        let id = RequestId::from(c.next_id);
        c.conn.sender.send(Request::new(id.clone(), method.into(), params).into()).unwrap();
        loop {
            if let Message::Response(r) = c.next_message()
                && r.id == id
            {
                return r.response_result.unwrap_err().code;
            }
        }
    };
    assert_eq!(refused("textDocument/hover", json!({"textDocument": 7})), -32602, "invalid params");
    assert_eq!(refused("textDocument/unknownThing", json!({})), -32601, "method not found");
    // A change to a document never opened, and one past the end of an open one.
    c.edit("articles/a.md", 5, (0, 0), (0, 0), "x");
    c.open("articles/b.md", "short");
    c.edit("articles/b.md", 2, (40, 3), (99, 0), "!");
    let b = c.diagnostics("articles/b.md");
    let b = if b["version"] == 1 { c.diagnostics("articles/b.md") } else { b };
    assert_eq!(b["version"], 2);
    c.shutdown();
}
