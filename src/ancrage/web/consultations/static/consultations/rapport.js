/* The « Imprimer » button of the printable report (an inline handler would need a laxer CSP). */
(function () {
  "use strict";
  var button = document.getElementById("bouton-imprimer");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
