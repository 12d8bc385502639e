// A form is sent once: pressing its button again while the page is on its way sends nothing
// more (two presses on a slow connection raised the same issue twice). Ten seconds on, or
// back on the page with the browser's Back button, it can be sent again.
(function () {
  "use strict";
  var AGAIN_AFTER_MS = 10000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") {
      return;
    }
    var sent = Number(form.dataset.sentAt || 0);
    if (sent && Date.now() - sent < AGAIN_AFTER_MS) {
      event.preventDefault();
      return;
    }
    form.dataset.sentAt = String(Date.now());
    form.setAttribute("aria-busy", "true");
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sent-at]").forEach(function (form) {
      delete form.dataset.sentAt;
      form.removeAttribute("aria-busy");
    });
  });
})();
