// Upload a video with progress, then poll the analysis job until it is done.
import { csrfToken, escapeHtml, showError } from "./api.js";

const form = document.getElementById("upload-form");
const error = document.getElementById("upload-error");
const progressBox = document.getElementById("upload-progress");
const bar = document.getElementById("progress-bar");
const label = document.getElementById("progress-label");
const result = document.getElementById("upload-result");

function upload(data) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/analyses");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error(typeof body.detail === "string" ? body.detail : `The upload failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error("The upload failed. Is spinecoach still running?"));
    xhr.send(data);
  });
}

async function poll(jobId) {
  for (;;) {
    const response = await fetch(`/api/analyses/${jobId}`);
    const job = await response.json();
    bar.value = 100 * job.progress;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function fmt(s) { return Number(s).toFixed(1); }

function showReport(report) {
  const holds = (report.holds || []).map((h) => `${fmt(h.duration_s)} s`).join(", ") || "none";
  const faults = (report.faults || []).map((f) =>
    `<li>${fmt(f.start_s)}–${f.end_s == null ? "end" : fmt(f.end_s)} s: ${escapeHtml(f.message || f.code)}</li>`).join("");
  const stopped = report.stopped ? `<p class="notice stop">A stop rule fired at ${fmt(report.stopped.at_s)} s (${escapeHtml(report.stopped.code.replaceAll("_", " "))}).</p>` : "";
  result.innerHTML = `<h2>Result</h2>${stopped}
    <p><strong>${report.reps ?? 0}</strong> repetitions${report.reps_by_side ? ` (left ${report.reps_by_side.left ?? 0}, right ${report.reps_by_side.right ?? 0})` : ""}.</p>
    <p>Good-form holds: ${holds}${report.hold_good_form_s != null ? ` (total ${fmt(report.hold_good_form_s)} s)` : ""}.</p>
    ${faults ? `<h3>Things to watch</h3><ul>${faults}</ul>` : "<p>No form faults found.</p>"}`;
  result.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(error, "");
  result.hidden = true;
  const file = form.elements.video.files[0];
  if (!file) { showError(error, "Please choose a video file."); return; }
  const maxMb = Number(form.dataset.maxMb);
  if (maxMb && file.size > maxMb * 1024 * 1024) {
    showError(error, `The video is larger than ${maxMb} MB. Please trim it or record a shorter clip.`);
    return;
  }
  const data = new FormData(form);
  progressBox.hidden = false;
  label.textContent = "Uploading…";
  bar.value = 0;
  try {
    const job = await upload(data);
    label.textContent = "Analysing… (the video is deleted when this finishes)";
    bar.value = 0;
    const done = await poll(job.id);
    progressBox.hidden = true;
    if (done.status === "failed") showError(error, done.error || "The video could not be analysed.");
    else showReport(done.result);
  } catch (err) {
    progressBox.hidden = true;
    showError(error, err.message);
  }
});
