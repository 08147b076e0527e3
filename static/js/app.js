// Progressive enhancement only: every flow also works without this file.

// What every dialog and overlay shares (issue 20): Tab and Shift+Tab stay
// inside it, the page behind does not scroll, and closing gives focus back to
// the control that opened it.
var helpdeskModal = (function () {
  "use strict";
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), ' +
    'select:not([disabled]), textarea:not([disabled]), iframe, [tabindex]:not([tabindex="-1"])';
  function focusables(container) {
    return Array.prototype.filter.call(container.querySelectorAll(FOCUSABLE), function (element) {
      return !element.hidden && element.offsetParent !== null;
    });
  }
  function trap(container, event) {
    if (event.key !== "Tab") return;
    var items = focusables(container);
    if (!items.length) { event.preventDefault(); return; }
    var first = items[0];
    var last = items[items.length - 1];
    var active = document.activeElement;
    if (event.shiftKey && (active === first || !container.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !container.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
  function lockPage(locked) {
    document.documentElement.classList.toggle("modal-open", locked);
  }
  return { trap: trap, lockPage: lockPage };
})();

(function () {
  "use strict";

  // "Reopen ticket" reveals its message box in place.
  document.querySelectorAll("[data-reveal]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.dataset.reveal);
      if (!target) return;
      event.preventDefault();
      target.hidden = false;
      var box = target.querySelector("textarea");
      if (box) box.focus();
    });
  });

  // "Close ticket", and Close beside Send (seed 001), confirm in a modal dialog
  // instead of a confirmation page.
  // The dialog keeps focus inside, stops the page behind from scrolling, and
  // gives focus back to its opener when it closes (Cancel, Escape or submit).
  document.querySelectorAll("[data-dialog]").forEach(function (link) {
    var dialog = document.getElementById(link.dataset.dialog);
    if (!dialog || typeof dialog.showModal !== "function") return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.opener = link.closest("details[data-menu]") ? link.closest("details[data-menu]").querySelector("summary") : link;
      dialog.showModal();
      helpdeskModal.lockPage(true);
    });
    if (dialog.dataset.modalReady) return;
    dialog.dataset.modalReady = "1";
    dialog.addEventListener("keydown", function (event) { helpdeskModal.trap(dialog, event); });
    dialog.addEventListener("close", function () {
      helpdeskModal.lockPage(false);
      if (dialog.opener) dialog.opener.focus();
    });
    dialog.querySelectorAll("[data-close-dialog]").forEach(function (button) {
      button.addEventListener("click", function () { dialog.close(); });
    });
  });

  // Whole ticket rows are clickable; the subject stays a real link.
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a, button, input")) return;
      window.location.href = row.dataset.href;
    });
  });

  // Changing the ticket-type filter applies it at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

(function () {
  "use strict";
  // The queue: a "select all" box for the bulk actions; a confirmation before a bulk close.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.form.querySelectorAll('input[name="ticket"]').forEach(function (row) {
        row.checked = box.checked;
      });
    });
  });

  // The agent's reply box: an internal note has no "submit as" and looks different.
  document.querySelectorAll("form[data-reply-form]").forEach(function (form) {
    var card = form.closest(".reply");
    var publicOnly = form.querySelector("[data-public-only]");
    function update() {
      var internal = form.querySelector('input[name="internal"]:checked').value === "on";
      if (card) card.classList.toggle("internal-mode", internal);
      if (publicOnly) {
        publicOnly.hidden = internal;
        if (internal) publicOnly.querySelector("select").value = "";
      }
    }
    form.querySelectorAll('input[name="internal"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();

// The scripts' words come from the page, translated there: an element's
// data-i18n-* attribute holds a sentence with %(name)s places (our CSP runs no
// inline script, so a template cannot hand over a catalogue any other way
// without one more request). English stays as the fallback.
var helpdeskText = {
  fill: function (template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  },
  get: function (element, name, fallback, values) {
    var template = (element && element.getAttribute("data-i18n-" + name)) || fallback;
    return helpdeskText.fill(template, values || {});
  },
};

(function () {
  "use strict";
  // Queue keyboard model (issue 20): the rows are one roving tab stop. j/k or
  // the arrow keys move real focus from row to row (announced as "row n of N"),
  // x or Space selects, o or Enter opens, / searches.
  var table = document.querySelector("table[data-queue]");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var live = document.querySelector("[data-queue-announce]");
  var current = 0;
  function textEntry(element) {
    return element.closest("textarea, select, input:not([type=checkbox]):not([type=radio])");
  }
  function describe(row) {
    var subject = row.querySelector("td.title a");
    var status = row.querySelector(".badge");
    var box = row.querySelector('input[name="ticket"]');
    var text = row.querySelector("td.num").textContent.trim() + " " +
      (subject ? subject.textContent.trim() : "") +
      (status ? ", " + status.textContent.trim() : "");
    if (box && box.checked) {
      text = helpdeskText.get(table, "selected", "%(row)s, selected", { row: text });
    }
    return text;
  }
  function setCurrent(index) {
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) {
      row.tabIndex = i === current ? 0 : -1;
    });
  }
  function moveTo(index) {
    if (!rows.length) return;
    setCurrent(index);
    var row = rows[current];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
    if (live) {
      live.textContent = helpdeskText.get(table, "row", "Row %(n)s of %(total)s: %(row)s", {
        n: current + 1, total: rows.length, row: describe(row),
      });
    }
  }
  setCurrent(0);
  rows.forEach(function (row, i) {
    row.setAttribute("aria-label", describe(row));
    row.addEventListener("focusin", function () { setCurrent(i); });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (textEntry(target)) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var onRow = target.matches && target.matches("tr[data-href]");
    if (event.key === "/") {
      var search = document.querySelector('input[name="q"]');
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j" || (onRow && event.key === "ArrowDown")) {
      event.preventDefault();
      moveTo(onRow || table.contains(target) ? current + 1 : current);
    } else if (event.key === "k" || (onRow && event.key === "ArrowUp")) {
      event.preventDefault();
      moveTo(current - 1);
    } else if (onRow && (event.key === "x" || event.key === " ")) {
      event.preventDefault();
      var box = target.querySelector('input[name="ticket"]');
      if (box) {
        box.checked = !box.checked;
        target.setAttribute("aria-label", describe(target));
        if (live) live.textContent = describe(target);
      }
    } else if (event.key === "x" && table.contains(target)) {
      var row = target.closest("tr[data-href]");
      var rowBox = row && row.querySelector('input[name="ticket"]');
      if (rowBox && target !== rowBox) rowBox.checked = !rowBox.checked;
    } else if (onRow && (event.key === "o" || event.key === "Enter")) {
      event.preventDefault();
      window.location.href = target.dataset.href;
    }
  });
})();

(function () {
  "use strict";
  // Menus made of <details> (the queue's Columns, Verify a caller, a ticket's
  // Status): Escape closes one and gives focus back to its button; a click
  // elsewhere closes it. Without this script they still open and close.
  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-menu]"));
  if (!menus.length) return;
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) { if (other !== menu) other.open = false; });
      var first = menu.querySelector(".menu-panel input:not([type=hidden]), .menu-panel button, .menu-panel select");
      if (first) first.focus();
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        event.stopPropagation();
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
})();

(function () {
  "use strict";
  // The preview window (seed 002): name, download and close on top; "n of N",
  // date and size below; arrows between the ticket's files. Without
  // JavaScript the same links open the file in a new tab.
  var viewer = document.getElementById("viewer");
  if (!viewer) return;
  var seen = {};
  var items = [];
  document.querySelectorAll("a[data-preview]").forEach(function (link) {
    if (!seen[link.dataset.preview]) {
      seen[link.dataset.preview] = true;
      items.push(link);
    }
  });
  var index = 0;
  var body = viewer.querySelector("[data-viewer-body]");

  function show(i) {
    index = (i + items.length) % items.length;
    var link = items[index];
    viewer.querySelector("[data-viewer-name]").textContent = link.dataset.name;
    viewer.querySelector("[data-viewer-download]").href = link.dataset.download;
    viewer.querySelector("[data-viewer-download]").setAttribute("download", link.dataset.name);
    // N is never 0 here, and 1 is singular in every language we speak.
    viewer.querySelector("[data-viewer-position]").textContent = items.length === 1
      ? helpdeskText.get(viewer, "position-one", "%(n)s of %(total)s attachment", { n: 1, total: 1 })
      : helpdeskText.get(viewer, "position-other", "%(n)s of %(total)s attachments", {
        n: index + 1, total: items.length,
      });
    viewer.querySelector("[data-viewer-meta]").textContent = helpdeskText.get(
      viewer, "meta", "Uploaded %(date)s · %(size)s",
      { date: link.dataset.date, size: link.dataset.size }
    );
    body.textContent = "";
    var element;
    if (link.dataset.kind === "image") {
      element = document.createElement("img");
      element.alt = link.dataset.name;
    } else {
      element = document.createElement("iframe");
      element.title = link.dataset.name;
    }
    element.src = link.href;
    body.appendChild(element);
    viewer.querySelector("[data-viewer-prev]").hidden = items.length < 2;
    viewer.querySelector("[data-viewer-next]").hidden = items.length < 2;
  }
  var opener = null;
  function open(i) {
    viewer.hidden = false;
    helpdeskModal.lockPage(true);
    show(i);
    viewer.querySelector("[data-viewer-close]").focus();
  }
  function close() {
    viewer.hidden = true;
    body.textContent = "";
    helpdeskModal.lockPage(false);
    if (opener) opener.focus();
  }
  viewer.addEventListener("keydown", function (event) { helpdeskModal.trap(viewer, event); });
  document.querySelectorAll("a[data-preview]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      opener = link;
      var position = items.findIndex(function (item) { return item.dataset.preview === link.dataset.preview; });
      open(position);
    });
  });
  viewer.querySelector("[data-viewer-close]").addEventListener("click", close);
  viewer.querySelector("[data-viewer-prev]").addEventListener("click", function () { show(index - 1); });
  viewer.querySelector("[data-viewer-next]").addEventListener("click", function () { show(index + 1); });
  document.addEventListener("keydown", function (event) {
    if (viewer.hidden) return;
    if (event.key === "Escape") close();
    else if (event.key === "ArrowLeft") show(index - 1);
    else if (event.key === "ArrowRight") show(index + 1);
  });
})();

(function () {
  "use strict";
  // "Copy" buttons next to a block of text.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = button.dataset.copiedText || "Copied";
      });
    });
  });
})();

(function () {
  "use strict";
  // The ticket page's information panel (seed 002): the arrow button unfolds
  // or folds it, the x folds it. The choice is saved for the user in the
  // background; without this script the same buttons post their forms.
  var panel = document.getElementById("ticket-panel");
  var toggle = document.querySelector("[data-panel-toggle]");
  var close = document.querySelector("[data-panel-close]");
  if (!panel || !toggle) return;
  var layout = panel.closest(".ticket-layout");
  var toggleForm = toggle.form;

  function setOpen(open, form) {
    panel.hidden = !open;
    if (layout) layout.classList.toggle("panel-closed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggleForm.querySelector('input[name="open"]').value = open ? "0" : "1";
    var data = new FormData(form);
    data.set("open", open ? "1" : "0");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).catch(function () { /* not saved; the page still works */ });
  }

  toggleForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var open = panel.hidden;
    setOpen(open, toggleForm);
    // On a small screen the panel sits below the conversation: bring it into view.
    if (open) panel.scrollIntoView({ block: "nearest" });
  });
  if (close) {
    close.form.addEventListener("submit", function (event) {
      event.preventDefault();
      setOpen(false, close.form);
      toggle.focus();
    });
  }
})();

(function () {
  "use strict";
  // Below 900px (the stylesheet's breakpoint) the navigation folds behind its
  // Menu button. Without this script the button stays hidden and the
  // navigation open. Escape folds it again and gives focus back to the button.
  var nav = document.querySelector("[data-nav]");
  var toggle = nav && nav.querySelector("[data-nav-toggle]");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) return;
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("nav-open", open);
  }
  nav.classList.add("nav-collapsible");
  toggle.hidden = false;
  setOpen(false);
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    var folding = toggle.offsetParent !== null; // the button shows: a small screen
    if (event.key === "Escape" && folding && nav.classList.contains("nav-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
})();

(function () {
  "use strict";
  // Tag suggestions (issue 18): as an agent types, the field's datalist is
  // filled with the existing tags that start with the last word. Without this
  // script the field still takes any tag.
  var form = document.querySelector("[data-tag-input]");
  var input = form && form.querySelector("input[name=add]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!list || !window.fetch) return;
  var url = form.getAttribute("data-tag-input");
  var asked = "";
  var timer = null;
  function suggest() {
    var words = input.value.split(/[\s,]+/);
    var last = words[words.length - 1];
    if (last === asked) return;
    asked = last;
    fetch(url + "?q=" + encodeURIComponent(last), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
      .then(function (data) {
        if (asked !== last) return; // a later keystroke asked again
        var before = words.slice(0, -1).join(" ");
        list.textContent = "";
        data.tags.forEach(function (tag) {
          var option = document.createElement("option");
          option.value = before ? before + " " + tag : tag;
          list.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are a convenience; typing still works */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
})();

(function () {
  "use strict";
  // The bulk bar's tags field shows only for "Add tags…" and "Remove tags…"
  // (without this script it always shows, and is ignored by other actions).
  var tags = document.querySelector("[data-bulk-tags]");
  var action = tags && tags.form && tags.form.querySelector("select[name=action]");
  if (!action) return;
  function sync() {
    tags.hidden = action.value !== "tag" && action.value !== "untag";
  }
  action.addEventListener("change", sync);
  sync();
})();

(function () {
  "use strict";
  // The reply box's macro picker (issue 18). Choosing a macro fetches its text
  // for this ticket and what else it does, fills the reply (still editable),
  // sets "Submit as" and names the macro in the reply form, so Send applies its
  // actions in the same act. m (outside a text field) or Alt+M focuses the
  // picker; typing a title's first letters picks it. Without this script the
  // picker's own button shows the page again with the reply filled in.
  var picker = document.querySelector("form[data-macro-picker]");
  var select = picker && picker.querySelector("select[name=macro]");
  var reply = document.querySelector("form[data-reply-form]");
  if (!select || !reply || !window.fetch) return;
  var preview = document.querySelector("[data-macro-preview]");
  var list = preview && preview.querySelector("[data-macro-actions]");
  var status = picker.querySelector("[data-macro-status]");
  var body = reply.querySelector("textarea[name=body]");
  var submitAs = reply.querySelector("select[name=submit_as]");
  var chosen = reply.querySelector("input[name=macro]");
  var base = picker.getAttribute("data-macro-picker");
  var ticket = picker.getAttribute("data-ticket");
  var asked = "";

  function textEntry(element) {
    return element.closest && element.closest(
      "textarea, select, [contenteditable], input:not([type=checkbox]):not([type=radio])"
    );
  }
  function show(data) {
    if (!preview || !list) return;
    list.textContent = "";
    var actions = data ? data.actions : [];
    actions.forEach(function (action) {
      var item = document.createElement("li");
      item.textContent = action.label + ": " + action.value;
      list.appendChild(item);
    });
    if (data && !actions.length) {
      var none = document.createElement("li");
      none.textContent = helpdeskText.get(preview, "none", "Nothing else: only the message.");
      list.appendChild(none);
    }
    preview.hidden = !data;
  }
  function pick(id) {
    asked = id;
    if (!id) {
      chosen.value = "";
      show(null);
      return;
    }
    fetch(base + encodeURIComponent(id) + "/preview/?ticket=" + encodeURIComponent(ticket), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (asked !== id) return; // the agent picked another one meanwhile
        body.value = data.body;
        chosen.value = String(data.id);
        if (submitAs) {
          var offered = Array.prototype.some.call(submitAs.options, function (option) {
            return option.value === data.submit_as;
          });
          submitAs.value = offered ? data.submit_as : "";
        }
        show(data);
        if (status) status.textContent = helpdeskText.get(picker, "filled", "Reply filled in from %(title)s.", { title: data.title });
      })
      .catch(function () {
        if (status) status.textContent = helpdeskText.get(picker, "failed", "The macro could not be loaded.");
      });
  }
  select.addEventListener("change", function () { pick(select.value); });
  picker.addEventListener("submit", function (event) {
    event.preventDefault();
    pick(select.value);
    body.focus();
  });
  document.addEventListener("keydown", function (event) {
    var altM = event.altKey && !event.ctrlKey && !event.metaKey && (event.code === "KeyM" || event.key === "m" || event.key === "M");
    var plainM = !event.altKey && !event.ctrlKey && !event.metaKey && event.key === "m" && !textEntry(event.target);
    if (!altM && !plainM) return;
    event.preventDefault();
    select.focus();
  });
})();
