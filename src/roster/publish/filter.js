// Filters the rows of every table.filterable as the reader types; the page works without it.
(function () {
  var input = document.getElementById("filter");
  if (!input) return;
  input.hidden = false;
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    document.querySelectorAll("table.filterable tbody tr").forEach(function (row) {
      row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
})();
