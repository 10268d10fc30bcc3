import { api, escapeHtml, linkRanges, readCheckin, showError, unanswered, unansweredMessage } from "./api.js";
import { collectAnswers } from "./questions.js";

const form = document.getElementById("screening-form");
const error = document.getElementById("screening-error");
const result = document.getElementById("screening-result");
const baseline = document.getElementById("baseline");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { answers, missing } = collectAnswers(form);
  if (missing.length) {
    showError(error, `Please answer every question (${missing.length} left).`);
    missing[0].querySelector("input, select").focus();
    return;
  }
  showError(error, "");
  try {
    const out = await api("/api/screening", { method: "POST", body: { answers, full: true } });
    showOutcome(out);
  } catch (err) {
    showError(error, err.message);
  }
});

function showOutcome(out) {
  result.hidden = false;
  if (out.may_exercise) {
    result.innerHTML = `<div class="notice ok"><h2>Thank you: no warning signs</h2>
      <p>${escapeHtml(out.advice)}</p></div>`;
    form.hidden = true;
    baseline.hidden = false;
    baseline.querySelector("input, select").focus();
    return;
  }
  const reasons = out.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("");
  const heading = out.outcome === "emergency" ? "Please seek emergency care now" : "Please do not exercise yet";
  result.innerHTML = `<div class="notice stop" role="alert"><h2>${heading}</h2>
    <p><strong>${escapeHtml(out.advice)}</strong></p><ul>${reasons}</ul>
    <p>spinecoach will not guide exercise until a new safety check is clear.</p></div>`;
  form.hidden = true;
  result.querySelector("h2").setAttribute("tabindex", "-1");
  result.querySelector("h2").focus();
}

linkRanges(baseline);
const checkinForm = document.getElementById("checkin-form");
checkinForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const err = document.getElementById("checkin-error");
  const missing = unanswered(checkinForm);
  if (missing.length) {
    showError(err, unansweredMessage(missing));
    return;
  }
  try {
    await api("/api/checkins", { method: "POST", body: { when: "baseline", ...readCheckin(checkinForm) } });
    window.location.href = "/today";
  } catch (e) {
    showError(err, e.message);
  }
});
