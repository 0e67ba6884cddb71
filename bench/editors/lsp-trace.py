#!/usr/bin/env python3
"""A stdio proxy between an editor and `kbc lsp` that logs each message's
time (ms since start), direction, id and method to LOG, to see which side of
an editor's delay is kbc's. `--stats LOG` prints, for each document version,
the time from its last didChange to its publishDiagnostics.

  proxy: lsp-trace.py LOG KBC lsp [ARGS...]   (make a two-line shell script
         of it and give that as kbc.path / KBC to bench/editors/vscode.sh)
  stats: lsp-trace.py --stats LOG
"""
import json, re, subprocess, sys, threading, time


def proxy(log_path, cmd):
    log = open(log_path, "a", buffering=1)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    t0 = time.monotonic()
    log.write(f"# started at {time.time() * 1000:.0f} ms since the epoch\n")

    def pump(src, dst, tag):
        while True:
            headers = {}
            while True:
                line = src.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                k, v = line.decode().split(":", 1)
                headers[k.strip().lower()] = v.strip()
            body = src.read(int(headers["content-length"]))
            msg = json.loads(body)
            params = msg.get("params") or {}
            extra = ""
            if msg.get("method") == "textDocument/publishDiagnostics":
                extra = f" v={params.get('version')} n={len(params['diagnostics'])} {params['uri']}"
            elif msg.get("method") == "textDocument/didChange":
                extra = f" v={params['textDocument']['version']} {params['textDocument']['uri']}"
            log.write(f"{(time.monotonic() - t0) * 1000:10.1f} {tag} id={msg.get('id')} {msg.get('method', '(response)')}{extra}\n")
            dst.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            dst.flush()

    threading.Thread(target=pump, args=(proc.stdout, sys.stdout.buffer, "<-"), daemon=True).start()
    pump(sys.stdin.buffer, proc.stdin, "->")
    proc.stdin.close()
    sys.exit(proc.wait())


def stats(log_path):
    sent, lat = {}, []
    for line in open(log_path):
        m = re.match(r"\s*([\d.]+) \S+ id=\S+ (\S+) v=(\d+)(?: n=\d+)? (\S+)", line)
        if not m:
            continue
        t, method, key = float(m[1]), m[2], (m[4], m[3])
        if method == "textDocument/didChange":
            sent[key] = t
        elif key in sent:
            lat.append(round(t - sent.pop(key)))
    lat.sort()
    if not lat:
        sys.exit("no didChange followed by its publishDiagnostics")
    print(f"{len(lat)} versions: median {lat[(len(lat) - 1) // 2]} ms, max {lat[-1]} ms ({' '.join(map(str, lat))})")


if __name__ == "__main__":
    if sys.argv[1] == "--stats":
        stats(sys.argv[2])
    else:
        proxy(sys.argv[1], sys.argv[2:])
