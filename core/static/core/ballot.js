/* The ballot page's checks before it submits: at most `max_approvals` "for" marks, and
   (when the rules say so) at least one "for" in every category on the slate. The server
   checks again; this only spares the deputy a refused ballot. No libraries. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-ballot]");
  if (!form) {
    return;
  }
  var max = parseInt(form.getAttribute("data-max-approvals") || "0", 10) || 0;
  var perCategory = form.getAttribute("data-min-per-category") === "1";
  var counter = document.getElementById("ballot-count");
  var problem = document.getElementById("ballot-problem");
  var submit = form.querySelector("button[type=submit]");

  function approvals() {
    return form.querySelectorAll("input[data-mark=yes]:checked");
  }

  function missingCategories(approved) {
    var covered = {};
    var missing = [];
    var i;
    for (i = 0; i < approved.length; i++) {
      var item = approved[i].closest("[data-category]");
      if (item) {
        covered[item.getAttribute("data-category")] = true;
      }
    }
    var items = form.querySelectorAll("[data-category]");
    for (i = 0; i < items.length; i++) {
      var code = items[i].getAttribute("data-category");
      var name = items[i].getAttribute("data-category-name");
      if (!covered[code] && missing.indexOf(name) === -1) {
        missing.push(name);
      }
    }
    return missing;
  }

  function problems(onSubmit) {
    var approved = approvals();
    var found = [];
    if (max && approved.length > max) {
      found.push(
        form
          .getAttribute("data-msg-too-many")
          .replace("{max}", String(max))
          .replace("{count}", String(approved.length))
      );
    }
    if (perCategory && onSubmit) {
      var missing = missingCategories(approved);
      if (missing.length) {
        found.push(form.getAttribute("data-msg-category").replace("{categories}", missing.join("、")));
      }
    }
    return found;
  }

  function show(found) {
    if (counter) {
      counter.textContent = String(approvals().length);
    }
    if (problem) {
      problem.textContent = found.join(" ");
      problem.hidden = found.length === 0;
    }
    if (submit) {
      submit.disabled = max > 0 && approvals().length > max;
    }
  }

  form.addEventListener("change", function () {
    show(problems(false));
  });
  form.addEventListener("submit", function (event) {
    var found = problems(true);
    show(found);
    if (found.length) {
      event.preventDefault();
      if (problem) {
        problem.focus();
      }
    }
  });
  show(problems(false));
})();
