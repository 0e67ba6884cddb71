"""Query generation for the `kbc match` harness (issue 14).

Every query is made by code from the articles of a corpus, never picked by
hand, with the set of articles that answer it (those whose text holds the
quoted error or sentence, or whose title was reworded). Four types:

- error:    an error message quoted in an article (inline code, a code block
            line, or a quoted string) that reads like an error;
- noisy:    the same error as pasted from a log: a timestamp and level prefix,
            GUIDs and long numbers changed, a stack-trace suffix;
- sentence: a problem sentence of the article's prose (including prose that
            lives in HTML blocks, portal-marker lines and the embedded JSON);
- title:    the article's title in a templated customer rewording.

Queries are split into dev and test by a hash of their first answer's path:
tune on dev only, report test.
"""

import hashlib
import json
import random
import re

PER_TYPE = 300
MAX_ANSWERS = 3

ERROR_WORDS = re.compile(
    r"error|exception|fail|denied|cannot|can't|couldn't|unable|invalid|not found|not allowed|"
    r"timed out|timeout|refused|forbidden|unauthori[sz]ed|not supported|already exists|"
    r"\b[A-Z]{2,}[A-Za-z]*\d{3,}\b|\b0x[0-9a-fA-F]{6,}\b",
    re.I,
)
PROBLEM_WORDS = re.compile(
    r"\b(fail\w*|error\w*|unable|cannot|can't|not working|issue\w*|problem\w*|denied|slow|stuck|"
    r"unexpected\w*|missing|time[sd]? ?out|doesn't|does not|won't|not able|unavailable|degraded)\b",
    re.I,
)
GUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
LONG_NUMBER = re.compile(r"\b\d{6,}\b")
WORD = re.compile(r"\w+")


def h(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def norm(text):
    return " ".join(text.lower().split())


def header_value(text, name):
    m = re.search(r'\b' + name + r'\s*=\s*"([^"]*)"', text[:4000], re.I)
    return m.group(1).strip() if m else ""


def body_of(text):
    m = re.search(r"/>|</properties>", text[:6000])
    return text[m.end():] if m else text


def without_json(body):
    """The body without its embedded JSON block (its strings are data, not
    quotes)."""
    return re.sub(r"(?ms)^---\s*\n\s*\{.*?^---\s*$", "\n", body)


def error_candidates(body):
    """Quoted texts that read like error messages (not questions to the
    customer)."""
    body = without_json(body)
    found = re.findall(r"(?<!`)`([^`\n]{20,250})`(?!`)", body)
    for block in re.findall(r"```[^\n]*\n(.*?)```", body, re.S):
        found.extend(line.strip() for line in block.splitlines())
    found.extend(re.findall(r'"([^"\n]{20,250})"', body))
    found.extend(re.findall(r"\u201c([^\u201d\n]{20,250})\u201d", body))
    out = []
    for f in found:
        f = f.strip()
        words = f.split()
        if not (20 <= len(f) <= 250 and 3 <= len(words) <= 40):
            continue
        if not ERROR_WORDS.search(f) or re.search(r"[{}=;<>$\\|]|https?:|\w+\s*\(\s*\)\s*$", f):
            continue
        if re.match(r"^[\w.]+\s*:\s*$", f) or f.count('"') or "_" * 3 in f or f.endswith("?"):
            continue
        if re.search(r"\b(please|you|your)\b", f, re.I):
            continue
        out.append(f)
    return out


def prose(body):
    """The reader-visible text of a body, as sentences: markup stripped, the
    text of HTML blocks and the string values of the embedded JSON kept."""
    t = re.sub(r'"[A-Za-z_$]+"\s*:\s*"', "\n", body)
    t = re.sub(r"<!--.*?-->", " ", t, flags=re.S)
    t = re.sub(r"<[^>\n]*>", " ", t)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"[*_`#>|]+", " ", t)
    t = t.replace('",', "\n").replace('"', " ")
    out = []
    for para in re.split(r"\n\s*\n|\n[-+] |\n\d+\. ", t):
        for s in re.split(r"(?<=[.?!])\s+", " ".join(para.split())):
            out.append(s.strip())
    return out


def problem_sentences(body):
    out = []
    for s in prose(body):
        words = s.split()
        if not (8 <= len(words) <= 35) or not s[0].isalpha() or "http" in s or "\\" in s:
            continue
        if PROBLEM_WORDS.search(s) and not re.search(r"[{}=<>$]", s):
            out.append(s)
    return out


TITLE_TEMPLATES = [
    "how do I fix {t}?",
    "{t} not working",
    "help with {t} please",
    "having trouble with {t}",
    "{t} - what should I do",
    "I have an issue: {t}",
    "{t} issue in my subscription",
]


def reword(title):
    t = title.strip().rstrip(".")
    t = t[0].lower() + t[1:] if t[:1].isupper() and not t[1:2].isupper() else t
    return TITLE_TEMPLATES[int(h(title), 16) % len(TITLE_TEMPLATES)].format(t=t)


NAMESPACES = ["Contoso.Jobs", "Fabrikam.Sync.Worker", "Northwind.Orders.Api", "Litware.Pipeline"]
CLASSES = ["JobRunner", "BlobUploader", "OrderProcessor", "QueueListener", "RetryPolicy", "TokenCache"]
METHODS = ["ExecuteAsync", "ProcessMessageAsync", "RunOnceAsync", "UploadChunkAsync", "HandleAsync"]
LEVELS = ["ERROR", "Error", "FATAL", "[error]", "E"]
COMPONENTS = ["worker-7", "svc.main", "pid 4312", "host/sync", "App"]


def noisy(error, seed):
    r = random.Random(seed)
    stamp = "2025-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999))
    text = GUID.sub(lambda _: "%08x-%04x-%04x-%04x-%012x" % tuple(r.getrandbits(b) for b in (32, 16, 16, 16, 48)), error)
    text = LONG_NUMBER.sub(lambda m: "".join(str(r.randint(1, 9)) for _ in m.group(0)), text)
    prefix = "%s %s [%s] " % (stamp, r.choice(LEVELS), r.choice(COMPONENTS))
    frames = []
    java = r.random() < 0.3
    for _ in range(r.randint(3, 6)):
        ns, cls, m = r.choice(NAMESPACES), r.choice(CLASSES), r.choice(METHODS)
        if java:
            frames.append("\tat com.%s.%s.%s(%s.java:%d)" % (ns.lower(), cls, m[0].lower() + m[1:], cls, r.randint(20, 900)))
        else:
            frames.append("   at %s.%s.%s(CancellationToken cancellationToken) in /src/%s/%s.cs:line %d"
                          % (ns, cls, m, ns.replace(".", "/"), cls, r.randint(20, 900)))
    return prefix + text + "\n" + "\n".join(frames)


class Corpus:
    """The published articles (those in the bundle), raw and normalized."""

    def __init__(self, root, bundle_paths):
        self.paths = bundle_paths
        self.raw = []
        for p in bundle_paths:
            with open("%s/%s" % (root, p), encoding="utf-8", errors="replace") as f:
                self.raw.append(f.read().lstrip("\ufeff"))
        self.norm = [norm(t) for t in self.raw]
        self.word_docs = {}
        for i, t in enumerate(self.norm):
            for w in set(WORD.findall(t)):
                self.word_docs.setdefault(w, []).append(i)

    def holders(self, text):
        """Articles whose normalized text contains `text` (normalized)."""
        n = norm(text)
        words = WORD.findall(n)
        if not words:
            return []
        rare = min(words, key=lambda w: len(self.word_docs.get(w, ())))
        return [i for i in self.word_docs.get(rare, ()) if n in self.norm[i]]


def generate(root, bundle_paths, titles):
    """All queries: [{id, type, text, answers: [path], split}]."""
    c = Corpus(root, bundle_paths)
    queries = []
    order = sorted(range(len(c.paths)), key=lambda i: h(c.paths[i]))
    errors = pick(c, order, lambda i: error_candidates(body_of(c.raw[i])))
    sentences = pick(c, order, lambda i: problem_sentences(body_of(c.raw[i])))
    for text, answers in errors:
        queries.append(("error", text, answers))
        queries.append(("noisy", noisy(text, h(text)), answers))
    for text, answers in sentences:
        queries.append(("sentence", text, answers))
    by_title = {}
    for i, p in enumerate(c.paths):
        if len(titles[i].split()) >= 3:
            by_title.setdefault(norm(titles[i]), []).append(i)
    n = 0
    for i in order:
        same = by_title.get(norm(titles[i]), [])
        if same and len(same) <= MAX_ANSWERS and same[0] == i and n < PER_TYPE:
            queries.append(("title", reword(titles[i]), [c.paths[j] for j in same]))
            n += 1
    out = []
    for k, (kind, text, answers) in enumerate(queries):
        split = "dev" if int(h(answers[0]), 16) % 2 == 0 else "test"
        out.append({"id": k, "type": kind, "text": text, "answers": answers, "split": split})
    return out


def pick(c, order, candidates):
    """Up to PER_TYPE (text, answers) pairs, at most one per article, each
    held by 1 to MAX_ANSWERS articles."""
    out, seen = [], set()
    for i in order:
        for text in sorted(candidates(i), key=h):
            if norm(text) in seen:
                continue
            seen.add(norm(text))
            holders = c.holders(text)
            if 1 <= len(holders) <= MAX_ANSWERS and i in holders:
                out.append((text, [c.paths[j] for j in holders]))
                break
        if len(out) >= PER_TYPE:
            break
    return out


if __name__ == "__main__":
    import sys
    bundle = json.load(open(sys.argv[2]))
    arts = bundle["articles"]
    qs = generate(sys.argv[1], [a["path"] for a in arts], [a["title"] or a["heading"] for a in arts])
    for q in qs:
        print(json.dumps(q))
