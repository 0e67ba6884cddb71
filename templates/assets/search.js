// kbc offline search: no network, no dependencies. search-index.js sets
// window.KBC_SEARCH = {fields: [...], docs: [[title, url, service, type,
// topicIds, signatures, words], ...]}; this script ranks documents for the
// query typed into #q (also read from ?q= so every page's search box works).
(function () {
  "use strict";
  var data = window.KBC_SEARCH;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  if (!data || !input || !list) return;

  var docs = data.docs.map(function (d) {
    return {
      title: d[0], url: d[1], service: d[2], type: d[3],
      titleL: d[0].toLowerCase(), topics: d[4], sigs: d[5].join("\n").toLowerCase(),
      words: " " + d[6] + " "
    };
  });

  function tokens(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(function (t) { return t.length > 0; });
  }

  // Every query word must appear (as a word prefix) somewhere in the
  // document; exact error messages and support topic ids rank first.
  function score(doc, phrase, toks) {
    var s = 0;
    if (phrase.length >= 4 && doc.sigs.indexOf(phrase) >= 0) s += 100;
    if (doc.topics.indexOf(phrase) >= 0) s += 80;
    if (doc.titleL.indexOf(phrase) >= 0) s += 40;
    for (var i = 0; i < toks.length; i++) {
      var t = toks[i], hit = false;
      if (doc.titleL.indexOf(t) >= 0) { s += 8; hit = true; }
      if (doc.sigs.indexOf(t) >= 0) { s += 4; hit = true; }
      if (doc.words.indexOf(" " + t) >= 0) { s += 1; hit = true; }
      if (!hit && s < 80) return 0;
    }
    return s;
  }

  function search(q) {
    var phrase = q.trim().toLowerCase();
    var toks = tokens(q);
    if (!phrase || toks.length === 0) return [];
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var s = score(docs[i], phrase, toks);
      if (s > 0) hits.push([s, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return hits.map(function (h) { return docs[h[1]]; });
  }

  function item(doc) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = doc.url;
    a.textContent = doc.title;
    li.appendChild(a);
    var sub = document.createElement("div");
    sub.className = "sub";
    sub.textContent = [doc.service, doc.type].filter(Boolean).join(" · ");
    li.appendChild(sub);
    return li;
  }

  function show(q) {
    var found = search(q);
    list.textContent = "";
    var shown = found.slice(0, 50);
    for (var i = 0; i < shown.length; i++) list.appendChild(item(shown[i]));
    if (!q.trim()) status.textContent = "";
    else if (found.length === 0) status.textContent = "No articles match \u201c" + q.trim() + "\u201d.";
    else status.textContent = found.length + (found.length === 1 ? " article" : " articles") +
      (found.length > shown.length ? " (showing the first " + shown.length + ")" : "");
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 80);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
})();
