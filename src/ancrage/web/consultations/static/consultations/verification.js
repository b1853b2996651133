/* Live compliance check of the consultation form: after a pause in typing, the form is sent to
   the check address and the findings panel is replaced by the server's answer (nothing is saved).
   Without JavaScript, the « Vérifier sans enregistrer » button does the same with a full page. */
(function () {
  "use strict";
  var form = document.getElementById("form-consultation");
  var target = document.getElementById("constats");
  var status = document.getElementById("etat-controle");
  if (!form || !target || !form.dataset.checkUrl) { return; }
  var DELAY_MS = 500;
  var timer = null;
  var controller = null;
  var sequence = 0;

  function run() {
    if (controller) { controller.abort(); }
    controller = "AbortController" in window ? new AbortController() : null;
    var mine = ++sequence;
    status.textContent = "Contrôle en cours…";
    fetch(form.dataset.checkUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (mine !== sequence) { return; }  // an older answer arriving late
      target.innerHTML = html;
      var result = document.getElementById("resultat-controle");
      status.textContent = result ? result.getAttribute("data-summary") : "";
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      status.textContent = "Le contrôle n'a pas pu être lancé (serveur injoignable). Réessayez.";
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
