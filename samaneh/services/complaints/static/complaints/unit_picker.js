/* The place picker: search cities and villages through the public org-units API and keep the chosen
   unit's id in the form's hidden field; the chosen unit is shown with its county and province so two
   villages of the same name cannot be confused. */
(function () {
  "use strict";
  var input = document.getElementById("unit-search");
  if (!input) { return; }
  var api = input.dataset.api;
  var hidden = document.getElementById(input.dataset.target);
  var results = document.getElementById("unit-results");
  var chosen = document.getElementById("unit-chosen");
  var kindLabels = JSON.parse(document.getElementById("unit-kind-labels").textContent);
  var timer = null;
  var sequence = 0;

  function fetchKind(query, kind) {
    var url = api + "?search=" + encodeURIComponent(query) + "&kind=" + kind + "&page_size=10";
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { return data.results || []; });
  }

  function option(text, onChoose) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "list-group-item list-group-item-action";
    button.textContent = text;
    if (onChoose) { button.addEventListener("click", onChoose); } else { button.disabled = true; }
    return button;
  }

  function describe(unit, breadcrumb) {
    var above = breadcrumb.filter(function (b) { return b.kind !== "country" && b.id !== unit.id; })
      .reverse().map(function (b) { return kindLabels[b.kind] + " " + b.name; });
    return kindLabels[unit.kind] + " " + unit.name + (above.length ? " — " + above.join("، ") : "");
  }

  function choose(unit) {
    hidden.value = unit.id;
    results.replaceChildren();
    input.value = "";
    chosen.textContent = kindLabels[unit.kind] + " " + unit.name;
    chosen.hidden = false;
    fetch(api + unit.id + "/", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (detail) { if (detail) { chosen.textContent = describe(unit, detail.breadcrumb || []); } });
  }

  function search() {
    var query = input.value.trim();
    var mine = ++sequence;
    if (query.length < 2) { results.replaceChildren(); return; }
    Promise.all([fetchKind(query, "city"), fetchKind(query, "village")]).then(function (lists) {
      if (mine !== sequence) { return; }
      var units = lists[0].concat(lists[1]);
      results.replaceChildren();
      if (!units.length) { results.append(option(input.dataset.emptyText, null)); return; }
      units.forEach(function (unit) {
        results.append(option(kindLabels[unit.kind] + " " + unit.name, function () { choose(unit); }));
      });
    });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
  input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
})();
