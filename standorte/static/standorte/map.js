/* Draw the Ortsteil polygons with Leaflet. Everything comes from the page's JSON data island
   (the element named by the map's data-source): the features with their fill colour, the
   sources for the attribution and, only when the site configures one, a tile layer. */
(function () {
  "use strict";
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function draw(container) {
    var data = JSON.parse(document.getElementById(container.dataset.source).textContent);
    if (!data || !data.features || !data.features.features.length) { return; }
    var map = L.map(container, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    if (data.tiles && data.tiles.url) {
      L.tileLayer(data.tiles.url, { maxZoom: 19, attribution: escapeHtml(data.tiles.attribution) }).addTo(map);
    }
    (data.attribution || []).forEach(function (text) {
      map.attributionControl.addAttribution(escapeHtml(text));
    });
    var layer = L.geoJSON(data.features, {
      style: function (f) {
        return { color: "#1b1b1b", weight: 1.5, fillOpacity: 0.85, fillColor: f.properties.fill };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var label = p.name + (p.value !== null ? ": " + p.value : "");
        l.bindTooltip(escapeHtml(label), { permanent: true, direction: "center", className: "area-map-label" });
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
