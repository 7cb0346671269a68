// Small progressive enhancements: charts on the dashboard, toasts that fade, focus after swaps.
(function () {
  "use strict";

  var palette = ["#2563eb", "#0d9488", "#f59e0b", "#dc2626", "#7c3aed", "#64748b"];

  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var series = data[canvas.dataset.chart];
      if (!series) return;
      var kind = canvas.dataset.kind || "bar";
      new window.Chart(canvas, {
        type: kind,
        data: {
          labels: series.labels,
          datasets: [{
            data: series.values,
            backgroundColor: kind === "doughnut" ? ["#0d9488", "#dc2626"] : palette[0],
            borderRadius: kind === "bar" ? 6 : 0,
            maxBarThickness: 42
          }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: kind === "doughnut", position: "bottom" } },
          scales: kind === "doughnut" ? {} : {
            y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#eef2f7" } },
            x: { grid: { display: false } }
          }
        }
      });
    });
  }

  function fadeToasts() {
    document.querySelectorAll("#toasts .toast").forEach(function (toast) {
      setTimeout(function () { toast.classList.add("hide"); }, 4000);
      setTimeout(function () { toast.remove(); }, 4600);
    });
  }

  // A page that waits for changes (a long poll) must not reload itself while the reader is
  // sending a form: the change it would see is the one the form is making.
  var sending = false;
  document.addEventListener("submit", function () { sending = true; });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (sending && event.detail.elt.hasAttribute("data-poll")) event.preventDefault();
  });
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (sending && event.detail.elt.hasAttribute("data-poll")) event.preventDefault();
  });

  // The user's time zone: the browser knows it; the server formats times in it from then on.
  function rememberTimeZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || document.cookie.indexOf("b2b_tz=") !== -1) return;
    document.cookie = "b2b_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  }

  // Development log-in page: a demo account's button fills the form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".demo-fill");
    if (!button) return;
    document.getElementById("username").value = button.dataset.username;
    document.getElementById("password").value = button.dataset.password;
    document.getElementById("password").focus();
  });

  document.addEventListener("DOMContentLoaded", rememberTimeZone);
  document.addEventListener("DOMContentLoaded", drawCharts);
  document.addEventListener("htmx:afterSwap", fadeToasts);
  // A page that polls for changes refreshes itself; keep the reader's scroll position.
  window.addEventListener("beforeunload", function () {
    sessionStorage.setItem("scroll:" + location.pathname, String(window.scrollY));
  });
  document.addEventListener("DOMContentLoaded", function () {
    var nav = performance.getEntriesByType("navigation")[0];
    var y = sessionStorage.getItem("scroll:" + location.pathname);
    if (y && nav && nav.type === "reload") window.scrollTo(0, parseInt(y, 10));
  });
})();
