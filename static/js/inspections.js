/* Inspections: save each checklist item in the background (save-as-you-go on a phone).
   Without this file every item form still posts and the page reloads at the item. */
(function () {
  "use strict";

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var list = document.querySelector("[data-checklist]");
    if (!list) return;
    var text = list.dataset;
    var progress = document.querySelector("[data-progress]");

    function chosen(form) {
      var radio = form.querySelector("input[name=result]:checked");
      return radio ? radio.value : "";
    }

    function showProgress(header) {
      if (!progress || !header) return;
      var parts = header.split("/");
      progress.textContent = (text.progressText || "%(a)s / %(n)s").replace("%(a)s", parts[0]).replace("%(n)s", parts[1]);
    }

    function save(form) {
      var card = form.closest("[data-item]");
      var status = form.querySelector("[data-saved]");
      if (status) status.textContent = text.saving || "…";
      form.classList.add("busy");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        showProgress(response.headers.get("X-Progress"));
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (reply) {
        var holder = document.createElement("div");
        holder.innerHTML = reply.html.trim();
        var fresh = holder.firstElementChild;
        if (!fresh) throw new Error("empty");
        card.replaceWith(fresh);
        bind(fresh);
        if (!reply.ok) fresh.scrollIntoView({ block: "center" });
      }).catch(function () {
        form.classList.remove("busy");
        if (status) status.textContent = text.failed || "!";
      });
    }

    function bind(card) {
      var form = card.querySelector("[data-item-form]");
      if (!form) return;
      form.classList.add("enhanced");
      form.classList.toggle("is-fail", chosen(form) === "fail");
      form.querySelectorAll("input[name=result]").forEach(function (radio) {
        radio.addEventListener("change", function () {
          var value = chosen(form);
          form.classList.toggle("is-fail", value === "fail");
          // Pass and not-applicable need nothing more: save at once. A failure waits for its note.
          if (value === "pass" || value === "na") save(form);
        });
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        save(form);
      });
    }

    list.querySelectorAll("[data-item]").forEach(bind);
  });
})();
