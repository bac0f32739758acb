/* Planner maps. No tile server offline: the scenario's province outline comes from the page (json_script
   "plan-boundaries"); tiles only when MAP_TILE_URL is set (data-tiles).
   data-mode="edit":   existing sites and candidates; a click writes the point into the candidate inputs.
   data-mode="result": sites coloured by outcome and a line from each village to the site that serves it. */
(function () {
  "use strict";
  var el = document.querySelector("[data-plan-map]");
  if (!el || !window.L) { return; }
  var data = JSON.parse(document.getElementById("plan-data").textContent || "{}");
  var outline = JSON.parse(document.getElementById("plan-boundaries").textContent || "null");
  var persian = document.documentElement.lang === "fa";
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles), preferCanvas: true, minZoom: 4, maxZoom: 18, zoomSnap: 0.25 });
  el.planMap = map;
  map.fitBounds([[25.0, 44.0], [39.8, 63.4]]);  // a view first: canvas layers cannot be added without one
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
  var bounds = L.latLngBounds([]);
  if (outline && outline.features && outline.features.length) {
    var layer = L.geoJSON(outline, { style: { color: "#6c757d", weight: 1.5, fillColor: "#ffffff", fillOpacity: el.dataset.tiles ? 0 : 0.85 }, interactive: false }).addTo(map);
    bounds.extend(layer.getBounds());
  }
  function escape(text) { var d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; }
  function num(v) { return Number(v).toLocaleString(persian ? "fa-IR" : "en-US", { maximumFractionDigits: 0 }); }
  var COLORS = { keep: "#198754", may_stay: "#198754", close: "#dc3545", open: "#6f42c1", unused: "#adb5bd", candidate: "#6f42c1" };

  function site(s, action, radius) {
    var marker = L.circleMarker([s.lat, s.lon], { radius: radius, color: "#212529", weight: 1.5, fillColor: COLORS[action] || "#0d6efd", fillOpacity: 0.95 })
      .bindPopup("<div dir='rtl'><strong>" + escape(s.name) + "</strong><br>" + escape(s.code) +
        (s.load !== undefined ? "<br>" + num(s.load) + " / " + num(s.capacity) : "") + "</div>");
    bounds.extend(marker.getLatLng());
    return marker;
  }

  if (el.dataset.mode === "result") {
    var byCode = {};
    (data.sites || []).forEach(function (s) { byCode[s.code] = s; });
    var lines = L.layerGroup().addTo(map);
    (data.assignments || []).forEach(function (a) {
      var s = byCode[a.site];
      if (!s) { return; }
      L.polyline([[a.lat, a.lon], [s.lat, s.lon]], { color: COLORS[s.action] || "#0d6efd", weight: 1, opacity: 0.45, interactive: false }).addTo(lines);
      bounds.extend([a.lat, a.lon]);
    });
    var seen = {};
    (data.assignments || []).forEach(function (a) {
      if (seen[a.village]) { return; }
      seen[a.village] = true;
      L.circleMarker([a.lat, a.lon], { radius: 2.5, stroke: false, fillColor: "#0d6efd", fillOpacity: 0.8 })
        .bindTooltip(escape(a.name)).addTo(map);
    });
    var order = { unused: 0, close: 1, keep: 2, open: 3 };
    (data.sites || []).slice().sort(function (a, b) { return order[a.action] - order[b.action]; })
      .forEach(function (s) { site(s, s.action, s.action === "open" ? 9 : 7).addTo(map); });
    el.dataset.lines = String((data.assignments || []).length);
    el.dataset.sites = String((data.sites || []).length);
  } else {
    (data.sites || []).forEach(function (s) { site(s, s.action, 6).addTo(map); });
    (data.candidates || []).forEach(function (c) { site(c, "candidate", 8).addTo(map); });
    var pin = null;
    var lat = document.getElementById(el.dataset.latInput), lng = document.getElementById(el.dataset.lngInput);
    map.on("click", function (e) {
      if (!lat || !lng) { return; }
      lat.value = e.latlng.lat.toFixed(5);
      lng.value = e.latlng.lng.toFixed(5);
      if (pin) { pin.setLatLng(e.latlng); } else { pin = L.marker(e.latlng).addTo(map); }
    });
  }
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.05)); }
  el.dataset.ready = "1";
})();
