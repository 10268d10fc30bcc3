// No-camera mode: a paced timer with spoken counts, then manual entry of what was done.
import { api, completeText, escapeHtml, linkRanges, linkSpreading, nextStepHtml, readCheckin, readPlan, showError, unanswered,
  unansweredMessage } from "./api.js";
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

let setNo = Number(root.dataset.firstSet) || 1;  // after sets done earlier today
let paused = false;
let finished = false;
let counted = { reps: 0, holds: [] };
let repsDone = 0;  // saved on this page, for the "exercise complete" line

// One big number, always with words saying what it counts.
function show(phase, count, unit, say) {
  $("timer-phase").textContent = phase;
  $("timer-count").textContent = count === null ? "" : String(count);
  $("timer-unit").textContent = unit || "";
  if (say) { $("timer-say").textContent = say; speaker.say(say, "count"); }
}

function repUnit(i) {
  return `rep ${i} of ${plan.reps}${plan.perSide ? " on each side" : ""}`;
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

async function countdown(label, seconds) {
  speaker.say(`Set ${setNo} of ${plan.sets}. Get into position.`, "count");
  for (let left = seconds; left > 0; left -= 1) {
    show(label, left, "seconds until you start", left === 2 ? "Ready…" : null);
    if (!(await wait(1))) return false;
  }
  show("Go", null, "", "Go.");
  return true;
}

async function holdPhase(seconds, unit) {
  show("Hold", seconds, "seconds left to hold", "Hold…");
  for (let s = 1; s <= seconds; s += 1) {
    if (!(await wait(1))) return false;
    const left = seconds - s;
    const say = left > 0 && (left <= 3 || left % 5 === 0) ? String(left) : null;
    show("Hold", left, unit ? `seconds left to hold (${unit})` : "seconds left to hold", say);
  }
  counted.holds.push(seconds);
  return true;
}

async function repsSet() {
  const sides = plan.perSide ? ["left", "right"] : [null];
  for (let i = 1; i <= plan.reps; i += 1) {
    for (const side of sides) {
      const who = side ? `${side === "left" ? "Left" : "Right"} leg: ` : "";
      show(`${who}${MOVE_WORDS[plan.kind] || "lift"}`, i, repUnit(i), null);
      if (!(await wait(MOVE_S))) return;
      if (plan.hold && !(await holdPhase(plan.hold, repUnit(i)))) return;
      show(`${who}back to the start`, i, repUnit(i), plan.hold ? "Down." : null);
      if (!(await wait(MOVE_S))) return;
      counted.reps += 1;
      show("Done", i, repUnit(i), side ? `${side === "left" ? "Left" : "Right"} ${i}` : String(i));
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
  if (!finished) speaker.say("Well done. That set is done.", "count");
  endSet();
}

function endSet() {
  if (finished && !$("manual-form").hidden) return;
  finished = true;
  const what = plan.reps ? `rep${counted.reps === 1 ? "" : "s"} counted` : `hold${counted.reps === 1 ? "" : "s"} done`;
  show(`Set ${setNo} of ${plan.sets} finished`, counted.reps, what, null);
  $("timer-pause").hidden = true;
  $("timer-done").hidden = true;
  const form = $("manual-form");
  form.hidden = false;
  form.elements.reps.value = String(counted.reps);
  form.elements.pain.dataset.answered = "false";  // asked afresh for every set
  form.elements.pain.dispatchEvent(new Event("refresh"));
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
  const missing = unanswered(form);
  if (missing.length) {
    showError($("manual-error"), unansweredMessage(missing));
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

// After each set: the server's stop rules decide, first on the pain given with the set, then
// on the same quick check the camera coach asks (pain now, symptoms spreading).
async function afterSave(saved, pain) {
  const result = $("timer-result");
  result.hidden = false;
  result.dataset.reps = String(saved.reps);
  repsDone += saved.reps;
  const noun = plan.reps ? "rep" : "hold";
  const html = `<h2>Set ${setNo} of ${plan.sets} saved</h2><p><strong>${saved.reps}</strong> ${noun}${saved.reps === 1 ? "" : "s"} saved.</p>`;
  result.innerHTML = html;
  const stopped = saved.stopped ? [saved.stopped.message] : await askHowItFelt(pain);
  if (stopped) {
    speaker.say("Please stop this exercise for today.", "count");
    $("timer-face").hidden = true;
    result.innerHTML = html + `<div class="notice stop" role="alert" id="timer-stopped">
      <h2>Please stop this exercise for today</h2>${stopped.map((m) => `<p>${escapeHtml(m)}</p>`).join("")}</div>
      <p><a class="button primary" href="/session/${plan.session}">Back to the session</a></p>`;
    return;
  }
  if (setNo >= plan.sets) {
    result.innerHTML = html + `<div class="notice ok" id="exercise-complete"><h2>Exercise complete</h2>
      <p>${escapeHtml(completeText(plan, null, repsDone))}</p></div>
      ${nextStepHtml(root, plan, "timer")}`;
    $("timer-face").hidden = true;
    speaker.say("That was the last set. Exercise complete. Well done.", "count");
    return;
  }
  setNo += 1;
  $("set-no").textContent = String(setNo);
  await runRest(plan.rest, { section: $("rest"), output: $("rest-s"), skipButton: $("skip-rest"),
    speaker, intro: `Rest. Set ${setNo} of ${plan.sets} starts by itself.` });
  result.hidden = true;
  runSet();
}

// Resolves with the stop messages when the answers stop this exercise, else with null.
// Back pain starts from the pain just given with the set (the user can change it).
function askHowItFelt(pain) {
  const section = $("set-feel");
  const form = $("checkin-form");
  for (const range of form.querySelectorAll("input[type=range]")) {
    range.dataset.answered = "false";
    if (range.name === "back_pain") { range.value = String(pain); range.dataset.answered = "true"; }
    range.dispatchEvent(new Event("refresh"));
  }
  for (const radio of form.querySelectorAll("input[name=spreading]")) radio.checked = false;
  $("symptom-details").hidden = true;
  $("symptom-details").dataset.changed = "false";
  showError($("checkin-error"), "");
  section.hidden = false;
  form.querySelector("#leg_pain").focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const missing = unanswered(form);
      if (missing.length) { showError($("checkin-error"), unansweredMessage(missing)); return; }
      try {
        const out = await api("/api/checkins", { method: "POST", body: {
          when: "during", session_id: plan.session, exercise_id: plan.exercise, ...readCheckin(form) } });
        section.hidden = true;
        resolve(out.stop ? out.messages : null);
      } catch (err) {
        showError($("checkin-error"), err.message);
      }
    };
  });
}

linkSpreading($("checkin-form"));

$("timer-start").addEventListener("click", runSet);
$("timer-start").disabled = false;  // off in the page until this script can run the set
$("timer-done").addEventListener("click", endSet);
$("timer-pause").addEventListener("click", () => {
  paused = !paused;
  $("timer-pause").textContent = paused ? "Carry on" : "Pause";
  $("timer-phase").textContent = paused ? "Paused" : $("timer-phase").textContent;
});
