// History: adherence calendar and simple SVG line charts from /api/history.
import { api, escapeHtml } from "./api.js";

const W = 640;
const H = 220;
const PAD = 36;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY_MS = 86400000;

// "2026-12-01" -> "1 Dec" (dates as people write them)
export function plainDate(iso) {
  const [, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]}`;
}

function niceTop(value) {
  const steps = [5, 10, 20, 25, 50, 100, 200, 500, 1000];
  return steps.find((s) => s >= value) ?? Math.ceil(value);
}

// Points are placed by their date across the period (several on one day sit side by side).
export function lineChart(series, { max = null, unit = "", start, end, empty = "No sessions yet." } = {}) {
  const all = series.flatMap((s) => s.points);
  if (!all.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const top = max ?? niceTop(Math.max(1, ...all.map((p) => p.value)) * 1.1);
  const t0 = Date.parse(start);
  const span = Math.max(DAY_MS, Date.parse(end) - t0 + DAY_MS);
  const x = (p, s) => {
    const dayPoints = s.points.filter((q) => q.date === p.date);
    const k = dayPoints.indexOf(p);
    const within = (k + 1) / (dayPoints.length + 1);
    return PAD + ((Date.parse(p.date) - t0 + within * DAY_MS) / span) * (W - 2 * PAD);
  };
  const y = (v) => H - PAD - (v / top) * (H - 2 * PAD);
  const lines = series.map((s, k) => {
    const xy = s.points.map((p) => [x(p, s), y(p.value), p]);
    const pts = xy.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ");
    const dots = xy.map(([a, b, p]) => `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="4" class="${k ? "dot-b" : "dot-a"}"><title>${escapeHtml(plainDate(p.date))}: ${p.value}${unit}</title></circle>`).join("");
    return `<polyline class="${k ? "line-b" : "line-a"}" points="${pts}"></polyline>${dots}`;
  }).join("");
  const summary = series.map((s) => `${s.label}: ${s.points.map((p) => p.value).join(", ")}`).join(". ");
  const labels = [start, end].filter((d, i, a) => a.indexOf(d) === i);
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(summary)}">
    <line class="axis" x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}"></line>
    <line class="axis" x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}"></line>
    <text x="4" y="${PAD + 4}">${top}${unit}</text><text x="4" y="${H - PAD}">0</text>
    <text x="${PAD}" y="${H - 10}">${escapeHtml(plainDate(labels[0]))}</text>
    ${labels.length > 1 ? `<text x="${W - PAD}" y="${H - 10}" text-anchor="end">${escapeHtml(plainDate(labels[1]))}</text>` : ""}
    ${lines}</svg>
    <p class="legend">${series.map((s, k) => `<span>${k ? "- - -" : "——"} ${escapeHtml(s.label)}</span>`).join(" · ")}</p>`;
}

// The 28 days up to the server's today (`end`, the user's own calendar date): dates are
// counted as plain calendar days, so the browser's time zone cannot shift a session a day.
export function calendar(adherence, end) {
  const [y, m, d] = end.split("-").map(Number);
  const last = Date.UTC(y, m - 1, d);
  const days = [];
  for (let i = 27; i >= 0; i -= 1) {
    const day = new Date(last - i * DAY_MS);
    const iso = day.toISOString().slice(0, 10);
    const done = adherence[iso] > 0;
    days.push(`<span class="${done ? "done" : ""}" title="${escapeHtml(plainDate(iso))}${done ? ": exercised" : ""}">${day.getUTCDate()}</span>`);
  }
  return days.join("");
}

async function main() {
  let data;
  try {
    data = await api("/api/history");
  } catch (err) {
    document.getElementById("pain-chart").textContent = err.message;
    return;
  }
  const cal = document.getElementById("calendar");
  cal.innerHTML = calendar(data.adherence, data.end);
  const doneDays = cal.querySelectorAll(".done").length;
  cal.setAttribute("aria-label", `You exercised on ${doneDays} of the last 28 days.`);
  const period = { start: data.start, end: data.end };
  document.getElementById("pain-chart").innerHTML = lineChart([
    { label: "Back pain", points: data.back_pain }, { label: "Leg pain", points: data.leg_pain },
  ], { max: 10, empty: "No check-ins yet.", ...period });
  const blocks = Object.entries(data.per_exercise).map(([name, points]) =>
    `<h3>${escapeHtml(name)}</h3><div class="chart">${lineChart([{ label: name, points }],
      { max: name.endsWith("(%)") ? 100 : null, ...period })}</div>`);
  document.getElementById("exercise-charts").innerHTML = blocks.join("") || "<p class=\"empty\">No sessions yet.</p>";
  document.getElementById("history-empty").hidden = data.sessions.length > 0;
  if (data.notes.length) {
    document.getElementById("notes").innerHTML = data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
    document.getElementById("notes-card").hidden = false;
  }
}

main();
