// kbc site search: no network beyond the site's own files, no dependencies.
// The index is sharded (docs/build.md, "The site"): search/index.js (the
// manifest), search/t/<h>.js (postings of the terms hashing to h),
// search/d/<k>.js (result fragments), search/f.js (facets, for filters).
// Each is a script calling kbcSearch(kind, id, data), loaded on demand by
// <script> injection, which works from file:// as well as over HTTP.
// Ranking ports the query side of kbc match's model (docs/build.md,
// "Ranking model"): the same tokenizer, BM25 with idf from each term's
// article count, the same relative cut; change both together.
(function () {
  "use strict";
  // The home page's filter of the service list.
  var groupFilter = document.getElementById("group-filter");
  if (groupFilter) {
    groupFilter.addEventListener("input", function () {
      var want = groupFilter.value.trim().toLowerCase();
      document.querySelectorAll("#service-list li").forEach(function (li) {
        li.hidden = want !== "" && li.textContent.toLowerCase().indexOf(want) < 0;
      });
    });
  }
  var me = document.currentScript;
  var root = (me && me.getAttribute("data-root")) || "";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  var form = input && input.form;
  if (!input || !list || !status) return;

  // ---- loading search files -------------------------------------------
  var loaded = {}, waiting = {};
  function fileOf(kind, id) {
    if (kind === "m") return "index.js";
    if (kind === "f") return "f.js";
    return kind + "/" + id.toString(16) + ".js";
  }
  window.kbcSearch = function (kind, id, data) {
    var path = fileOf(kind, id);
    loaded[path] = data;
    var cbs = waiting[path] || [];
    delete waiting[path];
    cbs.forEach(function (cb) { cb(data); });
  };
  function load(path, cb) {
    if (path in loaded) return cb(loaded[path]);
    if (waiting[path]) { waiting[path].push(cb); return; }
    waiting[path] = [cb];
    var s = document.createElement("script");
    s.src = root + "search/" + path;
    s.async = true;
    s.onerror = function () {
      loaded[path] = null;
      var cbs = waiting[path] || [];
      delete waiting[path];
      cbs.forEach(function (f) { f(null); });
    };
    document.head.appendChild(s);
  }
  function loadAll(paths, cb) {
    var left = paths.length;
    if (!left) return cb();
    paths.forEach(function (p) { load(p, function () { if (--left === 0) cb(); }); });
  }

  // ---- the query side of the ranking model (docs/build.md) ---------------
  var STOP = new Set(("a an and are as at be by for from has have in is it of on or that the this " +
    "to was were with you your").split(" "));
  var UPPER = /^\p{Uppercase}$/u, LOWER = /^\p{Lowercase}$/u, SPLIT = /[^\p{Alphabetic}\p{N}]+/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var utf8 = new TextEncoder();
  function bytes(s) { return utf8.encode(s).length; }
  function singular(t) {
    if (bytes(t) > 4 && t.endsWith("ies")) return t.slice(0, -3) + "y";
    if (bytes(t) > 3 && t.endsWith("s") && !/(ss|us|is)$/.test(t)) return t.slice(0, -1);
    return t;
  }
  function push(out, t) {
    if (Array.from(t).length > 1 && !STOP.has(t)) out.push(singular(t));
  }
  function words(text) { return text.split(SPLIT).filter(Boolean); }
  function camelParts(word) {
    var c = Array.from(word), parts = [], start = 0;
    for (var i = 1; i < c.length; i++) {
      var nextLower = i + 1 < c.length && LOWER.test(c[i + 1]);
      if (UPPER.test(c[i]) && (LOWER.test(c[i - 1]) || (UPPER.test(c[i - 1]) && nextLower))) {
        parts.push(c.slice(start, i).join(""));
        start = i;
      }
    }
    parts.push(c.slice(start).join(""));
    return parts;
  }
  // model::tokens
  function tokens(text) {
    var out = [];
    words(text).forEach(function (w) {
      push(out, w.toLowerCase());
      var parts = camelParts(w);
      if (parts.length > 1) parts.forEach(function (p) { push(out, p.toLowerCase()); });
    });
    return out;
  }
  // model::bigrams
  function bigrams(text) {
    var plain = [], out = [];
    words(text).forEach(function (w) { push(plain, w.toLowerCase()); });
    for (var i = 0; i + 1 < plain.length; i++) out.push(plain[i] + " " + plain[i + 1]);
    return out;
  }
  function isExact(t) {
    var digits = (t.match(/[0-9]/g) || []).length, letters = (t.match(/[A-Za-z]/g) || []).length;
    return (digits >= 3 && letters >= 2) || (bytes(t) > 9 && (t.endsWith("exception") || t.endsWith("error")));
  }
  // query::clean: log noise out, line by line.
  function isFrame(line) {
    var t = line.trimStart();
    if (t.startsWith("at ")) {
      var rest = t.slice(3), callee = rest.split(/[( ]/)[0];
      return callee !== "" && (callee.indexOf(".") >= 0 || rest.slice(callee.length).startsWith("("));
    }
    return (t.startsWith("File \"") && t.indexOf(", line ") >= 0) || t.startsWith("--- End of") ||
      t.startsWith("Traceback (most recent call last)") || (t.startsWith("... ") && t.endsWith(" more"));
  }
  var LEVELS = new Set("e w i d error err fatal crit critical warn warning info debug trace".split(" "));
  function isDigit(c) { return c >= 48 && c <= 57; }
  function skipTimestamp(s) {
    if (s.startsWith("[")) s = s.slice(1);
    function digits(a, b) {
      if (b > s.length) return false;
      for (var k = a; k < b; k++) if (!isDigit(s.charCodeAt(k))) return false;
      return true;
    }
    var c4 = s.charAt(4);
    if (!(digits(0, 4) && (c4 === "-" || c4 === "/") && digits(5, 7) && digits(8, 10))) return null;
    var i = 10, c = s.charAt(i);
    if ((c === "T" || c === " ") && digits(i + 1, i + 3) && s.charAt(i + 3) === ":") {
      i += 1;
      while (i < s.length && (isDigit(s.charCodeAt(i)) || ":.,".indexOf(s.charAt(i)) >= 0)) i++;
    }
    while (i < s.length && (isDigit(s.charCodeAt(i)) || "Z+-]".indexOf(s.charAt(i)) >= 0)) i++;
    return s.slice(i);
  }
  function stripPrefix(line) {
    var rest = line.trimStart(), after = skipTimestamp(rest);
    if (after === null) return rest;
    rest = after.trimStart();
    for (;;) {
      var word = rest.split(/\s+/)[0] || "";
      var bare = word.replace(/^[\[\]<>:|]+|[\[\]<>:|]+$/g, "");
      var tag = (word.startsWith("[") && word.endsWith("]")) || (word.startsWith("[") && rest.indexOf("]") >= 0);
      if (LEVELS.has(bare.toLowerCase()) && word !== "") rest = rest.slice(word.length).trimStart();
      else if (tag) { var end = rest.indexOf("]"); rest = rest.slice(end < 0 ? rest.length : end + 1).trimStart(); }
      else return rest;
    }
  }
  function isNoise(word) {
    var chars = Array.from(word), a = 0, b = chars.length;
    function keep(ch) { return ALNUM.test(ch) || ch === "/" || ch === "\\"; }
    while (a < b && !keep(chars[a])) a++;
    while (b > a && !keep(chars[b - 1])) b--;
    var w = chars.slice(a, b).join("");
    if (w.indexOf("://") >= 0 || (w.match(/[\/\\]/g) || []).length >= 2) return true;
    var hex = (w.match(/[0-9A-Fa-f]/g) || []).length, dashes = (w.match(/-/g) || []).length;
    var digits = (w.match(/[0-9]/g) || []).length, len = bytes(w);
    return (len === 36 && dashes === 4 && hex === 32) || (digits >= 6 && digits + dashes === len);
  }
  function clean(text) {
    var out = "", lines = text.split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    lines.forEach(function (line) {
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (isFrame(line)) return;
      out += stripPrefix(line).split(/\s+/).filter(function (w) { return w && !isNoise(w); }).join(" ") + "\n";
    });
    return out;
  }
  // FNV-1a of the UTF-8 bytes, as render/search.rs shards terms.
  function shardOf(term, shards) {
    var h = 0x811c9dc5, b = utf8.encode(term);
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
    return h & (shards - 1);
  }
  // Postings: base-36 gap to the previous article, then two letters A-Z.
  function decode(s) {
    var out = [], i = 0, doc = 0;
    while (i < s.length) {
      var gap = 0, c = s.charCodeAt(i);
      while (c < 65 || c > 90) { gap = gap * 36 + (c < 58 ? c - 48 : c - 87); c = s.charCodeAt(++i); }
      doc += gap;
      out.push(doc, (c - 65) * 26 + s.charCodeAt(i + 1) - 65);
      i += 2;
    }
    return out;
  }
  // A title's articles: base-36 gaps, each ended by ".".
  function decodeTitle(s) {
    var out = [], doc = 0;
    s.split(".").forEach(function (g) { if (g) { doc += parseInt(g, 36); out.push(doc); } });
    return out;
  }

  // ---- ranking ----------------------------------------------------------
  var M = null, members = null;
  function shardFile(t) { return "t/" + shardOf(t, M.shards).toString(16) + ".js"; }
  function lookup(t) { var s = loaded[shardFile(t)]; return s ? s[t] : undefined; }
  function uniq(list) { return Array.from(new Set(list)); }
  // What a query needs, in two steps: the shards of its whole words, its
  // word pairs and the tokens that may start a title; then, for a camel-case
  // word no article holds, the shards of its parts (model::query_terms).
  function plan(q) {
    var cleaned = clean(q), ws = words(cleaned);
    var wholes = [];
    ws.forEach(function (w) { push(wholes, w.toLowerCase()); });
    var first = uniq(wholes.concat(bigrams(cleaned), tokens(cleaned))).map(shardFile);
    return { cleaned: cleaned, words: ws, first: uniq(first) };
  }
  function queryTerms(p) {
    var out = [], seen = new Set(), more = [];
    function add(t) { if (!seen.has(t)) { seen.add(t); out.push([t, isExact(t) ? 2 : 1]); } }
    p.words.forEach(function (word) {
      var whole = [];
      push(whole, word.toLowerCase());
      var parts = camelParts(word), t = whole.pop();
      if (t !== undefined && (lookup(t) !== undefined || parts.length < 2)) add(t);
      else {
        var split = [];
        parts.forEach(function (x) { push(split, x.toLowerCase()); });
        split.forEach(function (x) { add(x); more.push(shardFile(x)); });
      }
    });
    var pairs = new Set();
    bigrams(p.cleaned).forEach(function (b) { if (!pairs.has(b)) { pairs.add(b); out.push([b, 0.5]); } });
    return { terms: out, more: uniq(more) };
  }
  function rank(p, terms, keep) {
    var score = new Map();
    terms.forEach(function (tw) {
      var s = lookup(tw[0]);
      if (typeof s !== "string") return;
      var post = decode(s), df = post.length / 2;
      var idf = tw[1] * Math.log(1 + (M.n - df + 0.5) / (df + 0.5));
      for (var i = 0; i < post.length; i += 2) {
        if (!keep(post[i])) continue;
        score.set(post[i], (score.get(post[i]) || 0) + idf * post[i + 1] / M.scale);
      }
    });
    // model::holds_title: the article's whole title as consecutive query tokens.
    var qt = tokens(p.cleaned), boosted = new Set();
    uniq(qt).forEach(function (f) {
      (lookup("^" + f) || []).forEach(function (entry) {
        var title = [f].concat(entry[0].split(" "));
        for (var i = 0; i + title.length <= qt.length; i++) {
          if (title.every(function (t, k) { return qt[i + k] === t; })) {
            decodeTitle(entry[1]).forEach(function (d) { boosted.add(d); });
            return;
          }
        }
      });
    });
    var hits = [], best = 0;
    score.forEach(function (s, d) {
      if (boosted.has(d)) s *= 1 + M.title_boost;
      if (s > 0) hits.push([s, d]);
      if (s > best) best = s;
    });
    hits = hits.filter(function (h) { return h[0] >= best * M.cut; });
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return hits;
  }
  function member(d) { return !members || (members[d >> 3] >> (d & 7)) & 1; }

  // ---- state: the query and filters live in the URL ----------------------
  var filters = { service: "", type: "", topic: "" };
  var selects = {
    service: document.getElementById("f-service"),
    type: document.getElementById("f-type"),
    topic: document.getElementById("f-topic")
  };
  var filterBox = document.getElementById("filters");
  var PAGE = 10, shown = PAGE, gen = 0, hits = [];
  function filtering() { return filters.service || filters.type || filters.topic; }
  function keepDoc(d) {
    if (!member(d)) return false;
    if (!filtering()) return true;
    var F = loaded["f.js"], f = F && F.docs[d];
    if (!f) return false;
    return (!filters.service || F.groups[f[0]] === filters.service) &&
      (!filters.type || F.types[f[1]] === filters.type) &&
      (!filters.topic || f[2].some(function (t) { return F.topics[t] === filters.topic; }));
  }
  function saveUrl(q) {
    var p = new URLSearchParams();
    if (q) p.set("q", q);
    Object.keys(filters).forEach(function (k) { if (filters[k]) p.set(k, filters[k]); });
    var s = p.toString();
    try { history.replaceState(null, "", s ? "?" + s : location.pathname); } catch (e) { /* file:// may refuse */ }
  }

  function setStatus(text, busy) {
    status.textContent = text;
    status.classList.toggle("loading", !!busy);
    list.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function run() {
    var my = ++gen, q = input.value.trim();
    saveUrl(q);
    shown = PAGE;
    if (!q) { list.textContent = ""; setStatus(""); if (filterBox) filterBox.hidden = true; return; }
    if (!M) { setStatus("Loading search\u2026", true); return; }
    var p = plan(q);
    if (!words(p.cleaned).length) { list.textContent = ""; setStatus("Type a word of two letters or more."); return; }
    var need = p.first.slice();
    if (filtering()) need.push("f.js");
    if (need.some(function (f) { return !(f in loaded); })) setStatus("Searching\u2026", true);
    loadAll(need, function () {
      if (my !== gen) return;
      var qt = queryTerms(p);
      loadAll(qt.more, function () {
        if (my !== gen) return;
        hits = rank(p, qt.terms, keepDoc);
        showHits(my, new Set(qt.terms.map(function (t) { return t[0]; }).concat(tokens(p.cleaned))));
      });
    });
  }

  function showHits(my, want) {
    var top = hits.slice(0, shown);
    var chunks = Array.from(new Set(top.map(function (h) { return "d/" + Math.floor(h[1] / M.chunk).toString(16) + ".js"; })));
    loadAll(chunks, function () {
      if (my !== gen) return;
      var docs = top.map(function (h) { return fragmentOf(h[1]); });
      // Equal scores keep kbc match's order (the bundle's).
      var order = top.map(function (h, i) { return i; });
      order.sort(function (a, b) { return top[b][0] - top[a][0] || docs[a][7] - docs[b][7]; });
      list.textContent = "";
      order.forEach(function (i) { if (docs[i]) list.appendChild(item(docs[i], want)); });
      var n = hits.length, q = input.value.trim();
      if (!n) setStatus("No articles match \u201c" + q + "\u201d" + (filtering() ? " with these filters." : "."));
      else setStatus(n + (n === 1 ? " article" : " articles") + (n > top.length ? ", showing " + top.length : ""));
      if (n > top.length) {
        var li = document.createElement("li");
        li.className = "more";
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = "Show more results";
        b.addEventListener("click", function () { shown += PAGE; showHits(gen, want); });
        li.appendChild(b);
        list.appendChild(li);
      }
      if (filterBox) { filterBox.hidden = false; if (filterBox.open) fillFilters(); }
    });
  }
  function fragmentOf(d) {
    var c = loaded["d/" + Math.floor(d / M.chunk).toString(16) + ".js"];
    return c && c[d % M.chunk];
  }

  // A result: title, description with the query's words marked, labels.
  function item(doc, want) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + doc[1];
    a.textContent = doc[0];
    li.appendChild(a);
    if (doc[2]) {
      var p = document.createElement("p");
      p.className = "desc";
      doc[2].split(/([\p{Alphabetic}\p{N}]+)/u).forEach(function (part, i) {
        var hit = i % 2 === 1 && tokens(part).some(function (t) { return want.has(t); });
        if (hit) {
          var m = document.createElement("mark");
          m.textContent = part;
          p.appendChild(m);
        } else if (part) {
          p.appendChild(document.createTextNode(part));
        }
      });
      li.appendChild(p);
    }
    var sub = document.createElement("div");
    sub.className = "sub";
    if (doc[3]) sub.appendChild(badge("svc", doc[3]));
    if (doc[4]) sub.appendChild(badge("type", M.labels.types[doc[4]] || doc[4]));
    li.appendChild(sub);
    return li;
  }
  function badge(kind, text) {
    var s = document.createElement("span");
    s.className = "badge " + kind;
    s.textContent = text;
    return s;
  }

  // Filters: facets come in f.js, loaded only when the reader filters.
  function fillFilters() {
    load("f.js", function (F) {
      if (!F) return;
      var count = { service: {}, type: {}, topic: {} };
      hits.forEach(function (h) {
        var f = F.docs[h[1]];
        count.service[F.groups[f[0]]] = (count.service[F.groups[f[0]]] || 0) + 1;
        count.type[F.types[f[1]]] = (count.type[F.types[f[1]]] || 0) + 1;
        f[2].forEach(function (t) { count.topic[F.topics[t]] = (count.topic[F.topics[t]] || 0) + 1; });
      });
      Object.keys(selects).forEach(function (k) {
        var sel = selects[k];
        if (!sel) return;
        var first = sel.options[0];
        sel.textContent = "";
        sel.appendChild(first);
        var names = Object.keys(count[k]).filter(Boolean).sort();
        if (filters[k] && names.indexOf(filters[k]) < 0) names.unshift(filters[k]);
        names.forEach(function (n) {
          var o = document.createElement("option");
          o.value = n;
          var label = k === "type" ? (M.labels.types[n] || n) : n;
          o.textContent = label + " (" + (count[k][n] || 0) + ")";
          sel.appendChild(o);
        });
        sel.value = filters[k];
      });
    });
  }
  Object.keys(selects).forEach(function (k) {
    if (!selects[k]) return;
    selects[k].addEventListener("change", function () { filters[k] = selects[k].value; run(); });
  });
  if (filterBox) filterBox.addEventListener("toggle", function () { if (filterBox.open) fillFilters(); });

  // ---- wiring -----------------------------------------------------------
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 60);
  });
  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  var params = new URLSearchParams(location.search);
  Object.keys(filters).forEach(function (k) { filters[k] = params.get(k) || ""; });
  if (filterBox && filtering()) filterBox.open = true;
  if (params.get("q")) input.value = params.get("q");
  load("index.js", function (m) {
    if (!m) { setStatus("The search index could not be loaded."); return; }
    M = m;
    document.documentElement.dataset.kbcSearch = "ready";
    if (M.members) members = Uint8Array.from(atob(M.members), function (c) { return c.charCodeAt(0); });
    if (input.value.trim()) run();
  });
  if (input.value.trim()) run();
})();
