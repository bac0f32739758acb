/* Landfill maps. No tile server is reachable offline: province boundaries come from shipped GeoJSON
   (data-boundaries) and a tile layer is drawn only when the deployment sets MAP_TILE_URL (data-tiles).

   [data-landfill-map]   the registry map: sites (data-sites, GeoJSON) in marker clusters with popups.
   [data-landfill-pick]  a form map: a click drops (or moves) the pin and writes the point into the inputs
                         named by data-lat-input / data-lng-input; typing in them moves the pin. */
(function () {
  "use strict";
  var persian = document.documentElement.lang === "fa";
  var IRAN = [[25.0, 44.0], [39.8, 63.4]];

  function number(value, digits) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString(persian ? "fa-IR" : "en-US", { maximumFractionDigits: digits || 0 });
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text === null || text === undefined ? "" : String(text);
    return div.innerHTML;
  }

  function baseMap(el) {
    var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles), preferCanvas: true, minZoom: 4, maxZoom: 18 });
    if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    map.fitBounds(IRAN);
    el.landfillMap = map;  // for the page's own scripts and browser tests: where a point is on screen
    var drawn = el.dataset.boundaries
      ? fetch(el.dataset.boundaries, { headers: { Accept: "application/geo+json, application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) { return null; }
            var layer = L.geoJSON(data, {
              style: { color: "#6c757d", weight: 1, fillColor: "#ffffff", fillOpacity: el.dataset.tiles ? 0 : 0.8 },
              interactive: false,
            }).addTo(map);
            el.dataset.provinces = String(layer.getLayers().length);
            return layer;
          })
          .catch(function () { return null; })
      : Promise.resolve(null);
    return { map: map, drawn: drawn };
  }

  var KIND_COLORS = { open_dump: "#dc3545", sanitary_landfill: "#198754", transfer_station: "#0d6efd", regional_landfill: "#6f42c1" };

  function popup(p, detailBase) {
    return "<div dir='rtl'><strong><a href='" + detailBase.replace("0", p.id) + "'>" + escape(p.name) + "</a></strong><br>" +
      escape(p.kind_label) + " · " + escape(p.status_label) + "<br>" +
      escape(p.unit) + "<br>" +
      escape(el_label("design")) + " " + number(p.design_t) + " · " + escape(el_label("remaining")) + " " + number(p.remaining_t) + "<br>" +
      escape(p.review_label) + (p.sensitive ? " · <span class='text-danger'>" + escape(el_label("sensitive")) + "</span>" : "") + "</div>";
  }

  var labels = {};
  function el_label(key) { return labels[key] || key; }

  document.querySelectorAll("[data-landfill-map]").forEach(function (el) {
    labels = { design: el.dataset.labelDesign, remaining: el.dataset.labelRemaining, sensitive: el.dataset.labelSensitive };
    var base = baseMap(el);
    var count = el.dataset.count ? document.getElementById(el.dataset.count) : null;
    fetch(el.dataset.sites, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var clusters = L.markerClusterGroup({
          showCoverageOnHover: false, maxClusterRadius: 45,
          iconCreateFunction: function (cluster) {
            // The plugin's own icon, with the count in the reader's digits.
            var count = cluster.getChildCount();
            var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
            return L.divIcon({
              html: "<div><span>" + number(count) + "</span></div>",
              className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40),
            });
          },
        });
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            return L.circleMarker(latlng, {
              radius: p.kind === "regional_landfill" ? 9 : 6, color: p.sensitive ? "#000" : "#fff", weight: p.sensitive ? 2 : 1,
              fillColor: KIND_COLORS[p.kind] || "#333", fillOpacity: 0.9,
            });
          },
          onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature.properties, el.dataset.detail)); },
        });
        clusters.addLayer(layer);
        clusters.addTo(base.map);
        if (count) { count.textContent = number(data.features.length); }
        if (data.features.length) { base.map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 10 }); }
        el.dataset.ready = "1";
      });
  });

  document.querySelectorAll("[data-landfill-pick]").forEach(function (el) {
    var base = baseMap(el);
    var map = base.map;
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.lngInput);
    var marker = null;

    function toAscii(text) {
      return String(text || "").replace(/[۰-۹]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹".indexOf(d); })
        .replace(/[٠-٩]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩".indexOf(d); }).replace("٫", ".");
    }

    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); }
      else {
        marker = L.marker(latlng, { draggable: true }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      }
    }

    function write(latlng) {
      latInput.value = latlng.lat.toFixed(5);
      lngInput.value = latlng.lng.toFixed(5);
    }

    function fromInputs() {
      var lat = parseFloat(toAscii(latInput.value));
      var lng = parseFloat(toAscii(lngInput.value));
      return isNaN(lat) || isNaN(lng) ? null : L.latLng(lat, lng);
    }

    var start = fromInputs();
    if (start) { place(start); map.setView(start, 8); }
    map.on("click", function (event) { place(event.latlng); write(event.latlng); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("change", function () { var p = fromInputs(); if (p) { place(p); map.panTo(p); } });
    });
    el.dataset.ready = "1";
  });
})();
