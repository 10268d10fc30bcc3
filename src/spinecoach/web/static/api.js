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

export function linkRanges(root = document) {
  for (const range of root.querySelectorAll("input[type=range]")) {
    const out = root.querySelector(`output[for="${range.id}"]`);
    if (!out) continue;
    const update = () => { out.textContent = range.value; range.setAttribute("aria-valuetext", `${range.value} out of 10`); };
    range.addEventListener("input", update);
    update();
  }
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
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
  };
}
