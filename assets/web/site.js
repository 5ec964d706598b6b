// Progressive enhancement only: every page works without this file.
// The digital self-check shows its level and score while boxes are ticked; the rule is the
// server's, sent as data attributes (points, tier, and how many of a tier a level needs).
(function () {
  "use strict";
  var form = document.querySelector("form[data-digital]");
  if (!form) return;
  var out = document.getElementById("live-score");
  if (!out) return;
  var needMid = Number(form.getAttribute("data-min-intermediate"));
  var needAdv = Number(form.getAttribute("data-min-advanced"));
  var names = JSON.parse(form.getAttribute("data-level-names"));
  function update() {
    var score = 0, mid = 0, adv = 0;
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.checked) return;
      score += Number(box.getAttribute("data-points"));
      var tier = box.getAttribute("data-tier");
      if (tier === "INTERMEDIATE") mid += 1;
      if (tier === "ADVANCED") adv += 1;
    });
    var level = mid >= needMid && adv >= needAdv ? "ADVANCED" : mid >= needMid ? "INTERMEDIATE" : "BASIC";
    out.textContent = names[level] + " · " + score + " / 100";
    out.hidden = false;
  }
  form.addEventListener("change", update);
  update();
})();
// A form that came back with problems: take keyboard and screen-reader focus to the summary,
// whose links lead to each field.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
})();
// Investor matches: each slider shows its value, and a change re-ranks at once (the form is a
// plain GET, so without this the "re-rank" button does the same). The new page takes the focus
// back to the slider that was moved, so a keyboard user's arrow keys go on moving it rather than
// starting again from the top of the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-weights]");
  if (!form) return;
  var key = "khkr-weights-focus";
  var timer = null;
  try {
    var back = window.sessionStorage.getItem(key);
    window.sessionStorage.removeItem(key);
    var el = back && document.getElementById(back);
    if (el && form.contains(el)) el.focus({ preventScroll: false });
  } catch (e) { /* storage refused: the page works as before */ }
  form.querySelectorAll("input[type=range]").forEach(function (r) {
    var out = form.querySelector("output[for='" + r.id + "']");
    r.addEventListener("input", function () { if (out) out.textContent = r.value; });
    r.addEventListener("change", function () {
      clearTimeout(timer);
      // Key presses in a row make one ranking.
      timer = setTimeout(function () {
        try { window.sessionStorage.setItem(key, r.id); } catch (e) { /* as above */ }
        form.submit();
      }, 600);
    });
  });
})();
// The activity finders' words: the glossary's names, in the three languages, for the things an
// ISIC class deals in (coffee, កាហ្វេ, 커피 → 0127 growing, 1079 roasting, 5630 coffee shops,
// 4630 wholesale), which no class title says. One file the browser keeps, fetched when a finder
// first takes the focus; until it arrives (or without it) the finders match titles only.
var activityWords = (function () {
  var pending = null;
  return function (url, done) {
    if (!url || !window.fetch) return;
    if (!pending) {
      pending = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .catch(function () { return []; });
    }
    pending.then(done);
  };
})();
// Fetches the finders' words when `box` first takes the focus, then calls `loaded(rows)` once.
function whenWordsLoaded(box, loaded) {
  var done = false;
  box.addEventListener("focus", function () {
    if (done) return;
    activityWords(box.getAttribute("data-words"), function (rows) {
      if (done) return;
      done = true;
      loaded(rows);
    });
  });
}
// A Korean noun without the particle people type after it (캐슈넛을 → 캐슈넛, 화장품의 → 화장품),
// as the site's search reads it; a finder tries it when what is typed finds nothing, so nouns
// that end like a particle (오토바이, 아보카도) are found as typed. One syllable is left at least.
function withoutParticle(q) {
  var m = /^([\uac00-\ud7a3]{2,})(에서|으로|에게|부터|까지|처럼|을|를|이|가|은|는|의|에|로|와|과|도|만)$/.exec(q);
  return m ? m[1] : q;
}
// Runs a finder's `show(q)` (which answers how many it found) on what is typed, then, if that
// finds nothing, on it without a Korean particle.
// Read as a reader sees it, as the server's search does: full-width letters are letters
// (ｃｏｓｍｅｔｉｃｓ), and a Khmer keyboard's zero-width spaces are nothing (QA: ស្ករ<ZWSP>ត្នោត
// found no activity).
// A Korean compound no name holds whole (화장품제조업, 물류창고, 의료 기기 typed with a space) is
// tried without its spaces, then by its longest start that finds something, two syllables at
// least (QA: the search read them, the finders found nothing).
// A Khmer vowel sign typed before the subscript it follows (កាហេ្វ for កាហ្វេ: it looks the
// same) is read after it, as the site's search reads it (QA: the finder found nothing).
function findTyped(typed, show) {
  var read = typed.normalize ? typed.normalize("NFKC") : typed;
  var q = read.replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "").trim().toLowerCase()
    .replace(/([\u17b6-\u17c5])(\u17d2[\u1780-\u17a2])/g, "$2$1");
  var tries = [q, withoutParticle(q)];
  var joined = withoutParticle(q.replace(/\s+/g, ""));
  if (/^[\uac00-\ud7a3]+$/.test(joined)) {
    for (var n = joined.length; n >= 2; n--) tries.push(joined.slice(0, n));
  }
  var tried = {};
  for (var i = 0; i < tries.length; i++) {
    if (tried[tries[i]]) continue;
    tried[tries[i]] = true;
    if (show(tries[i]) > 0) return;
  }
}
// Whether `text` holds `q`: Latin text from the start of a word ("ice" is not in "Growing of
// rice", "it" not in "activities": QA), Khmer and Korean anywhere (Khmer has no spaces between
// words).
// Khmer, written without spaces, holds it strictly where it is whole words (`loose` false) and
// loosely anywhere: a finder tries strictly first, then loosely when that finds nothing (QA: អាវ
// "shirt" found ផលិតកម្មអាវុធ "making weapons").
function holds(text, q, loose) {
  var wordsOf = function (t) { return " " + t.toLowerCase().replace(/[^a-z0-9\u0080-\uffff]+/g, " "); };
  if (/^[\x00-\x7f]+$/.test(q)) return wordsOf(text).indexOf(wordsOf(q).replace(/ $/, "")) >= 0;
  var t = text.toLowerCase();
  if (loose || !/[\u1780-\u17ff]/.test(q)) return t.indexOf(q) >= 0;
  var ends = khmerWordEnds(t);
  for (var i = t.indexOf(q); i >= 0; i = t.indexOf(q, i + 1)) {
    if (!ends || ends[i] && ends[i + q.length]) return true;
  }
  return false;
}
// Where the words of `text` begin and end, by the browser's word breaker (ICU's Khmer
// dictionary, as the server's segmenter); null where the browser has none, and then anywhere
// counts. Kept per text, since a finder asks of the same 419 names at each letter typed.
var khmerWordEnds = (function () {
  var seen = {};
  var breaker = window.Intl && Intl.Segmenter ? new Intl.Segmenter("km", { granularity: "word" }) : null;
  return function (text) {
    if (!breaker) return null;
    if (!seen[text]) {
      var ends = {};
      Array.from(breaker.segment(text)).forEach(function (s) {
        ends[s.index] = true;
        ends[s.index + s.segment.length] = true;
      });
      seen[text] = ends;
    }
    return seen[text];
  };
})();
// The classes (a set of codes) that deal in a thing named by `q`. A name that is what is typed,
// or has it as a word of its own, wins ("tea" is tea, not teak; 차 is tea, not 자동차; ស្រូវ is
// paddy); failing that, a word of a name that starts with it ("coff" while typing), or a whole
// name that what is typed holds ("mobile phone repair", "cashews", "pigs"). Khmer, written without
// spaces, then matches anywhere in a name. One Latin letter names nothing.
function classesNamed(rows, q) {
  var found = {};
  if (!rows || !q || (q.length < 2 && !/[\uac00-\ud7a3]/.test(q))) return found;
  var khmer = /[\u1780-\u17ff]/.test(q);
  var typed = [q];
  if (!khmer && /[a-z]{2}s$/.test(q)) {
    typed.push(q.slice(0, -1));
    if (/es$/.test(q)) typed.push(q.slice(0, -2));
  }
  var padded = typed.map(function (t) { return " " + t + " "; });
  var exact = function (name) {
    var n = " " + name + " ";
    return padded.some(function (p) { return n.indexOf(p) >= 0 || p.indexOf(n) >= 0 && name.length >= 3; });
  };
  var near = function (name) {
    if (khmer) return name.indexOf(q) >= 0;
    return name.indexOf(q) === 0 || name.indexOf(" " + q) >= 0;
  };
  [exact, near].some(function (test) {
    rows.forEach(function (row) {
      if (row[0].split(" | ").some(test)) {
        row[1].split(" ").forEach(function (c) { found[c] = true; });
      }
    });
    return Object.keys(found).length > 0;
  });
  return found;
}
// Mandate form: the sector filter finds a section by its names in every language, and a
// division by its code and title or by the title of one of its classes (화장품 finds the divisions
// of cosmetics making and of cosmetics shops). A section found by name shows all its divisions;
// else only the divisions found, opened. Nothing found says so.
(function () {
  "use strict";
  var box = document.querySelector("input[data-sector-filter]");
  if (!box) return;
  box.closest(".sector-filter").hidden = false;
  var none = box.parentNode.querySelector("[data-filter-none]");
  var items = document.querySelectorAll(".tree > li[data-names]");
  var words = null;
  whenWordsLoaded(box, function (rows) {
    words = rows;
    if (box.value.trim()) filter();
  });
  function filter() { findTyped(box.value, show); }
  function show(q) { return pass(q, false) || pass(q, true); }
  function pass(q, loose) {
    var found = 0;
    // A division is found too when one of its classes deals in a thing named (커피 → 56).
    var named = {};
    Object.keys(classesNamed(words, q)).forEach(function (c) { named[c.slice(0, 2)] = true; });
    items.forEach(function (li) {
      var own = li.getAttribute("data-names").split(" | ").slice(0, 4).some(function (n) { return holds(n, q, loose); });
      var divisions = li.querySelectorAll(".check[data-names]");
      var any = false;
      var hits = 0;
      divisions.forEach(function (d) {
        var input = d.querySelector("input");
        var hit = !q || own || holds(d.getAttribute("data-names"), q, loose) ||
          (input && named[input.value] === true);
        d.hidden = !hit;
        if (hit) hits += 1;
        if (hit && q && !own) any = true;
      });
      // The count says how many are shown when some are not (QA: "중분류 12개" over 2 shown).
      var summary = li.querySelector("summary[data-found]");
      if (summary) {
        if (!summary.hasAttribute("data-all")) summary.setAttribute("data-all", summary.textContent);
        summary.textContent = hits < divisions.length ?
          summary.getAttribute("data-found").replace("#", String(hits)) :
          summary.getAttribute("data-all");
      }
      var shown = !q || own || any;
      li.hidden = !shown;
      if (shown) found += 1;
      var details = li.querySelector("details");
      if (details && q && any) details.open = true;
    });
    if (none) none.hidden = !q || found > 0;
    return found;
  }
  box.addEventListener("input", filter);
})();
// Wizard and incentive check: a search box narrows the long list of activities (419 classes)
// to those whose name, code or section contains what is typed, or that deal in a thing so
// named (activityWords). Options are taken out and put
// back rather than hidden, since phones' pickers may show hidden options; the chosen one always
// stays. Without this script the list is whole.
(function () {
  "use strict";
  document.querySelectorAll("input[data-option-filter]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-option-filter"));
    if (!select) return;
    box.closest(".option-filter").hidden = false;
    var all = Array.prototype.map.call(select.children, function (n) { return n.cloneNode(true); });
    // Enter here would send the form with whatever is chosen; it only narrows the list.
    box.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    var none = box.parentNode.querySelector("[data-filter-none]");
    var words = null;
    whenWordsLoaded(box, function (rows) {
      words = rows;
      if (box.value.trim()) filter();
    });
    box.addEventListener("input", filter);
    function filter() { findTyped(box.value, show); }
    // The activity this script chose because it was the only one found: not the owner's
    // choice, so a further letter typed may find others instead.
    var auto = null;
    select.addEventListener("change", function () { auto = null; });
    function show(q) { return pass(q, false) || pass(q, true); }
    function pass(q, loose) {
      var chosen = select.value;
      if (auto !== null && chosen === auto) chosen = "";
      auto = null;
      var found = 0;
      var named = classesNamed(words, q);
      select.textContent = "";
      all.forEach(function (n) {
        if (n.tagName !== "OPTGROUP") { select.appendChild(n.cloneNode(true)); return; }
        var whole = !q || holds(n.label, q, loose);
        var g = n.cloneNode(false);
        Array.prototype.forEach.call(n.children, function (o) {
          var hit = whole || holds(o.textContent, q, loose) || /^\d+$/.test(q) && o.value.indexOf(q) === 0 ||
            holds(o.getAttribute("data-alt") || "", q, loose) ||
            named[o.value] === true;
          if (hit) found += 1;
          if (hit || (chosen && o.value === chosen)) g.appendChild(o.cloneNode(true));
        });
        if (g.children.length) select.appendChild(g);
      });
      select.value = chosen;
      // One activity found is chosen, so the page shows what was found (QA: after typing
      // ហាងកាហ្វេ the list still said "choose an activity", and Continue refused).
      if (!chosen && found === 1) {
        var only = select.querySelector("optgroup option");
        if (only) {
          select.value = only.value;
          auto = only.value;
        }
      }
      // Nothing found says so (and how to find more), instead of a list gone quiet.
      if (none) none.hidden = !q || found > 0;
      return found;
    }
  });
})();
// Staff board: live updates. The server sends an event whenever any match changes (a party
// answered, another curator moved it); the board fetches itself again and swaps its cards in,
// keeping the filters. Without this script the board is the same page, current at each reload.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var live = document.getElementById("board-live");
  var pending = null;
  function refresh() {
    pending = null;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("board");
        if (!fresh) return;
        // Whoever was tabbing through the cards keeps their place: the same link (or control)
        // in the new cards takes the focus back.
        var active = document.activeElement;
        var href = active && board.contains(active) ? active.getAttribute("href") : null;
        var id = active && board.contains(active) ? active.id : null;
        board.innerHTML = fresh.innerHTML;
        var again = null;
        if (id) again = document.getElementById(id);
        if (!again && href) {
          board.querySelectorAll("a[href]").forEach(function (a) {
            if (!again && a.getAttribute("href") === href) again = a;
          });
        }
        if (again) again.focus({ preventScroll: true });
        board.setAttribute("data-refreshed", String(Date.now()));
        if (live) {
          live.textContent = board.getAttribute("data-updated");
          live.hidden = false;
        }
      })
      .catch(function () {});
  }
  var source = new EventSource(board.getAttribute("data-events"));
  source.addEventListener("pipeline", function () {
    // Several changes at once (both parties answering) make one reload.
    if (pending) clearTimeout(pending);
    pending = setTimeout(refresh, 300);
  });
  source.addEventListener("open", function () {
    board.setAttribute("data-live", "connected");
  });
})();
// The wizard's last step: contact details never travel in a page address, so going back to an
// earlier step (or to the page in another language) used to lose what was typed here. This
// tab keeps them, for an hour, until the business is saved; nothing leaves the phone.
(function () {
  "use strict";
  var form = document.querySelector("form[data-contact-draft]");
  if (!form) return;
  var key = "khkr-contact-" + form.getAttribute("data-contact-draft");
  // The visibility too: its choice is on this step, and a Back link or a language switch lost
  // "hide my name", which one tap on Publish then put on the site (QA).
  // And the first step's name and description, under a key of their own: a pull-to-refresh
  // lost up to 5,000 characters there (QA round 5), while the contact step kept its fields.
  var fields = ["person", "phone", "telegram", "email", "visibility", "name", "description"];
  var hour = 3600 * 1000;
  // Only the fields this step asks: the last step carries the first step's answers as hidden
  // fields, which the address they came in holds, newer than anything kept here.
  function asked(f) { return form.elements[f] && form.elements[f].type !== "hidden"; }
  function save() {
    var kept = { at: Date.now() };
    fields.forEach(function (f) { if (asked(f)) kept[f] = form.elements[f].value; });
    try { window.sessionStorage.setItem(key, JSON.stringify(kept)); } catch (e) { /* storage refused: as before */ }
  }
  try {
    var kept = JSON.parse(window.sessionStorage.getItem(key) || "null");
    // A page that came back with problems shows what was just sent: that is the newest.
    var refused = document.querySelector(".error-summary");
    if (kept && !refused && Date.now() - kept.at < hour) {
      fields.forEach(function (f) {
        if (asked(f) && typeof kept[f] === "string") form.elements[f].value = kept[f];
      });
    }
  } catch (e) { /* unreadable: start from the page */ }
  save();
  form.addEventListener("input", save);
})();
// Once a business is saved (the account page says so with `saved=`), the contact details the
// tab kept for the wizard go: they were kept until then, also across a log-in that a session
// ending on the last step asked for.
(function () {
  "use strict";
  if (!/[?&]saved=/.test(window.location.search)) return;
  try {
    for (var i = window.sessionStorage.length - 1; i >= 0; i--) {
      var k = window.sessionStorage.key(i);
      if (k && k.indexOf("khkr-contact-") === 0) window.sessionStorage.removeItem(k);
    }
  } catch (e) { /* storage refused: nothing was kept */ }
})();
// A new business's wizard, steps 1 to 5: the language links carry what this step holds so far
// (their addresses carry only the earlier steps' answers: QA, a name and description typed on
// step 1, or boxes ticked on step 4, were gone in the other language).
(function () {
  "use strict";
  var form = document.querySelector("form[data-here]");
  if (!form || !window.URLSearchParams || !window.FormData) return;
  document.querySelectorAll("nav.langs a[hreflang]").forEach(function (a) {
    if (a.getAttribute("aria-current")) return;
    a.addEventListener("click", function (e) {
      var params = new URLSearchParams(new FormData(form));
      params.delete("back");
      params.set("step", form.getAttribute("data-here"));
      e.preventDefault();
      window.location.href = a.pathname + "?" + params.toString();
    });
  });
})();
// Long texts: how many characters are used, under the box, and a word when a paste did not
// fit: the box's maxlength keeps the text within what the service takes, but it cut a long
// pasted post without a sign, and its end was lost unseen (QA: a 5,000-character paste).
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength][data-cut]").forEach(function (box) {
    var max = parseInt(box.getAttribute("maxlength"), 10);
    if (!(max > 0)) return;
    var count = document.createElement("span");
    count.className = "char-count";
    var cut = document.createElement("span");
    cut.className = "error-message paste-cut";
    cut.setAttribute("role", "alert");
    cut.hidden = true;
    box.parentNode.insertBefore(count, box.nextSibling);
    box.parentNode.insertBefore(cut, box);
    function update() {
      // Written as the hint above writes the bound (5000, not 5,000: QA, a Khmer owner).
      count.textContent = box.value.length + " / " + max;
      if (box.value.length < max) cut.hidden = true;
    }
    box.addEventListener("paste", function (e) {
      var text = e.clipboardData ? e.clipboardData.getData("text") : "";
      var replaced = (box.selectionEnd || 0) - (box.selectionStart || 0);
      if (box.value.length - replaced + text.length > max) {
        cut.textContent = box.getAttribute("data-cut");
        cut.hidden = false;
      }
    });
    box.addEventListener("input", update);
    update();
  });
})();
// After logging out, the browser's Back showed the account page again from its back/forward
// cache (QA, on a phone a family shares; the server's Clear-Site-Data did not reach that
// cache in Chromium). A page drawn for a signed-in viewer and shown again from that cache
// stays hidden while it asks the server whether the session still holds, and reloads when
// not, so the server asks to log in. Still signed in: shown as it was, typed values and all.
(function () {
  "use strict";
  if (!document.body.hasAttribute("data-signed-in") || !window.fetch) return;
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    var root = document.documentElement;
    root.style.visibility = "hidden";
    fetch(window.location.href, { method: "HEAD", redirect: "manual", credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.type === "opaqueredirect" || r.status >= 300) window.location.reload();
        else root.style.visibility = "";
      })
      .catch(function () { root.style.visibility = ""; });
  });
})();
