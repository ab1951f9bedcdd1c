/* Draw Ortsteil polygons with Leaflet on a plain background (no tile server). */
(function () {
  "use strict";
  var shades = ["#d6e4f0", "#a9c6e0", "#6f9cc7", "#3b70a6", "#0b4f8a"];
  function shade(value, min, max) {
    if (value === null || value === undefined) { return "#ffffff"; }
    if (max === min) { return shades[2]; }
    var step = Math.min(shades.length - 1, Math.floor(((value - min) / (max - min)) * shades.length));
    return shades[step];
  }
  function draw(container) {
    var data = JSON.parse(document.getElementById(container.dataset.source).textContent);
    if (!data || !data.features || !data.features.length) { return; }
    var values = data.features.map(function (f) { return f.properties.index; })
      .filter(function (v) { return v !== null; });
    var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
    var map = L.map(container, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(container.dataset.attribution);
    var layer = L.geoJSON(data, {
      style: function (f) {
        return { color: "#1b1b1b", weight: 1.5, fillOpacity: 0.85, fillColor: shade(f.properties.index, min, max) };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var label = p.name + (p.index !== null ? ": " + String(p.index).replace(".", ",") : "");
        l.bindTooltip(label, { permanent: true, direction: "center", className: "area-map-label" });
        if (p.url) { l.on("click", function () { window.location.href = p.url; }); }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".area-map").forEach(draw);
  });
})();
