/* qualcode workbench: selection -> span (in code points), keyboard shortcuts, htmx messages.
   No inline scripts anywhere (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  // A selection's offsets as the browser counts them (UTF-16 code units) ...
  function unitsBefore(el, node, offset) {
    var r = document.createRange();
    r.selectNodeContents(el);
    r.setEnd(node, offset);
    return r.toString().length;
  }
  // ... and as qualcode counts them: code points (one per character, emoji included).
  function codePoints(text, units) {
    return Array.from(text.slice(0, units)).length;
  }
  function textOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".turn .text") : null;
  }
  function byId(id) { return document.getElementById(id); }

  function choose(turnEl, start, end, shown) {
    document.querySelectorAll(".turn.selected").forEach(function (t) { t.classList.remove("selected"); });
    var article = turnEl.closest(".turn");
    article.classList.add("selected");
    var id = turnEl.getAttribute("data-turn");
    byId("sel-turn").value = id;
    byId("sel-start").value = start === null ? "" : String(start);
    byId("sel-end").value = end === null ? "" : String(end);
    var memo = byId("memo-turn");
    if (memo) { memo.value = id; }
    var who = article.querySelector(".speaker").textContent + " " + article.querySelector(".pos").textContent;
    byId("sel-show").textContent = who + ": " + shown;
  }

  function fromSelection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) { return false; }
    var range = sel.getRangeAt(0);
    var el = textOf(range.startContainer);
    if (!el || el !== textOf(range.endContainer)) { return false; }
    var text = el.textContent;
    var a = unitsBefore(el, range.startContainer, range.startOffset);
    var b = unitsBefore(el, range.endContainer, range.endOffset);
    if (b <= a) { return false; }
    var start = codePoints(text, a), end = codePoints(text, b);
    var quote = text.slice(a, b);
    if (quote.length > 60) { quote = quote.slice(0, 57) + "…"; }
    choose(el, start, end, "“" + quote + "” (characters " + start + "–" + end + ")");
    return true;
  }

  document.addEventListener("mouseup", function (ev) {
    if (!byId("code-form")) { return; }
    if (fromSelection()) { return; }
    var t = ev.target;
    if (t.closest("button, a, form, input, textarea, label, summary")) { return; }
    var article = t.closest(".turn");
    if (article) {
      var el = article.querySelector(".text");
      choose(el, null, null, "the whole turn");
    }
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey && byId("code-form")) { fromSelection(); }
  });

  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  // review keys pressed while the page is still answering the last one wait for it: a key
  // is never lost, and never acts on a card that is about to be replaced
  var busy = false, waiting = null;
  function reviewKey(key) {
    var button = document.querySelector('[data-key="' + key + '"]');
    if (button) { button.click(); }
  }
  document.addEventListener("htmx:beforeRequest", function () { busy = true; });
  document.addEventListener("htmx:afterSettle", function () {
    busy = false;
    if (waiting) { var key = waiting; waiting = null; reviewKey(key); }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    if (!ev.detail.successful) { busy = false; waiting = null; }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev)) { return; }
    var key = ev.key;
    // review: a accept, r reject, s skip, j next, k previous
    if (document.body.getAttribute("data-page") === "review" && "arsjk".indexOf(key) >= 0) {
      ev.preventDefault();
      if (busy) { waiting = key; } else { reviewKey(key); }
      return;
    }
    if (!byId("code-form")) { return; }
    if (key === "c") { ev.preventDefault(); byId("code-input").focus(); return; }
    if (key === "Escape") {
      byId("sel-turn").value = ""; byId("sel-start").value = ""; byId("sel-end").value = "";
      byId("sel-show").textContent = "Nothing selected yet.";
      document.querySelectorAll(".turn.selected").forEach(function (t) { t.classList.remove("selected"); });
      return;
    }
    if (/^[1-9]$/.test(key)) {
      var pick = document.querySelector('[data-shortcut="' + key + '"]');
      if (pick && byId("sel-turn").value) { ev.preventDefault(); pick.click(); }
    }
  });

  // an error answer (4xx, 5xx) shows its message instead of nothing
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status >= 400) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
      ev.detail.target = byId("flash");
    }
  });
  // a network failure (server stopped)
  document.addEventListener("htmx:sendError", function () {
    byId("flash").innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash error";
    p.textContent = "The workbench server does not answer: is `qualcode serve` still running?";
    byId("flash").appendChild(p);
  });
  // changes made elsewhere (the command line, a notebook, another browser): poll /state and
  // offer a reload. This page's own changes carry the new state in a response header.
  var known = Number(document.body.getAttribute("data-state") || 0);
  document.addEventListener("htmx:afterRequest", function (ev) {
    var s = ev.detail.xhr && ev.detail.xhr.getResponseHeader("x-qualcode-state");
    if (s) { known = Math.max(known, Number(s)); }
  });
  function poll() {
    fetch("/state", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (last) {
        if (!last || last.state <= known) { return; }
        byId("changed-what").textContent = last.action + " by " + last.who;
        byId("changed-reload").setAttribute("href", window.location.href);
        byId("changed").hidden = false;
      })
      .catch(function () { /* the server stopped: htmx says so on the next request */ });
  }
  if (byId("changed")) { window.setInterval(poll, 10000); }

  // after coding, clear the typed code (the selection stays for another code)
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest && ev.detail.elt.closest("#code-form");
    if (form && ev.detail.successful) { byId("code-input").value = ""; }
    var memo = ev.detail.elt && ev.detail.elt.closest && ev.detail.elt.closest("#memo-form");
    if (memo && ev.detail.successful) { memo.querySelector("textarea").value = ""; }
  });
})();
