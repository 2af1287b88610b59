// Huduma's kiosk and ticket pages: small helps for a touch screen. Every page works without them.
(function () {
  "use strict";

  // The ticket page's Print button: shown only where script runs, since only script can print.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // A number pad for the phone field: a kiosk screen may have no keyboard of its own.
  document.querySelectorAll("[data-keypad]").forEach(function (pad) {
    var input = document.getElementById(pad.getAttribute("data-keypad"));
    if (!input) { return; }
    pad.hidden = false;
    input.setAttribute("inputmode", "none"); // the pad replaces the system keyboard
    pad.addEventListener("click", function (e) {
      var key = e.target.closest("button[data-key]");
      if (!key) { return; }
      var k = key.getAttribute("data-key");
      if (k === "del") {
        input.value = input.value.slice(0, -1);
      } else if (k === "clear") {
        input.value = "";
      } else if (input.value.length < 16) {
        input.value += k;
      }
    });
  });

  // One ticket a press: a double tap on a touch screen must not take two tickets.
  document.querySelectorAll("form[data-once]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (f.getAttribute("data-sent")) {
        e.preventDefault();
        return;
      }
      f.setAttribute("data-sent", "1");
    });
    // A page brought back from the browser's history takes presses again.
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) { f.removeAttribute("data-sent"); }
    });
  });
})();
