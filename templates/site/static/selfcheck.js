/* coursepack self-checks: turns a session page's self-check questions into answerable radio groups.
 *
 * The page shows every question as a plain list (the print editions and a browser without scripts see
 * that). The pack's self-check data (keys and feedback of `use: self-check` items only) is a JSON element,
 * id "coursepack-selfchecks", that the build puts on every page. For each self-check of this page the
 * list of choices becomes a WAI-ARIA radio group (one tab stop, arrow keys move and select, Space or
 * Enter selects), followed by a Check button and a live region where the feedback is written.
 * No network, no external script: works from file:// and inside an LMS frame.
 *
 * Each answer is announced to the page as a "coursepack:answer" event on document (detail: id, choice
 * index, choices, key, result), which the SCORM runtime reports to the LMS.
 */
(function () {
  "use strict";

  var dataElement = document.getElementById("coursepack-selfchecks");
  if (!dataElement) { return; }
  var data;
  try { data = JSON.parse(dataElement.textContent); } catch (e) { return; }

  /* This page's name as the build knows it ("modules/m/s"), from the page's own address and its content root. */
  function pageName() {
    var root = document.documentElement.getAttribute("data-content_root") || "./";
    var depth = (root.match(/\.\.\//g) || []).length;
    var parts = decodeURIComponent(window.location.pathname).split("/");
    return parts.slice(parts.length - depth - 1).join("/").replace(/\.html$/, "");
  }

  var items = data.pages[pageName()];
  if (!items || !items.length) { return; }

  function headingText(h) {
    var copy = h.cloneNode(true);
    var links = copy.querySelectorAll("a.headerlink");
    for (var i = 0; i < links.length; i++) { links[i].parentNode.removeChild(links[i]); }
    return copy.textContent.trim();
  }

  var list = null;
  var headings = document.querySelectorAll("section > h2");
  for (var h = 0; h < headings.length; h++) {
    if (headingText(headings[h]) === data.heading) {
      list = headings[h].parentNode.querySelector("ol");
    }
  }
  if (!list) { return; }

  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = (document.documentElement.getAttribute("data-content_root") || "./") + "_static/selfcheck.css";
  document.head.appendChild(link);

  var questions = [];
  for (var c = 0; c < list.children.length; c++) {
    if (list.children[c].tagName === "LI") { questions.push(list.children[c]); }
  }

  /* For the SCORM runtime: the page's self-checks, and a way to show an answer given in an earlier visit. */
  var restorers = {};
  window.coursepackSelfChecks = {
    items: [],
    restore: function (id, choice) { if (restorers[id]) { restorers[id](choice); } }
  };
  items.forEach(function (item) {
    var li = questions[item.n];
    if (li && enhance(li, item)) { window.coursepackSelfChecks.items.push(item); }
  });

  function enhance(li, item) {
    var group = li.querySelector("ul, ol");
    var stem = li.querySelector("p");
    if (!group || !stem || group.children.length !== item.choices.length) { return false; }
    var base = "selfcheck-" + item.id.replace(/[^A-Za-z0-9_-]/g, "-");
    stem.id = base + "-q";
    li.classList.add("selfcheck");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-labelledby", stem.id);
    var radios = [];
    for (var i = 0; i < group.children.length; i++) {
      var r = group.children[i];
      r.setAttribute("role", "radio");
      r.setAttribute("aria-checked", "false");
      r.tabIndex = i === 0 ? 0 : -1;
      radios.push(r);
    }
    var chosen = -1;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "selfcheck-check";
    button.textContent = data.labels.check;
    button.setAttribute("aria-describedby", stem.id);
    var live = document.createElement("p");
    live.className = "selfcheck-feedback";
    live.id = base + "-feedback";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    group.parentNode.insertBefore(live, group.nextSibling);
    group.parentNode.insertBefore(button, live);

    function select(index, focus) {
      chosen = index;
      radios.forEach(function (r, j) {
        r.setAttribute("aria-checked", j === index ? "true" : "false");
        r.tabIndex = j === index ? 0 : -1;
      });
      if (focus) { radios[index].focus(); }
    }

    radios.forEach(function (r, j) {
      r.addEventListener("click", function () { select(j, true); });
      r.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowDown" || event.key === "ArrowRight") { next = (j + 1) % radios.length; }
        if (event.key === "ArrowUp" || event.key === "ArrowLeft") { next = (j - 1 + radios.length) % radios.length; }
        if (event.key === "Home") { next = 0; }
        if (event.key === "End") { next = radios.length - 1; }
        if (event.key === " " || event.key === "Enter") { next = j; }
        if (next !== null) {
          event.preventDefault();
          select(next, true);
        }
      });
    });

    function showFeedback() {
      var right = item.key.indexOf(chosen) >= 0;
      li.classList.remove("selfcheck-right", "selfcheck-wrong");
      li.classList.add(right ? "selfcheck-right" : "selfcheck-wrong");
      live.textContent = [right ? data.labels.right : data.labels.wrong, item.feedback[chosen], item.general]
        .filter(function (t) { return t; }).join(" ");
      return right;
    }

    restorers[item.id] = function (choice) {
      if (choice >= 0 && choice < radios.length) {
        select(choice, false);
        showFeedback();
      }
    };

    button.addEventListener("click", function () {
      if (chosen < 0) {
        live.textContent = data.labels.choose;
        radios[0].focus();
        return;
      }
      var right = showFeedback();
      var detail = { id: item.id, choice: chosen, choices: item.choices, key: item.key, result: right };
      var event;
      try {
        event = new CustomEvent("coursepack:answer", { detail: detail });
      } catch (e) {
        event = document.createEvent("CustomEvent");
        event.initCustomEvent("coursepack:answer", false, false, detail);
      }
      document.dispatchEvent(event);
    });
    return true;
  }
}());
