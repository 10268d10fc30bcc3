import { api, escapeHtml, linkRanges, readCheckin, showError, unanswered, unansweredMessage } from "./api.js";
import { collectAnswers } from "./questions.js";

const form = document.getElementById("checkin-form");
const error = document.getElementById("checkin-error");
const result = document.getElementById("checkin-result");
linkRanges(form);

async function startSession() {
  const session = await api("/api/sessions", { method: "POST" });
  return session.id;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(error, "");
  const when = form.dataset.when;
  const recheck = document.getElementById("recheck-form");
  try {
    const missing = unanswered(form);
    if (missing.length) {
      showError(error, unansweredMessage(missing));
      return;
    }
    if (recheck && !recheck.hidden) {
      const { answers, missing } = collectAnswers(recheck);
      if (missing.length) {
        showError(error, `Please answer every safety question (${missing.length} left).`);
        missing[0].querySelector("input, select").focus();
        return;
      }
      const outcome = await api("/api/screening", { method: "POST", body: { answers, full: false } });
      if (!outcome.may_exercise) {
        form.hidden = true;
        recheck.hidden = true;
        result.hidden = false;
        result.innerHTML = `<div class="notice stop" role="alert"><h2>Please do not exercise today</h2>
          <p><strong>${escapeHtml(outcome.advice)}</strong></p>
          <ul>${outcome.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul></div>`;
        return;
      }
      recheck.hidden = true;
    }
    const sessionId = when === "before" ? await startSession() : Number(form.dataset.session);
    const out = await api("/api/checkins", {
      method: "POST", body: { when, session_id: sessionId, ...readCheckin(form) },
    });
    if (when === "after") {
      const finished = await api(`/api/sessions/${sessionId}/finish`, { method: "POST" });
      // The box's colour follows the server's pain traffic light (green, amber, red).
      const tone = out.stop || out.light === "red" ? "stop" : out.light === "green" ? "ok" : "";
      sessionStorage.setItem(`spinecoach-summary-${sessionId}`,
        JSON.stringify({ tone, notes: [...out.messages, ...finished.messages] }));
      window.location.href = `/summary/${sessionId}`;
      return;
    }
    if (out.stop) {
      form.hidden = true;
      result.hidden = false;
      result.innerHTML = `<div class="notice stop" role="alert"><h2>Please do not exercise today</h2>
        ${out.messages.map((m) => `<p>${escapeHtml(m)}</p>`).join("")}
        <p>If this keeps happening, please see a clinician.</p></div>`;
      return;
    }
    window.location.href = `/session/${sessionId}`;
  } catch (err) {
    showError(error, err.message);
  }
});
