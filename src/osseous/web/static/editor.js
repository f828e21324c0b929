// The case editor's rows in the browser: "Add a result", "Add a medicine", "Add a pain
// assessment", "Add a spinal/bone lesion" and "Add calcium, albumin and creatinine" clone the
// row of the list's <template> at once, and "Remove this row" hides a row and marks it
// removed (its "remove this row" box ticked), so nothing waits for the server. Without script
// the same buttons submit the form and the server draws the rows (nothing is saved either
// way until "Save and assess"). Loaded from this server: script-src 'self'.
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("rows-status");
    if (status) {
      status.hidden = false;
      status.textContent = text;
    }
  }

  // the next free index of a list: one past the highest index of any field of it
  function nextIndex(form, key) {
    var highest = -1;
    var pattern = new RegExp("^" + key + "\\[(\\d+)\\]\\.");
    Array.prototype.forEach.call(form.elements, function (el) {
      var m = pattern.exec(el.name || "");
      if (m) {
        highest = Math.max(highest, parseInt(m[1], 10));
      }
    });
    return highest + 1;
  }

  // the template's row with its placeholder index replaced: names (key[__i__]), ids and
  // label targets (key--i--), and the row number people read (__n__)
  function cloneRow(template, index) {
    var html = template.innerHTML
      .split("__i__").join(String(index))
      .split("--i--").join(String(index))
      .split("__n__").join(String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  function addRemoveButton(row) {
    var box = row.querySelector(":scope > label.remove input[type=checkbox]");
    if (!box || row.querySelector(":scope > button.remove-row")) {
      return;
    }
    var label = box.parentElement;
    label.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "remove-row";
    button.textContent = row.classList.contains("lesion") ? "Remove this lesion" :
      "Remove this row";
    label.insertAdjacentElement("afterend", button);
  }

  function addRows(button) {
    var fieldset = button.closest("fieldset.rows");
    var form = button.form;
    var key = button.getAttribute("data-row");
    var kind = button.getAttribute("data-kind");
    var template = document.getElementById("tpl-" + key + (kind ? "-" + kind : ""));
    var panel = (button.getAttribute("data-panel") || "").split(" ").filter(Boolean);
    var count = panel.length || 1;
    var start = nextIndex(form, key);
    var limit = parseInt(fieldset.getAttribute("data-max"), 10);
    if (start + count > limit) {
      announce("This list holds at most " + limit + " rows.");
      return;
    }
    var place = button.closest(".add-rows");
    var first = null;
    for (var k = 0; k < count; k++) {
      var row = cloneRow(template, start + k);
      place.insertAdjacentElement("beforebegin", row);
      addRemoveButton(row);
      if (panel.length) {
        var analyte = row.querySelector("select[name$='.analyte']");
        if (analyte) {
          analyte.value = panel[k];
        }
      }
      first = first || row;
    }
    var target = first.querySelector(panel.length ? "input[name$='.value']" :
      "input:not([type=hidden]):not([type=checkbox]), select");
    if (target) {
      target.focus();
    }
    announce((panel.length ? "Rows were added for " + panel.join(", ") : "A row was added") +
      ". Nothing is saved until you press \u201cSave and assess\u201d.");
  }

  function removeRow(button) {
    var row = button.closest(".row");
    var box = row.querySelector(":scope > label.remove input[type=checkbox]");
    if (box) {
      box.checked = true; // the server leaves the row out when the form is saved
    }
    var fieldset = row.closest("fieldset.rows");
    row.hidden = true;
    var focus = fieldset.querySelector(".add-rows button");
    if (focus) {
      focus.focus();
    }
    announce("The row was removed. Nothing is saved until you press \u201cSave and assess\u201d.");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var editor = document.querySelector("form.editor");
    if (!editor) {
      return;
    }
    editor.querySelectorAll("fieldset.rows > .row").forEach(addRemoveButton);
    editor.addEventListener("click", function (event) {
      var add = event.target.closest("button[data-row]");
      if (add) {
        event.preventDefault();
        addRows(add);
        return;
      }
      var remove = event.target.closest("button.remove-row");
      if (remove) {
        event.preventDefault();
        removeRow(remove);
      }
    });
  });
})();
