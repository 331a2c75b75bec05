// Print pages without inline handlers (the Content-Security-Policy allows no inline script):
// a button with data-print prints; a page whose body has data-autoprint prints once it has loaded.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  if (document.body.hasAttribute("data-autoprint")) { window.addEventListener("load", function () { window.print(); }); }
});
