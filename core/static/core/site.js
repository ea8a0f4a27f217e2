/* Behaviour shared by every page, without inline scripts or handlers (the content
   security policy allows scripts from our static files only):
   - a <select data-autosubmit> sends its form when changed;
   - a <button data-action="print"> prints the page. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-action='print']") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
