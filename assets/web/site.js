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
