// Reply forms: show only the fields the chosen answer needs. Without this script every
// field stays visible and the server still checks what each answer requires.
(function () {
  "use strict";
  var NEEDS = {
    attend: ["attendees", "extra_attendees"],
    absent: ["reason"],
    substitute: ["substitute", "substitute_name", "substitute_post"]
  };
  var ALL = ["attendees", "extra_attendees", "reason", "substitute", "substitute_name",
             "substitute_post"];

  function fieldOf(form, prefix, name) {
    var input = form.querySelector("[name='" + prefix + "-" + name + "']");
    return input ? input.closest(".field") : null;
  }

  function update(form) {
    var checked = form.querySelector("input[type=radio][name$='-answer']:checked");
    var radio = checked || form.querySelector("input[type=radio][name$='-answer']");
    if (!radio) { return; }
    var prefix = radio.name.slice(0, -"-answer".length);
    var shown = checked ? NEEDS[checked.value] || [] : [];
    ALL.forEach(function (name) {
      var field = fieldOf(form, prefix, name);
      if (field) { field.hidden = shown.indexOf(name) === -1; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-reply-form]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
