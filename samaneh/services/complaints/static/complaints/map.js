/* Complaint maps. Every element with data-complaint-map becomes a Leaflet map showing Iran's outline
   (there is no tile server offline; a tile URL, when the deployment sets MAP_TILE_URL, is drawn under it).
   Both come from the element's data-config URL. data-editable: a click drops (or moves) the pin and
   writes the point into the form's hidden inputs. */
(function () {
  "use strict";
  var persian = document.documentElement.lang === "fa";
  var configs = {};

  function config(url) {
    if (!configs[url]) { configs[url] = fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }); }
    return configs[url];
  }

  function show(number) {
    return persian ? Number(number).toLocaleString("fa-IR", { maximumFractionDigits: 6, useGrouping: false })
                   : Number(number).toFixed(6);
  }

  document.querySelectorAll("[data-complaint-map]").forEach(function (el) {
    config(el.dataset.config).then(function (settings) { draw(el, settings.outline, settings.tile_url); });
  });

  function draw(el, outline, tileUrl) {
    var editable = el.dataset.editable === "1";
    var latInput = editable ? document.getElementById(el.dataset.latInput) : null;
    var lngInput = editable ? document.getElementById(el.dataset.lngInput) : null;
    var readout = el.dataset.readout ? document.getElementById(el.dataset.readout) : null;
    var clearButton = el.dataset.clear ? document.getElementById(el.dataset.clear) : null;

    var map = L.map(el, { attributionControl: Boolean(tileUrl) });
    if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
    var country = L.polygon(outline, { color: "#0d6efd", weight: 1, fillColor: "#ffffff", fillOpacity: 0.7 }).addTo(map);
    var marker = null;

    function writeReadout(latlng) {
      if (!readout) { return; }
      readout.textContent = latlng ? show(latlng.lat) + "، " + show(latlng.lng) : readout.dataset.empty;
    }

    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); }
      else {
        marker = L.marker(latlng, { draggable: editable, keyboard: editable }).addTo(map);
        if (editable) { marker.on("dragend", function () { place(marker.getLatLng()); }); }
      }
      if (latInput) { latInput.value = latlng.lat.toFixed(6); lngInput.value = latlng.lng.toFixed(6); }
      writeReadout(latlng);
      if (clearButton) { clearButton.hidden = false; }
    }

    var lat = parseFloat(latInput ? latInput.value : el.dataset.lat);
    var lng = parseFloat(lngInput ? lngInput.value : el.dataset.lng);
    var hasPoint = !isNaN(lat) && !isNaN(lng);
    // Without tiles a close-up is an empty sheet: show the whole country, where the pin still tells the region.
    if (hasPoint && tileUrl) { map.setView([lat, lng], 16); } else { map.fitBounds(country.getBounds()); }
    if (hasPoint) { place(L.latLng(lat, lng)); } else { writeReadout(null); }

    if (editable) {
      map.on("click", function (event) { place(event.latlng); });
      if (clearButton) {
        clearButton.addEventListener("click", function () {
          if (marker) { map.removeLayer(marker); marker = null; }
          latInput.value = ""; lngInput.value = "";
          writeReadout(null);
          clearButton.hidden = true;
        });
      }
    }
  }
})();
