// Small helpers shared by the pages: JSON fetch with readable errors, form reading.

/** The session's CSRF token: every change (POST...) sends it in the X-CSRF-Token header. */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** A clinician reads a patient's pages with ?patient=ID: the page's API reads keep it. */
function withPatient(path, method) {
  const patient = new URLSearchParams(window.location.search).get("patient");
  if (!patient || method !== "GET" || !path.startsWith("/api/")) return path;
  return `${path}${path.includes("?") ? "&" : "?"}patient=${encodeURIComponent(patient)}`;
}

export async function api(path, { method = "GET", body } = {}) {
  const options = { method, headers: {} };
  if (method !== "GET") options.headers["X-CSRF-Token"] = csrfToken();
  path = withPatient(path, method);
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    throw new Error("The app is not answering. Is spinecoach still running?");
  }
  if (response.status === 401) {
    window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    let detail = data.detail;
    if (Array.isArray(detail)) detail = detail.map((d) => d.msg).join("; ");
    const error = new Error(detail || `Something went wrong (${response.status}).`);
    error.status = response.status;
    throw error;
  }
  return data;
}

export function showError(el, message) {
  el.textContent = message;
  el.hidden = !message;
}

export function readCheckin(form) {
  const get = (name) => form.elements[name];
  return {
    back_pain: Number(get("back_pain").value),
    leg_pain: Number(get("leg_pain").value),
    leg_extent: get("leg_extent").value,
    numbness: get("numbness").checked,
    tingling: get("tingling").checked,
    weakness: get("weakness").checked,
  };
}

export const NOT_ANSWERED = "not answered yet";

// A range shows its value once answered; a range with data-answered="false" shows
// "not answered yet" until the user touches it (a careless Save must not record 0/10).
export function linkRanges(root = document) {
  for (const range of root.querySelectorAll("input[type=range]")) {
    const out = root.querySelector(`output[for="${range.id}"]`);
    if (!out) continue;
    const update = () => {
      const answered = range.dataset.answered !== "false";
      out.textContent = answered ? range.value : NOT_ANSWERED;
      out.classList.toggle("unanswered", !answered);
      range.setAttribute("aria-valuetext", answered ? `${range.value} out of 10` : NOT_ANSWERED);
    };
    const touch = () => { range.dataset.answered = "true"; update(); };
    for (const name of ["input", "change", "pointerdown", "keydown"]) range.addEventListener(name, touch);
    range.addEventListener("refresh", update);  // after data-answered was reset
    update();
  }
}

// The labels of what is still unanswered in a check-in form (empty when ready to save).
export function unanswered(form) {
  const missing = [];
  for (const range of form.querySelectorAll("input[type=range][data-answered=false]")) {
    const label = form.querySelector(`label[for="${range.id}"]`);
    missing.push((label?.firstChild?.textContent || range.name).trim().toLowerCase());
  }
  if (form.querySelector("#spreading") && !form.querySelector("input[name=spreading]:checked")) {
    missing.push("whether symptoms are spreading");
  }
  // "Yes, spreading" must say how: where they reach now, or which new sign (the stop rules
  // compare these with the last check-in, so an unchanged answer would stop nothing)
  const details = form.querySelector("#symptom-details");
  if (form.querySelector("input[name=spreading][value=yes]:checked") && details?.dataset.changed !== "true") {
    missing.push("how far down the symptoms go now, or which new sign you have");
  }
  return missing;
}

export function unansweredMessage(missing) {
  return `Please answer: ${missing.join(", ")}. Move each slider to how you feel now, even if it is the same as before.`;
}

// During a session: "Yes, spreading" shows where the symptoms reach now.
export function linkSpreading(form) {
  const details = form.querySelector("#symptom-details");
  for (const radio of form.querySelectorAll("input[name=spreading]")) {
    radio.addEventListener("change", () => { details.hidden = radio.value !== "yes" || !radio.checked; });
  }
  details.addEventListener("change", () => { details.dataset.changed = "true"; });
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** The "exercise complete" line: all sets done, and, when short of the planned reps, how
 * many were done (no false "all done": fewer is fine, and the user should see it). */
export function completeText(plan, name, repsDone) {
  const setsHere = plan.sets - plan.firstSet + 1;  // sets done on this page (a later session carries on)
  const sets = `all ${plan.sets} set${plan.sets === 1 ? "" : "s"}${name ? ` of ${name}` : ""}`;
  const planned = plan.reps && !plan.perSide ? plan.reps * setsHere : null;
  if (planned && repsDone < planned) {
    const these = setsHere === plan.sets ? "" : ` in the last ${setsHere}`;
    return `You finished ${sets}, with ${repsDone} of the ${planned} planned reps${these}. Doing fewer is fine when that is what feels right.`;
  }
  return `Well done: ${sets} are done.`;
}

/** The way on from "exercise complete": the next exercise of today's plan that still has
 * sets (in the same mode, with the other mode beside it), else the after-session check-in;
 * and always the list of today's exercises. */
export function nextStepHtml(root, plan, mode) {
  const session = `/session/${plan.session}`;
  const list = `<a id="to-session" href="${session}">All of today's exercises</a>`;
  const id = root.dataset.nextId;
  if (!id) {
    return `<p><a class="button primary" id="next-exercise" href="/checkin?when=after&amp;session=${plan.session}">Finish the session: how do I feel?</a> ${list}</p>`;
  }
  const other = mode === "coach" ? "timer" : "coach";
  const otherWords = mode === "coach" ? "without the camera" : "with the camera";
  return `<p><a class="button primary" id="next-exercise" href="${session}/${mode}/${encodeURIComponent(id)}">Next: ${escapeHtml(root.dataset.nextName || "the next exercise")}</a>
    <a class="button" id="next-other-mode" href="${session}/${other}/${encodeURIComponent(id)}">${otherWords}</a> ${list}</p>`;
}

/** The set plan a coach or timer page carries in its data attributes. */
export function readPlan(root) {
  return {
    session: Number(root.dataset.session),
    exercise: root.dataset.exercise,
    kind: root.dataset.kind,
    sets: Number(root.dataset.sets) || 1,
    reps: Number(root.dataset.reps) || null,
    hold: Number(root.dataset.hold) || null,
    rest: Number(root.dataset.rest) || 30,
    perSide: root.dataset.perSide === "true",
    firstSet: Number(root.dataset.firstSet) || 1,
  };
}
