/* Incident pages — progressive enhancement only: the server grades every incident. */
(function () {
  "use strict";

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var source = document.getElementById("grade-thresholds");
    if (!source) return;
    var thresholds = JSON.parse(source.textContent);  // highest grade first (incidents/rules.py)

    function number(form, name) {
      var input = form.querySelector("[name=" + name + "]");
      var value = input ? parseFloat(input.value) : 0;
      return isNaN(value) ? 0 : value;
    }

    // While figures are typed, show the grade they reach (the highest any criterion reaches).
    document.querySelectorAll("form[data-grade-preview]").forEach(function (form) {
      var out = form.querySelector("[data-grade-output]");
      if (!out) return;
      function update() {
        var deaths = number(form, "deaths"), serious = number(form, "serious_injuries"), loss = number(form, "direct_loss");
        for (var i = 0; i < thresholds.length; i++) {
          var t = thresholds[i];
          if (deaths >= t.deaths || serious >= t.serious || loss >= parseFloat(t.loss)) {
            out.textContent = (out.dataset.prefix || "") + t.label;
            out.hidden = false;
            return;
          }
        }
      }
      form.addEventListener("input", update);
      update();
    });
  });
})();
