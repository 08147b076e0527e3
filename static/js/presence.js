// Collision warnings on the agent's ticket page (issue 18). While the tab is
// visible the page tells the server every few seconds that this agent is
// here (and whether they are typing a reply), and shows who else is and what
// others added since the page was loaded. Leaving the page says so at once.
// Without this script the page still names who was there when it loaded, and
// the server still asks before sending a reply written over a newer message.
(function () {
  "use strict";
  var root = document.querySelector("[data-presence]");
  if (!root) return;
  var url = root.getAttribute("data-presence");
  var seen = root.getAttribute("data-seen") || "0";
  var pollMs = (parseInt(root.getAttribute("data-poll"), 10) || 10) * 1000;
  var draftKey = "helpdesk-draft-" + root.getAttribute("data-ticket");
  var list = root.querySelector("[data-presence-list]");
  var added = root.querySelector("[data-presence-added]");
  var addedList = root.querySelector("[data-presence-added-list]");
  var reload = root.querySelector("[data-presence-reload]");
  var tokenInput = document.querySelector('input[name="csrfmiddlewaretoken"]');
  var body = document.getElementById("id_body");
  var timer = null;
  var lastTyping = 0;
  var shownOthers = null;
  var shownAdded = "";

  function form(state) {
    var data = new FormData();
    if (tokenInput) data.set("csrfmiddlewaretoken", tokenInput.value);
    data.set("state", state);
    data.set("seen", seen);
    data.set("page", root.getAttribute("data-page") || "");
    return data;
  }

  function showOthers(others) {
    var key = others.map(function (person) { return person.text; }).join("\n");
    if (key === shownOthers) return; // unchanged: nothing new to announce
    shownOthers = key;
    list.textContent = "";
    others.forEach(function (person) {
      var item = document.createElement("li");
      if (person.state === "typing") item.className = "typing";
      item.textContent = person.text;
      list.appendChild(item);
    });
  }

  function showAdded(messages, more) {
    var key = messages.map(function (message) { return message.id; }).join(",") + (more ? "+" : "");
    if (key === shownAdded) return;
    shownAdded = key;
    addedList.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      var label = document.createElement("strong");
      label.textContent = message.label;
      var when = document.createElement("time");
      when.dateTime = message.created_at;
      when.textContent = new Date(message.created_at).toLocaleTimeString(
        document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      var quote = document.createElement("blockquote");
      quote.textContent = message.excerpt;
      item.appendChild(label);
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(when);
      item.appendChild(quote);
      addedList.appendChild(item);
    });
    if (more) {
      var rest = document.createElement("li");
      rest.textContent = added.querySelector("h2").getAttribute("data-i18n-more");
      addedList.appendChild(rest);
    }
    added.hidden = messages.length === 0;
  }

  function beat(state) {
    return fetch(url, {
      method: "POST",
      body: form(state),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 429) return null;
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (answer) {
      if (!answer) return;
      showOthers(answer.others || []);
      showAdded(answer.added || [], answer.added_more);
    }).catch(function () { /* the next beat tries again */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = null;
    if (document.visibilityState !== "visible") return;
    timer = window.setTimeout(function () {
      beat("viewing").then(schedule);
    }, pollMs);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") beat("viewing").then(schedule);
    else schedule(); // stops polling; the entry lapses on the server by itself
  });

  if (body) {
    // A draft kept across "Show the ticket again" (sessionStorage: this tab only).
    var kept = null;
    try { kept = window.sessionStorage.getItem(draftKey); } catch (error) { kept = null; }
    if (kept !== null) {
      try { window.sessionStorage.removeItem(draftKey); } catch (error) { /* private mode */ }
      if (!body.value && kept) {
        body.value = kept;
        // What the page does when one types: Send is ready (forms.js).
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    body.addEventListener("input", function () {
      // At most one "typing" every few seconds, however fast the keys.
      var now = Date.now();
      if (now - lastTyping < 4000) return;
      lastTyping = now;
      beat("typing");
    });
    if (reload) {
      reload.addEventListener("click", function () {
        try { window.sessionStorage.setItem(draftKey, body.value); } catch (error) { /* not kept */ }
      });
    }
  }

  window.addEventListener("pagehide", function () {
    window.clearTimeout(timer);
    if (navigator.sendBeacon) navigator.sendBeacon(url, form("gone"));
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) beat("viewing").then(schedule); // back from the page cache
  });

  beat("viewing").then(schedule);
})();
