/* Charts (ECharts) and the province map (Leaflet) for the statistics pages and dashboards.
   Data comes from json_script blocks rendered by the server; numbers are shown with Persian digits. */
(function () {
  "use strict";
  var FONT = "Vazirmatn, system-ui, sans-serif";
  var rtl = document.documentElement.dir === "rtl";
  var numberFormat = new Intl.NumberFormat(rtl ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
  var fmt = function (v) { return v === null || v === undefined || v === "" ? "—" : numberFormat.format(v); };
  var COLOURS = ["#c6dbef", "#9ecae1", "#4292c6", "#2171b5", "#08306b"];
  var PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#d53f8c", "#805ad5", "#319795", "#d69e2e", "#e53e3e"];

  function read(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }

  function drawChart(el) {
    var data = read(el);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var base = { textStyle: { fontFamily: FONT }, color: PALETTE, animation: false,
                 tooltip: { trigger: data.kind === "pie" ? "item" : "axis", valueFormatter: fmt, textStyle: { fontFamily: FONT } } };
    if (data.kind === "pie") {
      chart.setOption(Object.assign(base, {
        title: { text: data.title, right: 10, textStyle: { fontFamily: FONT, fontSize: 14 } },
        legend: { type: "scroll", orient: "vertical", left: 10, top: 30, textStyle: { fontFamily: FONT } },
        series: [{ type: "pie", radius: ["0%", "65%"], center: ["60%", "55%"], data: data.data,
                   label: { fontFamily: FONT, formatter: function (p) { return p.name + "\n" + fmt(p.value); } } }]
      }));
    } else {
      chart.setOption(Object.assign(base, {
        legend: { type: "scroll", top: 0, textStyle: { fontFamily: FONT } },
        grid: { left: 20, right: 20, top: 40, bottom: 10, containLabel: true },
        xAxis: { type: "category", data: data.categories, inverse: rtl,
                 axisLabel: { fontFamily: FONT, interval: 0, rotate: data.categories.length > 6 ? 35 : 0 } },
        yAxis: { type: "value", position: rtl ? "right" : "left", axisLabel: { fontFamily: FONT, formatter: fmt } },
        series: data.series.map(function (s) {
          return { name: s.name, type: data.kind === "line" ? "line" : "bar", data: s.data, connectNulls: false };
        })
      }));
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function classOf(value, classes) {
    if (value === null || value === undefined) return -1;
    for (var i = 0; i < classes.length; i++) { if (value <= classes[i].to + 1e-9) return i; }
    return classes.length - 1;
  }

  function drawMap(el) {
    var data = read(el);
    var colours = data.classes.length === 1 ? [COLOURS[3]] : COLOURS;
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!el.dataset.tiles });
    if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 12 }).addTo(map); }
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geojson) {
      var layer = L.geoJSON(geojson, {
        style: function (feature) {
          var uid = feature.properties.uid, value = data.values[uid];
          var index = classOf(value, data.classes);
          return { color: "#555", weight: 1, fillOpacity: index < 0 ? 0.35 : 0.85,
                   fillColor: index < 0 ? "#d9d9d9" : colours[index] };
        },
        onEachFeature: function (feature, lyr) {
          var uid = feature.properties.uid, value = data.values[uid];
          var text = "<strong>" + feature.properties.name + "</strong><br>" +
            (value === undefined ? (el.dataset.nodata || "") : (data.title + ": " + fmt(value)));
          lyr.bindTooltip(text, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      el.dataset.ready = "1";
    });
    if (data.classes.length) {
      var legend = L.control({ position: "bottomleft" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "map-legend");
        var html = "<strong>" + data.title + "</strong><br>";
        data.classes.forEach(function (c, i) {
          html += '<i style="background:' + colours[i] + '"></i>' + fmt(c.from) + " – " + fmt(c.to) + "<br>";
        });
        html += '<i style="background:#d9d9d9"></i>' + (el.dataset.nodata || "") ;
        div.innerHTML = html;
        return div;
      };
      legend.addTo(map);
    }
  }

  function filterList(input) {
    var target = document.querySelector(input.dataset.filterList);
    var needle = input.value.trim().replace(/ي/g, "ی").replace(/ك/g, "ک").toLowerCase();
    target.querySelectorAll("[data-name]").forEach(function (row) {
      var name = row.dataset.name.replace(/ي/g, "ی").replace(/ك/g, "ک").toLowerCase();
      row.style.display = !needle || name.indexOf(needle) >= 0 ? "" : "none";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".viz-chart").forEach(drawChart);
    document.querySelectorAll(".viz-map").forEach(drawMap);
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      input.addEventListener("input", function () { filterList(input); });
    });
  });
})();
