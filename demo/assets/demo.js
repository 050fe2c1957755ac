// The demo's personalisation: everything here reads what edgescore answers.
// The badge follows the stage; the sales offer shows once the visitor is an MQL
// (CSS keys off <html data-es-stage>, which the script sets).
edgescore("onStage", function (state) {
  var badge = document.getElementById("stage-badge");
  var line = document.getElementById("score-line");
  if (badge) badge.textContent = state.stage;
  if (line && state.score) {
    line.textContent = "Score " + state.score.total + " (fit " + state.score.fit + ", engagement " +
      state.score.engagement + "). An MQL needs 50, with fit ≥ 10 and engagement ≥ 20.";
  }
});

document.addEventListener("click", function (e) {
  var target = e.target;
  if (!(target instanceof Element)) return;
  if (target.id === "attend-webinar") {
    edgescore("track", "webinar_attended", { webinar: "pipeline-reviews" });
    document.getElementById("webinar-note").hidden = false;
  }
  if (target.id === "forget-me") {
    edgescore("reset");
    location.reload();
  }
});

// The demo form posts nowhere: send its events, then show the thank-you page
// (an email never goes into a URL).
document.addEventListener("submit", function (e) {
  if (!(e.target instanceof HTMLFormElement) || e.target.id !== "demo-request") return;
  e.preventDefault();
  var go = function () { location.href = "/contact/thanks"; };
  var api = window.edgescore;
  (api && api.flush ? api.flush() : Promise.resolve()).then(go, go);
});
