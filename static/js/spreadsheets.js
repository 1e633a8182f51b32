/* Excel import: the progress bar of a running job polls its status (a small JSON endpoint)
   and reloads the page when the job reaches its next state. The job is a database row, so a
   refresh or a closed tab loses nothing; without JavaScript the page has a refresh link. */
(function () {
  "use strict";

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var box = document.querySelector("[data-import-progress]");
    if (!box || box.dataset.running !== "1") return;
    var bar = box.querySelector("[data-progress-bar]");
    var text = box.querySelector("[data-progress-text]");
    var url = box.dataset.statusUrl;
    var shown = box.dataset.status;
    var delay = 1000;

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (job) {
          delay = 1000;
          if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
          if (text) { text.textContent = job.status_label + " · " + job.processed + " / " + job.total; }
          if (job.status !== shown || !job.running) { window.location.reload(); return; }
          setTimeout(poll, delay);
        })
        .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
    }
    setTimeout(poll, 500);
  });
})();
