// No-camera mode: a paced timer with spoken counts, then manual entry of what was done.
import { api, linkRanges, readPlan, showError } from "./api.js";
import { runRest } from "./rest.js";
import { Speaker } from "./speech.js";

const root = document.getElementById("timer");
const $ = (id) => document.getElementById(id);
const plan = readPlan(root);
const MOVE_S = 2;
const MOVE_WORDS = { heel_tap: "lower the heel", ball_squat: "bend the knees" };
const speaker = new Speaker();
speaker.bindToggle($("sound"));
linkRanges(root);

let setNo = 1;
let paused = false;
let finished = false;
let counted = { reps: 0, holds: [] };

function show(phase, count, say) {
  $("timer-phase").textContent = phase;
  $("timer-count").textContent = String(count);
  if (say) { $("timer-say").textContent = say; speaker.say(say, "count"); }
}

function wait(seconds) {
  return new Promise((resolve) => {
    let left = seconds * 1000;
    const step = 100;
    const timer = setInterval(() => {
      if (finished) { clearInterval(timer); resolve(false); return; }
      if (!paused) left -= step;
      if (left <= 0) { clearInterval(timer); resolve(true); }
    }, step);
  });
}

async function countdown(label, seconds, from = 3) {
  for (let left = seconds; left > 0; left -= 1) {
    show(label, left, left <= from ? String(left) : null);
    if (!(await wait(1))) return false;
  }
  return true;
}

async function holdPhase(seconds) {
  show("Hold", 0, "Hold");
  for (let s = 1; s <= seconds; s += 1) {
    if (!(await wait(1))) return false;
    const left = seconds - s;
    show("Hold", s, left > 0 && (left <= 3 || left % 5 === 0) ? String(left) : null);
  }
  counted.holds.push(seconds);
  return true;
}

async function repsSet() {
  const sides = plan.perSide ? ["left", "right"] : [null];
  for (let i = 1; i <= plan.reps; i += 1) {
    for (const side of sides) {
      const who = side ? `${side === "left" ? "Left" : "Right"} leg: ` : "";
      show(`${who}${MOVE_WORDS[plan.kind] || "lift"}`, i, null);
      if (!(await wait(MOVE_S))) return;
      if (plan.hold && !(await holdPhase(plan.hold))) return;
      show(`${who}back to the start`, i, null);
      if (!(await wait(MOVE_S))) return;
      counted.reps += 1;
      show("Done", i, side ? `${side === "left" ? "Left" : "Right"} ${i}` : String(i));
    }
  }
}

async function runSet() {
  finished = false;
  paused = false;
  counted = { reps: 0, holds: [] };
  $("timer-start").hidden = true;
  $("timer-pause").hidden = false;
  $("timer-done").hidden = false;
  if (!(await countdown("Get into position", 5))) return;
  if (plan.reps) await repsSet();
  else if (plan.hold && await holdPhase(plan.hold)) counted.reps = 1;
  if (!finished) speaker.say("Well done. Rest now.", "count");
  endSet();
}

function endSet() {
  if (finished && !$("manual-form").hidden) return;
  finished = true;
  show("Set finished", counted.reps, null);
  $("timer-pause").hidden = true;
  $("timer-done").hidden = true;
  const form = $("manual-form");
  form.hidden = false;
  form.elements.reps.value = String(counted.reps);
  if (form.elements.hold) form.elements.hold.value = counted.holds.length ? String(plan.hold) : "";
  form.elements.reps.focus();
}

$("manual-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const reps = Number(form.elements.reps.value);
  if (form.elements.reps.value === "" || !Number.isInteger(reps) || reps < 0 || reps > 200) {
    showError($("manual-error"), "Please enter how many you did (a whole number, 0 or more).");
    return;
  }
  const holdEach = form.elements.hold ? Number(form.elements.hold.value || 0) : 0;
  const body = {
    exercise_id: plan.exercise, reps,
    hold_s: holdEach > 0 ? Array(plan.reps ? reps : Math.max(reps, 1)).fill(holdEach) : [],
    pain: Number(form.elements.pain.value), note: form.elements.note.value || null,
  };
  try {
    const saved = await api(`/api/sessions/${plan.session}/manual-sets`, { method: "POST", body });
    showError($("manual-error"), "");
    form.hidden = true;
    afterSave(saved, body.pain);
  } catch (err) {
    showError($("manual-error"), err.message);
  }
});

async function afterSave(saved, pain) {
  const result = $("timer-result");
  result.hidden = false;
  result.dataset.reps = String(saved.reps);
  let html = `<h2>Set ${setNo} saved</h2><p><strong>${saved.reps}</strong> done.</p>`;
  if (pain >= 6) {
    html += `<div class="notice stop" role="alert"><p>Your pain was ${pain} out of 10. Please stop this exercise for today.</p></div>`;
    result.innerHTML = html + `<p><a class="button primary" href="/session/${plan.session}">Back to the session</a></p>`;
    return;
  }
  if (setNo >= plan.sets) {
    result.innerHTML = html + `<p><a class="button primary" id="next-exercise" href="/session/${plan.session}">Back to the session</a></p>`;
    return;
  }
  result.innerHTML = html;
  setNo += 1;
  $("set-no").textContent = String(setNo);
  await runRest(plan.rest, { section: $("rest"), output: $("rest-s"), skipButton: $("skip-rest"), speaker });
  result.hidden = true;
  show("Ready when you are", 0, null);
  $("timer-start").hidden = false;
  $("timer-start").focus();
}

$("timer-start").addEventListener("click", runSet);
$("timer-done").addEventListener("click", endSet);
$("timer-pause").addEventListener("click", () => {
  paused = !paused;
  $("timer-pause").textContent = paused ? "Carry on" : "Pause";
  $("timer-phase").textContent = paused ? "Paused" : $("timer-phase").textContent;
});
