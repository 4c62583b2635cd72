// Small progressive enhancements; every page works without them. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var back = event.target.closest("[data-back]");
    if (back) { event.preventDefault(); history.back(); return; }
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
  // A form submits once: a double click does not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(function () { form.dataset.submitted = ""; }, 8000);
  });
  // htmx requests carry the CSRF token from the cookie-independent meta-less form token.
  document.body && document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
