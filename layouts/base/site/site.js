// The web edition's list (visitor/site.py): filters by ecosystem, region and name, and one .vcf
// of the ticked clusters' contacts made here in the browser. Without JavaScript the list is a
// plain list. Nothing is sent anywhere, nothing is stored.
(function () {
  "use strict";
  var list = document.querySelector(".cluster-list");
  var form = document.querySelector(".filters");
  if (!list || !form) return;
  var items = Array.prototype.slice.call(list.querySelectorAll(".cluster-item"));
  var search = document.getElementById("search");
  var ecosystem = document.getElementById("ecosystem");
  var region = document.getElementById("region");
  var count = form.querySelector(".filter-count");
  var words = JSON.parse(document.getElementById("words").textContent);
  var vcards = JSON.parse(document.getElementById("vcards").textContent);

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  items.forEach(function (item) { item.dataset.folded = fold(item.dataset.names); });

  function filter() {
    var wanted = fold(search.value.trim());
    var shown = 0;
    items.forEach(function (item) {
      var visible = (!wanted || item.dataset.folded.indexOf(wanted) >= 0) &&
        (!ecosystem.value || item.dataset.ecosystems.split(" ").indexOf(ecosystem.value) >= 0) &&
        (!region.value || item.dataset.region === region.value);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    count.textContent = words.shown.replace("{shown}", shown).replace("{total}", items.length);
  }

  var download = document.getElementById("download");
  var picked = document.getElementById("picked");
  var url = null;
  function chosen() {
    return items.filter(function (item) {
      var box = item.querySelector(".pick");
      return box && box.checked;
    }).map(function (item) { return item.dataset.id; });
  }
  function combined() {
    return chosen().map(function (id) { return vcards[id] || ""; }).join("");
  }
  function update() {
    if (url) URL.revokeObjectURL(url);
    var text = combined();
    url = text ? URL.createObjectURL(new Blob([text], { type: "text/vcard;charset=utf-8" })) : null;
    if (url) download.href = url; else download.removeAttribute("href");
    download.setAttribute("aria-disabled", text ? "false" : "true");
    picked.textContent = words.picked.replace("{count}", chosen().length);
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  [search, ecosystem, region].forEach(function (field) {
    field.addEventListener("input", filter);
    field.addEventListener("change", filter);
  });
  var boxes = list.querySelectorAll(".pick");
  Array.prototype.forEach.call(boxes, function (box) {
    box.hidden = false;
    box.addEventListener("change", update);
  });
  if (boxes.length) {  // a cluster with contacts: the download is offered
    download.parentNode.hidden = false;
    document.querySelector(".pick-hint").hidden = false;
  }
  filter();
  update();
  window.klastroviny = { combinedVcard: combined, chosen: chosen };
})();
