// Forms, progressive enhancement only: every form also posts without this file.
(function () {
  "use strict";

  // A form's error summary takes focus when the page comes back with errors;
  // each of its links moves focus to the field it names.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("[data-error-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.dataset.errorLink);
        if (!field) return;
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    });
  }

  // Forms whose submit buttons wait until the named fields are filled (issue
  // 20). The buttons stay in the Tab order: they are marked aria-disabled and
  // described by a line that names what is still missing; a click (or Enter
  // in a field) meanwhile is refused and that line is announced.
  var missingText = document.body.dataset.missingText || "Still to fill in:";
  function labelOf(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    if (!label) return field.name;
    var copy = label.cloneNode(true);
    copy.querySelectorAll("[aria-hidden]").forEach(function (part) { part.remove(); });
    return copy.textContent.trim();
  }
  function describedBy(button, id, on) {
    var ids = (button.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (other) {
      return other && other !== id;
    });
    if (on) ids.push(id);
    if (ids.length) button.setAttribute("aria-describedby", ids.join(" "));
    else button.removeAttribute("aria-describedby");
  }
  document.querySelectorAll("form[data-require-filled]").forEach(function (form, n) {
    var fields = form.dataset.requireFilled.split(/\s+/).map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    var buttons = form.querySelectorAll("[data-submit]");
    if (!buttons.length || !fields.length) return;
    var hint = document.createElement("p");
    hint.id = "missing-" + (n + 1);
    hint.className = "missing-hint";
    hint.setAttribute("data-missing", "");
    var live = document.createElement("p");
    live.className = "sr-only";
    live.setAttribute("role", "status");
    var actions = buttons[0].closest(".actions") || buttons[0].parentNode;
    actions.appendChild(hint);
    actions.appendChild(live);
    function missing() {
      return fields.filter(function (field) { return !field.value.trim(); });
    }
    function update() {
      var empty = missing();
      hint.hidden = !empty.length;
      hint.textContent = empty.length ? missingText + " " + empty.map(labelOf).join(", ") : "";
      if (!empty.length) {
        live.textContent = "";
        hint.classList.remove("missing-hint-alert");
      }
      buttons.forEach(function (button) {
        button.disabled = false;
        if (empty.length) button.setAttribute("aria-disabled", "true");
        else button.removeAttribute("aria-disabled");
        describedBy(button, hint.id, empty.length > 0);
      });
      return empty;
    }
    function refuse(event) {
      if (!update().length) return false;
      event.preventDefault();
      event.stopImmediatePropagation();
      // Emptied first, so that a second refusal is announced again.
      live.textContent = "";
      window.setTimeout(function () { live.textContent = hint.textContent; }, 50);
      hint.classList.add("missing-hint-alert");
      return true;
    }
    // Capturing: the refusal comes before the button's own handlers (a dialog).
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-submit]")) refuse(event);
    }, true);
    form.addEventListener("submit", refuse);
    fields.forEach(function (field) {
      field.addEventListener("input", update);
      field.addEventListener("change", update);
    });
    update();
  });

  // A form sent once (the login: its password check takes a second) shows
  // that it is working and refuses a second submit meanwhile.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[data-busy-text]").forEach(function (button) {
        button.textContent = button.dataset.busyText;
        button.setAttribute("aria-disabled", "true");
        button.classList.add("busy");
      });
    });
  });
})();
