/* coursepack SCO runtime: connects one session page of a SCORM package to the LMS.
 *
 * It finds the LMS's API (the standard search of parent frames, then of the opener), initialises,
 * reports how far the participant has read, marks the session completed when the end of the page
 * comes into view, and finishes when the page is left. With no LMS around it does nothing, so the
 * page works the same when opened on its own.
 *
 * Which SCORM version to speak is read from the script tag's data-scorm attribute ("1.2" or
 * "2004"), a constant written by the exporter: no course text is ever put into this script.
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
  var completed = /^(completed|passed)$/.test(call("get", STATUS));
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
      if (atEnd && !completed) {
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
    call("set", EXIT, completed ? (is2004 ? "normal" : "") : "suspend");
    call("commit");
    call("finish");
  }

  /* Measured once everything (images too) is laid out, so that the end is not seen too early. */
  function start() {
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
