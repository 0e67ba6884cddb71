#!/usr/bin/env python3
"""`kbc lsp` latency on a knowledge base (docs/bench/lsp.md).

Starts `kbc lsp ROOT` over stdio, as an editor would, and measures:
  * start-up: from spawning the server to its first publishDiagnostics, and
    to the end of the workspace's initial diagnostics;
  * typing: N single-character edits in one article (incremental
    didChange), each timed from sending the change to receiving the
    publishDiagnostics for that version of the document.
Edits are sent one at a time (the next after the previous one's diagnostics),
so each number is one keystroke's full latency, debounce included.

    python3 bench/lsp/latency.py --kbc target/release/kbc --root ../shared/corpus
"""
import argparse, json, os, statistics, subprocess, sys, time


class Server:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(dict(jsonrpc="2.0", **msg)).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if not line:
                sys.exit("the server closed its output")
            if line == b"\r\n":
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send(dict(id=self.next_id, method=method, params=params))
        while True:
            msg = self.read()
            if msg.get("id") == self.next_id and "method" not in msg:
                return msg, 0
            if msg.get("method") == "textDocument/publishDiagnostics":
                self.published += 1

    def wait_publish(self, uri, version=None):
        while True:
            msg = self.read()
            if msg.get("method") != "textDocument/publishDiagnostics":
                continue
            p = msg["params"]
            if p["uri"] == uri and (version is None or p.get("version") == version):
                return p


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kbc", default="target/release/kbc")
    ap.add_argument("--root", default="../shared/corpus")
    ap.add_argument("--article", help="root-relative path (default: the median-sized article)")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--debounce-ms", type=int, default=50)
    a = ap.parse_args()
    root = os.path.realpath(a.root)
    article = a.article or pick_article(root)
    path = os.path.join(root, article)
    uri = "file://" + path.replace(" ", "%20")
    text = open(path, encoding="utf-8-sig").read()

    t0 = time.perf_counter()
    s = Server([a.kbc, "lsp", root, "--debounce-ms", str(a.debounce_ms)])
    s.published = 0
    s.request("initialize", {"capabilities": {}, "rootUri": "file://" + root})
    s.send(dict(method="initialized", params={}))
    first = s.read()
    assert first.get("method") == "textDocument/publishDiagnostics", first
    t_first = time.perf_counter() - t0
    s.published = 1
    # Answered after every initial publication (the server is sequential).
    s.request("workspace/symbol", {"query": "zzzz-no-such-title"})
    t_all = time.perf_counter() - t0
    files = s.published

    s.send(dict(method="textDocument/didOpen", params={"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1, "text": text}}))
    s.wait_publish(uri, 1)
    # Type after the end of the first heading line (else the first line).
    lines = text.split("\n")
    line = next((i for i, l in enumerate(lines) if l.startswith("# ")), 0)
    col = len(lines[line].encode("utf-16-le")) // 2
    times = []
    cpu0 = cpu_seconds(s.p.pid)
    for k in range(a.edits):
        version = k + 2
        char = "abcdefghijklmnopqrstuvwxyz"[k % 26]
        pos = {"line": line, "character": col + k}
        change = {"range": {"start": pos, "end": pos}, "text": char}
        t = time.perf_counter()
        s.send(dict(method="textDocument/didChange", params={
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}))
        s.wait_publish(uri, version)
        times.append((time.perf_counter() - t) * 1000)
    cpu_per_edit = (cpu_seconds(s.p.pid) - cpu0) / a.edits * 1000
    s.request("shutdown", None)
    s.send(dict(method="exit", params=None))
    s.p.wait(timeout=30)
    print(json.dumps({
        "article": article, "bytes": len(text.encode()), "edits": a.edits, "debounce_ms": a.debounce_ms,
        "startup_first_publish_s": round(t_first, 2), "startup_all_published_s": round(t_all, 2),
        "files_published_at_start": files,
        "edit_ms_median": round(statistics.median(times), 1), "edit_ms_p95": round(percentile(times, 95), 1),
        "edit_ms_max": round(max(times), 1),
        "server_cpu_ms_per_edit": round(cpu_per_edit, 1),
        "load_average_1min": os.getloadavg()[0],
    }, indent=2))


def cpu_seconds(pid):
    """User + system CPU time of a process (Linux /proc), all threads."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pick_article(root):
    """The median-sized article under articles/, by path order among equals."""
    found = []
    for d, _, names in os.walk(os.path.join(root, "articles")):
        found += [os.path.join(d, n) for n in names if n.endswith(".md")]
    found.sort(key=lambda p: (os.path.getsize(p), p))
    return os.path.relpath(found[len(found) // 2], root)


if __name__ == "__main__":
    main()
