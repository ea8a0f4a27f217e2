/* The rules page: "most approvals on one ballot" follows "projects to elect" while it
   equals the number of projects to elect (or is blank), and the page says so. The server
   does the same when the form is sent; this only shows it before. No libraries. */
(function () {
  "use strict";

  var seats = document.querySelector("input[name=seats]");
  var most = document.querySelector("input[name=max_approvals]");
  var note = document.getElementById("rules-note");
  if (!seats || !most) {
    return;
  }
  var previous = seats.value;

  seats.addEventListener("input", function () {
    var now = seats.value;
    var n = parseInt(now, 10);
    if (most.value !== "" && most.value === previous && n >= 1) {
      most.value = String(n);
      if (note) {
        note.textContent = note.getAttribute("data-msg-followed").replace("%(n)d", String(n));
      }
    }
    previous = now;
  });
})();
