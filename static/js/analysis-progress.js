// Live progress of an analysis run: polls the run's progress.json and updates the <progress> bar and its
// text. Without JavaScript the page shows the same figures and a "Refresh" link.
const POLL_MS = 1500;

function update(root, data) {
  const bar = root.querySelector("progress");
  bar.value = data.progress;
  bar.textContent = `${data.progress}%`;
  root.querySelector("[data-progress-figure]").textContent = `${data.progress}%`;
  const state = root.querySelector("[data-progress-state]");
  state.textContent = data.state_label;
  state.className = "govuk-tag " + ({ done: "govuk-tag--green", failed: "govuk-tag--red",
    cancelled: "govuk-tag--grey" }[data.state] || "govuk-tag--blue");
  let step = root.querySelector("[data-progress-step]");
  if (!step && data.step) {
    step = document.createElement("span");
    step.setAttribute("data-progress-step", "");
    root.querySelector("[data-progress-text]").append(" · ", step);
  }
  if (step) step.textContent = data.error ? `${data.step}: ${data.error}` : data.step;
  root.querySelector("[data-progress-done]").hidden = !data.done;
}

function watch(root) {
  const url = root.dataset.progressUrl;
  const refresh = root.querySelector("[data-progress-refresh]");
  if (refresh) refresh.hidden = true;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      update(root, data);
      if (data.active) setTimeout(tick, POLL_MS);
      // The run has ended: load the page again so its details, timings and buttons (run again instead
      // of cancel) are the server's, as they would be without JavaScript.
      else setTimeout(() => window.location.reload(), POLL_MS);
    } catch (error) {
      if (refresh) refresh.hidden = false; // fall back to the no-JavaScript link
    }
  };
  if (root.querySelector("[data-progress-refresh]")) tick();
}

document.querySelectorAll('[data-module="analysis-progress"]').forEach(watch);
