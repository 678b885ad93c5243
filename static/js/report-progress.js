// Polls the report's status and moves the progress bar; reloads when it is finished.
(function () {
  var box = document.querySelector("[data-report-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var step = box.querySelector("[data-step]");
  function poll() {
    fetch(box.getAttribute("data-report-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        step.textContent = data.step || "en file d'attente";
        if (data.status === "queued" || data.status === "running") {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
