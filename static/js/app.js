/* hazardtrack — progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Translations come from Django's JavaScriptCatalog (/jsi18n/, loaded before this file);
  // without it the Chinese source strings are shown.
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, args) { return fmt.replace(/%s/g, function () { return args.shift(); }); };

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    // Language switch submits on change.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });

    // Enterprise search-as-you-type: fills a <datalist> from the API (scoped by jurisdiction).
    document.querySelectorAll("input[data-enterprise-search]").forEach(function (input) {
      var list = document.getElementById("enterprise-options");
      if (!list) return;
      input.setAttribute("list", list.id);
      var timer = null, last = "";
      input.addEventListener("input", function () {
        var q = input.value.trim();
        if (q.length < 1 || q === last) return;
        clearTimeout(timer);
        timer = setTimeout(function () {
          last = q;
          fetch("/api/enterprises/?page_size=10&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              list.innerHTML = "";
              (data.results || []).forEach(function (e) {
                var opt = document.createElement("option");
                opt.value = e.name + "（" + e.credit_code + "）";
                list.appendChild(opt);
              });
            }).catch(function () {});
        }, 200);
      });
    });

    // Location from the browser's geolocation into the hidden latitude/longitude fields.
    document.querySelectorAll("[data-geolocate]").forEach(function (button) {
      var status = document.querySelector("[data-geo-status]");
      if (!("geolocation" in navigator)) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        if (status) status.textContent = button.dataset.busy || gettext("定位中…");
        navigator.geolocation.getCurrentPosition(function (pos) {
          var form = button.closest("form");
          form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
          form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
          if (status) status.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
        }, function (err) {
          if (status) status.textContent = interpolate(gettext("无法获取位置：%s"), [err.message]);
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    });

    // Thumbnails of chosen photos before upload.
    document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
      var box = document.createElement("div");
      box.className = "previews";
      input.insertAdjacentElement("afterend", box);
      input.addEventListener("change", function () {
        box.innerHTML = "";
        Array.prototype.forEach.call(input.files || [], function (file) {
          if (!file.type || file.type.indexOf("image/") !== 0) return;
          var img = document.createElement("img");
          img.alt = file.name;
          img.src = URL.createObjectURL(file);
          box.appendChild(img);
        });
      });
    });
  });
})();

// Files kept from a refused submit (hazardtrack/uploads.py): "remove" drops one from this form.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-remove-pending]");
  if (!button) return;
  var item = button.closest("[data-pending-upload]");
  if (item) item.remove();
});

/* The ledger's 单位 field: names of the user's jurisdiction as they type (hazards:enterprise-suggestions);
   choosing one sets the hidden enterprise id, so the filter selects that unit exactly. Without this
   file the name is matched as typed (enterprise_name). */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    document.querySelectorAll("input[data-suggest]").forEach(function (input) {
      var list = document.getElementById("ledger-enterprise-options");
      if (!list) return;
      input.setAttribute("list", list.id);
      var form = input.form, idName = input.dataset.suggestId, known = {}, timer = null;
      function idField() {
        var field = form.querySelector("input[type=hidden][name=" + idName + "]");
        if (!field) { field = document.createElement("input"); field.type = "hidden"; field.name = idName; form.appendChild(field); }
        return field;
      }
      input.addEventListener("input", function () {
        var q = input.value.trim();
        // A name picked from the list selects that unit; any other text is matched as typed.
        if (known[q]) { idField().value = known[q]; return; }
        var hidden = form.querySelector("input[type=hidden][name=" + idName + "]");
        if (hidden) hidden.remove();
        clearTimeout(timer);
        if (!q) return;
        timer = setTimeout(function () {
          fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              list.innerHTML = "";
              (data.results || []).forEach(function (e) {
                known[e.name] = String(e.id);
                var opt = document.createElement("option");
                opt.value = e.name;
                list.appendChild(opt);
              });
            }).catch(function () {});
        }, 200);
      });
    });
  });
})();
