/* coursepack SCO runtime: connects one session page of a SCORM package to the LMS.
 *
 * It finds the LMS's API (the standard search of parent frames, then of the opener), initialises,
 * reports how far the participant has read, marks the session completed when the end of the page
 * comes into view, and finishes when the page is left. With no LMS around it does nothing, so the
 * page works the same when opened on its own.
 *
 * Which SCORM version to speak is read from the script tag's data-scorm attribute ("1.2" or
 * "2004"), a constant written by the exporter: no course text is ever put into this script. The tag
 * also carries the mastery score (data-mastery, percent, as the manifest states it) and the package's
 * SCO pages with their item identifiers (data-scos, JSON of ids and paths only).
 *
 * Self-checks (selfcheck.js) announce each answer as a "coursepack:answer" event: the answer is
 * reported as an interaction, and the score of the page's self-checks (the last answer to each counts)
 * as the SCO's score, passed or failed against the mastery score once all are answered. The answers
 * and the place reached are kept in suspend_data and the location, and restored when the SCO is
 * launched again. A link to another SCO goes through the LMS: in SCORM 2004 it becomes a navigation
 * request; SCORM 1.2 has none, so such a link is disabled inside the LMS.
 */
(function () {
  "use strict";

  var tag = document.currentScript;
  var is2004 = !!tag && tag.getAttribute("data-scorm") === "2004";
  var API_NAME = is2004 ? "API_1484_11" : "API";
  var CALLS = is2004
    ? { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" }
    : { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" };
  var STATUS = is2004 ? "cmi.completion_status" : "cmi.core.lesson_status";
  var LOCATION = is2004 ? "cmi.location" : "cmi.core.lesson_location";
  var EXIT = is2004 ? "cmi.exit" : "cmi.core.exit";
  var SESSION_TIME = is2004 ? "cmi.session_time" : "cmi.core.session_time";
  var SUCCESS = is2004 ? "cmi.success_status" : "cmi.core.lesson_status";
  var SCORE = is2004 ? "cmi.score." : "cmi.core.score.";
  var RESPONSE = is2004 ? ".learner_response" : ".student_response";
  var WRONG = is2004 ? "incorrect" : "wrong";
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";

  function attribute(name, fallback) {
    var value = tag && tag.getAttribute(name);
    return value === null || value === undefined ? fallback : value;
  }
  var scos = {};
  try { scos = JSON.parse(attribute("data-scos", "{}")); } catch (e) { scos = {}; }

  /* The API object in this window or one of its parents; null if a frame of another origin is in the way. */
  function searchUp(win) {
    for (var hops = 0; win && hops < 500; hops++) {
      try {
        if (win[API_NAME]) { return win[API_NAME]; }
      } catch (e) {
        return null;
      }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function findApi() {
    var api = searchUp(window);
    try {
      if (!api && window.opener) { api = searchUp(window.opener); }
      if (!api && window.top && window.top.opener) { api = searchUp(window.top.opener); }
    } catch (e) {
      return null;
    }
    return api;
  }

  var api = findApi();
  if (!api) { return; }

  function call(name, a, b) {
    try {
      var fn = api[CALLS[name]];
      return String(arguments.length > 2 ? fn.call(api, a, b) : fn.call(api, arguments.length > 1 ? a : ""));
    } catch (e) {
      return "";
    }
  }

  if (call("init") !== "true") { return; }  /* no session to report to (for instance, already finished) */

  var started = Date.now();
  var completed = /^(completed|passed|failed)$/.test(call("get", STATUS));
  var scored = false;  /* passed or failed has been reported (SCORM 1.2 keeps it in lesson_status) */
  var answers = {};  /* self-check id -> index of the chosen answer */
  try { answers = JSON.parse(call("get", "cmi.suspend_data") || "{}") || {}; } catch (e) { answers = {}; }
  var storedLocation = parseInt(call("get", LOCATION), 10);
  var reported = 0;  /* the furthest point reached, as a fraction of the page, last sent to the LMS */
  var finished = false;

  if (!completed) { call("set", STATUS, "incomplete"); }

  function sessionTime() {
    var s = Math.max(0, Math.round((Date.now() - started) / 1000));
    if (is2004) { return "PT" + s + "S"; }
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(Math.floor(s / 3600) % 10000) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  /* A marker at the end of the session's text: when it is in view, the participant has reached the end. */
  var end = null;

  function addEndMarker() {
    var main = document.querySelector("article[role=main]") || document.querySelector("[role=main]") || document.body;
    end = document.createElement("div");
    end.setAttribute("aria-hidden", "true");
    end.setAttribute("data-coursepack-end", "");
    main.appendChild(end);
  }

  function check() {
    if (finished || !end) { return; }
    var root = document.documentElement;
    var seen = Math.min(1, (window.pageYOffset + window.innerHeight) / Math.max(1, root.scrollHeight));
    var atEnd = end.getBoundingClientRect().top <= window.innerHeight;
    if (atEnd) { seen = 1; }
    if (seen >= reported + 0.1 || (atEnd && reported < 1)) {
      reported = seen;
      call("set", LOCATION, String(Math.round(seen * 100)));
      if (is2004) { call("set", "cmi.progress_measure", seen.toFixed(2)); }
      if (atEnd && !completed && !scored) {
        completed = true;
        call("set", STATUS, "completed");
      }
      call("commit");
    }
  }

  function finish() {
    if (finished) { return; }
    check();
    finished = true;
    call("set", SESSION_TIME, sessionTime());
    call("set", EXIT, "suspend");  /* so that answers and location are there when the SCO is launched again */
    call("commit");
    call("finish");
  }

  /* The mastery score as a fraction: the LMS's (from the manifest), else the one the exporter wrote. */
  function mastery() {
    var fromLms = is2004 ? parseFloat(call("get", "cmi.scaled_passing_score"))
      : parseFloat(call("get", "cmi.student_data.mastery_score")) / 100;
    if (!isNaN(fromLms)) { return fromLms; }
    var written = parseFloat(attribute("data-mastery", "NaN")) / 100;
    return isNaN(written) ? null : written;
  }

  function report(item) {
    var n = call("get", "cmi.interactions._count");
    var prefix = "cmi.interactions." + (parseInt(n, 10) || 0);
    var right = item.key.indexOf(answers[item.id]) >= 0;
    call("set", prefix + ".id", item.id);
    call("set", prefix + ".type", "choice");
    call("set", prefix + RESPONSE, LETTERS.charAt(answers[item.id]));
    call("set", prefix + ".correct_responses.0.pattern",
         item.key.map(function (k) { return LETTERS.charAt(k); }).join(is2004 ? "[,]" : ","));
    call("set", prefix + ".result", right ? "correct" : WRONG);
  }

  function score(items) {
    var right = 0, answered = 0;
    items.forEach(function (item) {
      if (answers.hasOwnProperty(item.id)) {
        answered++;
        if (item.key.indexOf(answers[item.id]) >= 0) { right++; }
      }
    });
    var raw = Math.round(100 * right / items.length);
    call("set", SCORE + "min", "0");
    call("set", SCORE + "max", "100");
    call("set", SCORE + "raw", String(raw));
    if (is2004) { call("set", "cmi.score.scaled", String(raw / 100)); }
    if (answered === items.length) {
      var pass = mastery();
      if (pass !== null) {
        scored = true;
        call("set", SUCCESS, raw / 100 >= pass ? "passed" : "failed");
      }
      if ((is2004 || pass === null) && !completed) { call("set", STATUS, "completed"); }
      completed = true;
    }
    call("set", "cmi.suspend_data", JSON.stringify(answers));
    call("commit");
  }

  function connectSelfChecks() {
    var checks = window.coursepackSelfChecks;
    if (!checks || !checks.items.length) { return; }
    checks.items.forEach(function (item) {
      if (answers.hasOwnProperty(item.id)) { checks.restore(item.id, answers[item.id]); }
    });
    document.addEventListener("coursepack:answer", function (event) {
      var item = null;
      checks.items.forEach(function (it) { if (it.id === event.detail.id) { item = it; } });
      if (!item || finished) { return; }
      answers[item.id] = event.detail.choice;
      report(item);
      score(checks.items);
    });
  }

  /* Links to another SCO's page: a navigation request to the LMS (2004), or nothing (1.2). */
  function routeLinks() {
    var root;
    try { root = new URL("../", tag.src); } catch (e) { return; }
    var targets = {};
    Object.keys(scos).forEach(function (page) { targets[new URL(page, root).href] = scos[page]; });
    var here = window.location.href.split("#")[0];
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var target = links[i].href.split("#")[0];
      if (target === here || !targets.hasOwnProperty(target)) { continue; }
      links[i].setAttribute("data-coursepack-sco", targets[target]);
      if (!is2004) {
        links[i].removeAttribute("href");
        links[i].setAttribute("aria-disabled", "true");
      }
    }
    if (!is2004) { return; }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-coursepack-sco]");
      if (!link || finished) { return; }
      event.preventDefault();
      call("set", "adl.nav.request", "{target=" + link.getAttribute("data-coursepack-sco") + "}choice");
      finish();
    });
  }

  /* Measured once everything (images too) is laid out, so that the end is not seen too early. */
  function start() {
    routeLinks();
    connectSelfChecks();
    if (storedLocation > 0) {
      window.scrollTo(0, storedLocation / 100 * document.documentElement.scrollHeight - window.innerHeight);
      reported = storedLocation / 100;
    }
    addEndMarker();
    window.addEventListener("scroll", check, { passive: true });
    window.addEventListener("resize", check);
    check();
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
}());
