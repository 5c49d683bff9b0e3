// Account plan editor: "add a row" buttons copy the last row of a list, emptied. Without JavaScript the
// page already offers empty rows, and saving adds more.
(function () {
  "use strict";
  function addRow(container) {
    var rows = container.querySelectorAll("[data-row]");
    if (!rows.length) return;
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var stamp = String(Date.now());
    copy.querySelectorAll("input, select, label").forEach(function (el) {
      if (el.id) el.id = el.id + "-" + stamp;
      if (el.htmlFor) el.htmlFor = el.htmlFor + "-" + stamp;
      if (el.tagName === "INPUT") el.value = "";
      if (el.tagName === "SELECT") el.selectedIndex = el.name === "action_status" ? 0 : 0;
    });
    last.after(copy);
    var first = copy.querySelector("input, select");
    if (first) first.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-rows]").forEach(function (container) {
      var button = container.querySelector("[data-add-row]");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", function () { addRow(container); });
    });
  });
})();
