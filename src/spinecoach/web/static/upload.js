// Upload a video with progress, then poll the analysis job until it is done.
import { api, csrfToken, escapeHtml, showError } from "./api.js";

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
    if (job.status === "running" && job.progress === 0) bar.removeAttribute("value");  // busy, share unknown
    else bar.value = 100 * job.progress;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function fmt(s) { return Number(s).toFixed(1); }

const W = 720;
const ROW = 22;
const PAD_L = 90;
const PAD_R = 12;
const ANGLE_NAMES = {
  hip_ext_deg: "Hip extension (degrees; 0 = straight line)", knee_deg: "Knee angle (degrees)",
  thigh_deg: "Thigh above horizontal (degrees)", line_dev_deg: "Body line (degrees off straight)",
};

function words(code) { return String(code).replaceAll("_", " "); }

// Reps, holds, faults and tracking gaps on one time axis (seconds of the video).
function timeline(report) {
  const duration = Math.max(1, report.source?.duration_s || 1);
  const x = (t) => PAD_L + (Math.min(Math.max(t, 0), duration) / duration) * (W - PAD_L - PAD_R);
  const bar = (row, a, b, cls, title) => `<rect class="${cls}" x="${x(a).toFixed(1)}" y="${row * ROW + 4}" width="${Math.max(2, x(b) - x(a)).toFixed(1)}" height="${ROW - 8}"><title>${escapeHtml(title)}</title></rect>`;
  const rows = [];
  const label = (row, text) => `<text x="4" y="${row * ROW + ROW - 7}">${escapeHtml(text)}</text>`;
  const reps = report.repetitions || [];
  const attempts = report.attempts || [];
  let row = 0;
  if (reps.length) {
    rows.push(label(row, "Reps") + reps.map((r) => bar(row, r.start_s, r.end_s, r.good_form ? "tl-good" : "tl-fault",
      `Rep ${r.index}: ${fmt(r.start_s)}–${fmt(r.end_s)} s${r.faults.length ? `, ${r.faults.map(words).join(", ")}` : ", good form"}`)).join(""));
    row += 1;
  } else if (attempts.length) {
    rows.push(label(row, "Attempts") + attempts.map((a, i) => bar(row, a.start_s, a.end_s, "tl-attempt",
      `Attempt ${i + 1}: ${fmt(a.start_s)}–${fmt(a.end_s)} s, ${fmt(a.good_form_s)} s in good form`)).join(""));
    row += 1;
  }
  rows.push(label(row, "Good holds") + (report.holds || []).map((h) => bar(row, h.start_s, h.end_s, "tl-good",
    `Held in good form ${fmt(h.start_s)}–${fmt(h.end_s)} s (${fmt(h.duration_s)} s)`)).join(""));
  row += 1;
  rows.push(label(row, "Faults") + (report.faults || []).map((f) => bar(row, f.start_s, f.end_s ?? duration, "tl-fault",
    `${f.message || words(f.code)} (${fmt(f.start_s)}–${f.end_s == null ? "end" : fmt(f.end_s)} s)`)).join(""));
  row += 1;
  rows.push(label(row, "Not seen") + (report.tracking?.untracked || []).map(([a, b]) => bar(row, a, b, "tl-gap",
    `The camera could not see you ${fmt(a)}–${fmt(b)} s: nothing counted or judged`)).join(""));
  row += 1;
  const h = row * ROW + 24;
  const anchors = ["start", "middle", "end"];
  const ticks = [0, duration / 2, duration].map((t, i) => `<text x="${x(t).toFixed(1)}" y="${h - 6}" text-anchor="${anchors[i]}">${fmt(t)} s</text>`).join("");
  return `<svg id="result-timeline" class="timeline" viewBox="0 0 ${W} ${h}" role="img" aria-label="Timeline of the video: repetitions, holds, faults and when you could not be seen">${rows.join("")}${ticks}</svg>`;
}

// The exercise's key measure over time; frames where you could not be seen are left blank.
function anglePlot(job) {
  const report = job.result;
  const key = job.key_angle;
  const frames = (report.frames || []).filter((f) => f.angles && key in f.angles);
  if (!key || frames.length < 2) return "";
  const duration = Math.max(1, report.source?.duration_s || 1);
  const band = job.target_band;
  const values = frames.map((f) => f.angles[key]).concat(
    band ? [band.low, band.high].filter((v) => v !== null) : []);
  const lo = Math.floor(Math.min(...values) / 10) * 10;
  const hi = Math.ceil(Math.max(...values) / 10) * 10 || lo + 10;
  const H = 160;
  const x = (t) => PAD_L + (t / duration) * (W - PAD_L - PAD_R);
  const y = (v) => 10 + (1 - (v - lo) / Math.max(1, hi - lo)) * (H - 30);
  let path = "";
  let last = null;
  for (const f of report.frames || []) {
    const v = f.angles?.[key];
    const seen = f.tracking === "ok" && v !== undefined;
    if (!seen) { last = null; continue; }
    path += `${last === null ? "M" : "L"}${x(f.t_s).toFixed(1)},${y(v).toFixed(1)} `;
    last = f.t_s;
  }
  const name = ANGLE_NAMES[key] || words(key);
  return `<h3>${escapeHtml(name)} over time</h3>
    <svg id="result-angle" class="angle-plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(name)} over time">
      <line class="axis" x1="${PAD_L}" y1="${H - 20}" x2="${W - PAD_R}" y2="${H - 20}"></line>
      <text x="4" y="${y(hi) + 4}">${hi}°</text><text x="4" y="${y(lo) + 4}">${lo}°</text>
      <text x="${PAD_L}" y="${H - 4}">0 s</text><text x="${W - PAD_R}" y="${H - 4}" text-anchor="end">${fmt(duration)} s</text>
      ${band ? `<rect id="result-band" class="band" x="${PAD_L}" width="${W - PAD_L - PAD_R}"
        y="${y(band.high ?? hi).toFixed(1)}" height="${(y(band.low ?? lo) - y(band.high ?? hi)).toFixed(1)}"><title>${escapeHtml(band.label)}</title></rect>` : ""}
      <path class="line-a" d="${path}" fill="none"></path></svg>
    ${band ? `<p class="legend"><span class="key band"></span> ${escapeHtml(band.label)}</p>` : ""}`;
}

function gapsText(report) {
  const gaps = report.tracking?.untracked || [];
  if (!gaps.length) return "";
  const total = gaps.reduce((sum, [a, b]) => sum + (b - a), 0);
  const list = gaps.slice(0, 4).map(([a, b]) => `${fmt(a)}–${fmt(b)} s`).join(", ");
  return `<p id="result-gaps" class="notice">The camera could not see you for ${fmt(total)} s (${list}${gaps.length > 4 ? ", …" : ""}).
    Nothing is counted or judged while you cannot be seen, so a hold that a gap cuts through is shown as two shorter holds.</p>`;
}

function headline(report) {
  const holds = report.holds || [];
  if (report.attempts?.length || (!report.repetitions?.length && holds.length)) {
    const best = holds.length ? Math.max(...holds.map((h) => h.duration_s)) : 0;
    return `<p><strong>${fmt(report.hold_good_form_s ?? 0)} s</strong> held in good form in all
      (longest hold ${fmt(best)} s).</p>`;
  }
  const sides = report.reps_by_side ? ` (left ${report.reps_by_side.left ?? 0}, right ${report.reps_by_side.right ?? 0})` : "";
  return `<p><strong>${report.reps ?? 0}</strong> repetition${report.reps === 1 ? "" : "s"}${sides}.</p>
    ${holds.length ? `<p>Good-form holds: ${holds.map((h) => `${fmt(h.duration_s)} s`).join(", ")}.</p>` : ""}`;
}

// A moment as this browser's calendar date, "2026-12-01".
function isoDay(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// `filedAt`: the file's own modification time, the best first guess of when it was filmed.
function showReport(job, filedAt) {
  const today = isoDay(Date.now());
  const filmed = filedAt && isoDay(filedAt) < today ? isoDay(filedAt) : today;
  const report = job.result;
  const faults = (report.faults || []).map((f) =>
    `<li>${fmt(f.start_s)}–${f.end_s == null ? "end" : fmt(f.end_s)} s: ${escapeHtml(f.message || words(f.code))}</li>`).join("");
  const stopped = report.stopped ? `<p class="notice stop">A stop rule fired at ${fmt(report.stopped.at_s)} s: ${escapeHtml(report.stopped.message || words(report.stopped.code))}</p>` : "";
  const limits = (report.limitations || []).map((l) => `<li>${escapeHtml(l)}</li>`).join("");
  result.innerHTML = `<h2>What the video shows</h2>${stopped}${headline(report)}${gapsText(report)}
    ${timeline(report)}
    <p class="legend"><span class="key tl-good"></span> good form · <span class="key tl-fault"></span> a fault · <span class="key tl-gap"></span> could not see you</p>
    ${job.video_url ? `<h3>Your video, with what was seen drawn on it</h3>
      <video id="result-video" controls playsinline preload="metadata" src="${escapeHtml(job.video_url)}"></video>
      <p class="hint">Kept on this computer only until spinecoach stops.</p>` : ""}
    ${anglePlot(job)}
    ${faults ? `<h3>Things to watch</h3><ul>${faults}</ul>` : "<p>No form faults found.</p>"}
    ${limits ? `<details><summary>What this check could not judge</summary><ul>${limits}</ul></details>` : ""}
    <div class="field"><label for="done-on">Day this was filmed</label>
      <input type="date" id="done-on" value="${filmed}" max="${today}">
      <p class="hint">Saving counts these sets toward that day.</p></div>
    <p><button type="button" class="primary" id="save-analysis">Save to my history</button></p>
    <p id="save-result" role="status" hidden></p>`;
  result.hidden = false;
  const button = document.getElementById("save-analysis");
  const out = document.getElementById("save-result");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const doneOn = document.getElementById("done-on").value;
      const saved = await api(`/api/analyses/${job.id}/save`, { method: "POST",
        body: doneOn ? { done_on: doneOn } : {} });
      out.innerHTML = `Saved to your history. <a href="/summary/${saved.session_id}">See it</a>`;
      out.className = "notice ok";
      button.hidden = true;
    } catch (err) {
      out.textContent = err.message;
      out.className = "notice stop";
      button.disabled = false;
    }
    out.hidden = false;
  });
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
    label.textContent = "Analysing… (your file is deleted when this finishes)";
    bar.value = 0;
    const done = await poll(job.id);
    progressBox.hidden = true;
    if (done.status === "failed") showError(error, done.error || "The video could not be analysed.");
    else showReport(done, file.lastModified);
  } catch (err) {
    progressBox.hidden = true;
    showError(error, err.message);
  }
});
