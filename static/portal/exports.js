// The export progress page: poll the export's status until it is done or failed, then show the link.
(function () {
  "use strict";
  var box = document.querySelector("[data-export]");
  if (!box) return;
  var bar = box.querySelector("[data-export-bar]");
  var progress = box.querySelector(".progress");
  var statusText = box.querySelector("[data-export-status]");
  var rows = box.querySelector("[data-export-rows]");
  var error = box.querySelector("[data-export-error]");
  var done = box.querySelector("[data-export-done]");
  var link = box.querySelector("[data-export-link]");

  function show(data) {
    bar.style.width = data.progress + "%";
    bar.textContent = data.progress + "%";
    progress.setAttribute("aria-valuenow", data.progress);
    statusText.textContent = data.status_display;
    box.dataset.status = data.status;
    if (data.rows) rows.textContent = "共 " + data.rows + " 行";
    error.textContent = data.error || "";
    if (data.download_url) {
      link.href = data.download_url;
      done.hidden = false;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "pending" || data.status === "running") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  if (box.dataset.status === "pending" || box.dataset.status === "running") poll();
})();
