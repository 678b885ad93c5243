// Workshop form: filters the list of enterprises as one types (the list works without it).
// Checked enterprises always stay in view.
(function () {
  var box = document.querySelector("[data-participant-search]");
  var list = document.querySelector("[data-participant-list]");
  if (!box || !list) return;
  var input = box.querySelector("input");
  var count = box.querySelector("[data-participant-count]");
  var rows = Array.prototype.slice.call(list.querySelectorAll("[data-name]"));
  box.hidden = false;
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function filter() {
    var term = normalise(input.value.trim());
    var shown = 0;
    rows.forEach(function (row) {
      var checked = row.querySelector("input[type=checkbox]").checked;
      var match = !term || normalise(row.getAttribute("data-name")).indexOf(term) !== -1;
      row.hidden = !(match || checked);
      if (!row.hidden) shown += 1;
    });
    count.textContent = term ? shown + " entreprise(s) affichée(s)" : "";
  }
  input.addEventListener("input", filter);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // Enter searches, never submits
  });
})();
