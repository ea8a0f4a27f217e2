/* The exports page: each unfinished job's row polls its status until the workbook is
   ready, then shows the download link. The link's label is the table's
   data-download-label. */
(function () {
  "use strict";
  var table = document.querySelector("[data-download-label]");
  if (!table) { return; }
  var downloadLabel = table.getAttribute("data-download-label");
  function poll(row) {
    var url = row.getAttribute("data-job");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
      row.querySelector("progress").value = job.progress;
      row.querySelector(".job-status").textContent = job.status_display;
      if (job.download) {
        var cell = row.querySelector(".job-file");
        cell.textContent = "";
        var a = document.createElement("a");
        a.className = "btn"; a.href = job.download; a.textContent = downloadLabel;
        cell.appendChild(a);
      } else if (job.status !== "failed") {
        setTimeout(function () { poll(row); }, 1500);
      } else {
        row.querySelector(".job-status").textContent = job.status_display + " " + job.error;
      }
    }).catch(function () { setTimeout(function () { poll(row); }, 5000); });
  }
  document.querySelectorAll("tr[data-job]").forEach(function (row) {
    if (row.getAttribute("data-job")) { poll(row); }
  });
})();
