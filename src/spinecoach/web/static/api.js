// Small helpers shared by the pages: JSON fetch with readable errors, form reading.

export async function api(path, { method = "GET", body } = {}) {
  const options = { method, headers: {} };
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
