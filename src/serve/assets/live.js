// kbc serve: live reload and the diagnostics overlay. Served at
// /__kbc/live.js by `kbc serve` only; never part of a built site.
(function () {
  "use strict";

  var overlay = document.getElementById("kbc-overlay");
  var hide = overlay && overlay.querySelector(".kbc-hide");
  if (hide) {
    hide.addEventListener("click", function () {
      overlay.classList.toggle("kbc-collapsed");
    });
  }

  function listen() {
    var marker = document.getElementById("kbc-live");
    var generation = marker ? marker.getAttribute("data-generation") : null;
    var events = new EventSource("/__kbc/events");
    // The page may have been served just before a rebuild: compare generations.
    events.addEventListener("hello", function (e) {
      if (generation !== null && e.data !== generation) {
        window.location.reload();
      }
    });
    events.addEventListener("reload", function () {
      window.location.reload();
    });
    window.addEventListener("beforeunload", function () {
      events.close();
    });
  }

  if (!window.EventSource) {
    return;
  }
  // Connect once the page has loaded: an open stream must never hold up the
  // page's load event (Chromium can wait on it).
  if (document.readyState === "complete") {
    listen();
  } else {
    window.addEventListener("load", listen);
  }
})();
