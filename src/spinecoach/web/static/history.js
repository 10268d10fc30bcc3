// History: adherence calendar and simple SVG line charts from /api/history.
import { api, escapeHtml } from "./api.js";

const W = 640;
const H = 220;
const PAD = 36;

function lineChart(series, { max = null, unit = "" } = {}) {
  const all = series.flatMap((s) => s.points);
  if (!all.length) return "<p>No data yet.</p>";
  const top = max ?? Math.max(1, ...all.map((p) => p.value)) * 1.15;
  const n = Math.max(...series.map((s) => s.points.length));
  const x = (i) => PAD + (n <= 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (n - 1));
  const y = (v) => H - PAD - (v / top) * (H - 2 * PAD);
  const lines = series.map((s, k) => {
    const pts = s.points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
    const dots = s.points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" class="${k ? "dot-b" : "dot-a"}"><title>${escapeHtml(p.date)}: ${p.value}${unit}</title></circle>`).join("");
    return `<polyline class="${k ? "line-b" : "line-a"}" points="${pts}"></polyline>${dots}`;
  }).join("");
  const first = all[0].date;
  const last = all[all.length - 1].date;
  const summary = series.map((s) => `${s.label}: ${s.points.map((p) => p.value).join(", ")}`).join(". ");
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(summary)}">
    <line class="axis" x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}"></line>
    <line class="axis" x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}"></line>
    <text x="4" y="${PAD + 4}">${Math.round(top)}${unit}</text><text x="4" y="${H - PAD}">0</text>
    <text x="${PAD}" y="${H - 10}">${escapeHtml(first)}</text>
    <text x="${W - PAD}" y="${H - 10}" text-anchor="end">${escapeHtml(last)}</text>
    ${lines}</svg>
    <p class="legend">${series.map((s, k) => `<span>${k ? "- - -" : "——"} ${escapeHtml(s.label)}</span>`).join(" · ")}</p>`;
}

function calendar(adherence) {
  const days = [];
  const today = new Date();
  for (let i = 27; i >= 0; i -= 1) {
    const d = new Date(today);
    d.setDate(today.getDate() - i);
    const iso = d.toISOString().slice(0, 10);
    const done = adherence[iso] > 0;
    days.push(`<span class="${done ? "done" : ""}" title="${iso}${done ? ": exercised" : ""}">${d.getDate()}</span>`);
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
  cal.innerHTML = calendar(data.adherence);
  const doneDays = Object.values(data.adherence).filter((n) => n > 0).length;
  cal.setAttribute("aria-label", `You exercised on ${doneDays} of the last 28 days.`);
  document.getElementById("pain-chart").innerHTML = lineChart([
    { label: "Back pain", points: data.back_pain }, { label: "Leg pain", points: data.leg_pain },
  ], { max: 10 });
  const blocks = Object.entries(data.per_exercise).map(([name, points]) =>
    `<h3>${escapeHtml(name)}</h3><div class="chart">${lineChart([{ label: name, points }])}</div>`);
  document.getElementById("exercise-charts").innerHTML = blocks.join("") || "<p>No exercise data yet.</p>";
  document.getElementById("history-empty").hidden = data.sessions.length > 0;
  if (data.notes.length) {
    document.getElementById("notes").innerHTML = data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
    document.getElementById("notes-card").hidden = false;
  }
}

main();
