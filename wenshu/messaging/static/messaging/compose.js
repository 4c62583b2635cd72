// Internal mail, compose page: a unit filter above each person picker (the picker groups people
// by unit). Without JavaScript every person stays listed; a chosen person stays chosen while
// their unit is filtered out of view.
(function () {
  "use strict";
  function addFilter(select) {
    var groups = select.querySelectorAll("optgroup");
    if (groups.length < 2) { return; }
    var filter = document.createElement("select");
    filter.className = "unit-filter";
    filter.setAttribute("aria-label", "按单位筛选人员");
    filter.appendChild(new Option("全部单位", ""));
    groups.forEach(function (group) { filter.appendChild(new Option(group.label, group.label)); });
    filter.addEventListener("change", function () {
      groups.forEach(function (group) {
        group.hidden = filter.value !== "" && group.label !== filter.value;
      });
    });
    select.parentNode.insertBefore(filter, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-unit-filter]").forEach(addFilter);
  });
})();
