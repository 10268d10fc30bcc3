// Live coaching: camera -> JPEG frames over /ws/coach -> state -> counter, hold ring, cues.
//
// One step on screen at a time (root's data-stage):
//   check      the camera sees you? (nothing recorded)
//   countdown  "Set 2 of 3. Get into position… Ready… go." The set's socket is already open
//              (the tracker watches you settle) but the server counts nothing before "go".
//   set        counting; the voice leads ("Hold… 3, 2, 1, down.")
//   feel       two questions the stop rules need (pain now, symptoms spreading)
//   rest       the rest timer; it starts the next set by itself ("I'm ready" starts it now)
//   complete   the last set is done: "Exercise complete", the camera is switched off
//   stopped    a stop rule or a check-in stopped this exercise: the camera is switched off
import { drawSkeleton } from "./overlay.js";
import { runRest } from "./rest.js";
import { Speaker } from "./speech.js";
import {
  api, completeText, escapeHtml, linkRanges, linkSpreading, nextStepHtml, readCheckin, readPlan, showError,
  unanswered,
  unansweredMessage,
} from "./api.js";

const root = document.getElementById("coach");
const $ = (id) => document.getElementById(id);
const plan = readPlan(root);
const MAX_IN_FLIGHT = 2;
const JPEG_QUALITY = 0.7;
const CAPTURE_W = 640;
const CAPTURE_H = 480;
const GET_READY_S = 5;
const SETUP_TEXT = "Turn side-on, with your whole body in view.";  // when the server gives none
const SAY_LOST_AFTER_MS = 2000;
// Start set waits for the camera check to see the person; if it never does (an odd room, a
// body the model reads badly), the user may still start after this long ("Start anyway").
const START_ANYWAY_AFTER_MS = 15000;

const video = $("video");
const overlay = $("overlay");
const speaker = new Speaker();
speaker.bindToggle($("sound"));
const capture = document.createElement("canvas");
capture.width = CAPTURE_W;
capture.height = CAPTURE_H;

let setNo = Number(root.dataset.firstSet) || 1;  // after sets done earlier today
let repsDone = 0;  // saved on this page, for the "exercise complete" line
let socket = null;
let inFlight = 0;
let t0 = 0;
let running = false; // a socket is ready and frames are being sent
let kind = "preview"; // the open socket: "preview" (nothing recorded) or "set"
let stage = "check";
let looping = false;
let cameraOn = false;
let spokenHoldMark = null;
let stateTimes = [];
let endRequested = false;
let lostSince = null; // when tracking was lost during a set (spoken once per episode)
let countdownTimer = null;
let countdownLeft = 0;

function setStage(name) {
  stage = name;
  root.dataset.stage = name;
  const inSet = name === "countdown" || name === "set";
  $("start-set").hidden = name !== "check";
  $("end-set").hidden = !inSet;
  $("set-feel").hidden = name !== "feel";
  if (name !== "rest") $("rest").hidden = true;
  $("set-result").hidden = !["feel", "rest", "complete", "stopped"].includes(name);
  $("setup-help").open = name === "check";
}

function stageMessage(text) { $("stage-message").textContent = text || ""; }
function coachError(text) { $("coach-error").textContent = text || ""; $("coach-error").hidden = !text; }
function setLine() { return `Set ${setNo} of ${plan.sets}`; }

async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return cameraFailed("This browser cannot use a camera here. The camera only works when the "
      + "app is opened on this computer (http://127.0.0.1) or over https.");
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: CAPTURE_W }, height: { ideal: CAPTURE_H }, frameRate: { ideal: 30 } },
      audio: false,
    });
    video.srcObject = stream;
    await video.play();
    cameraOn = true;
    stream.getVideoTracks()[0].addEventListener("ended", () => {
      if (!cameraOn) return;
      stopSet("The camera stopped. Your completed reps are saved.");
      cameraFailed("The camera was disconnected.");
    });
    stageMessage("Checking the camera…");
    armStart();
    openSocket("preview");
    if (!looping) { looping = true; captureLoop(); }
  } catch (err) {
    const denied = err && (err.name === "NotAllowedError" || err.name === "SecurityError");
    const missing = err && (err.name === "NotFoundError" || err.name === "OverconstrainedError");
    cameraFailed(denied ? "You did not allow the camera. You can allow it in the browser's address bar and reload, or use the timer instead."
      : missing ? "No camera was found on this device. You can use the timer instead."
      : "The camera could not be started. You can use the timer instead.");
  }
}

// Start set stays off until the camera check sees the whole body (or after a while, as
// "Start anyway"), so a set does not begin with the person out of view.
let startAnywayTimer = null;
function armStart() {
  const button = $("start-set");
  button.disabled = true;
  button.textContent = "Start set";
  clearTimeout(startAnywayTimer);
  startAnywayTimer = setTimeout(() => {
    if (!cameraOn || !button.disabled) return;
    button.textContent = "Start anyway";
    button.disabled = false;
  }, START_ANYWAY_AFTER_MS);
}

function unlockStart() {
  const button = $("start-set");
  if (!cameraOn) return;
  clearTimeout(startAnywayTimer);
  button.textContent = "Start set";
  button.disabled = false;
}

// The camera part of this exercise is over: switch the camera off.
function stopCamera() {
  cameraOn = false;
  closeSocket();
  for (const track of video.srcObject?.getTracks?.() || []) track.stop();
  video.srcObject = null;
  drawSkeleton(overlay, video, null);
  stageMessage("");
  $("tracking").className = "badge";
  $("tracking").textContent = "Camera off";
  $("fps").textContent = "0";
}

function cameraFailed(text) {
  $("camera-error-text").textContent = text;
  $("camera-error").hidden = false;
  clearTimeout(startAnywayTimer);
  $("start-set").disabled = true;
  stageMessage("Camera not available");
  $("tracking").textContent = "No camera";
}

function closeSocket() {
  if (!socket) return;
  const old = socket;
  socket = null;
  old.onclose = null;
  old.onmessage = null;
  if (old.readyState === WebSocket.OPEN) old.send(JSON.stringify({ type: "end" }));
  old.close();
  running = false;
}

function openSocket(which) {
  closeSocket();
  kind = which;
  running = false;
  inFlight = 0;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const record = which === "set" ? `&session=${plan.session}&countdown_s=${GET_READY_S}` : "";
  const url = `${scheme}://${location.host}/ws/coach?exercise=${encodeURIComponent(plan.exercise)}${record}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onmessage = (event) => onMessage(JSON.parse(event.data));
  ws.onclose = () => {
    if (socket !== ws) return;
    if (running && kind === "set") stopSet("The connection to spinecoach was lost. Your completed reps are saved.");
    running = false;
    socket = null;
  };
  ws.onerror = () => coachError("The connection to spinecoach failed. Is it still running?");
}

function resetCounter() {
  updateCounter({ reps: 0, reps_by_side: {}, hold_s: 0, target_hold_s: plan.hold });
  $("cue").textContent = "";
}

// The countdown: the set's socket opens now; nothing counts until "go" (the server's rule).
function startSet() {
  if (stage === "countdown" || stage === "set" || !cameraOn) return;
  coachError("");
  endRequested = false;
  stateTimes = [];
  spokenHoldMark = null;
  resetCounter();
  $("set-no").textContent = String(setNo);
  setStage("countdown");
  countdownLeft = GET_READY_S;
  stageMessage(`${setLine()}. Get into position… ${countdownLeft}`);
  speaker.say(`${setLine()}. Get into position.`, "count");
  openSocket("set");
}

function runCountdown() {  // called when the set's socket is ready (its clock starts now)
  const tick = () => {
    countdownTimer = null;
    if (stage !== "countdown") return;
    const left = Math.ceil(GET_READY_S - (performance.now() - t0) / 1000);
    if (left <= 0) { go(); return; }
    if (left !== countdownLeft && left === 2) speaker.say("Ready…", "count");
    countdownLeft = left;
    stageMessage(`${setLine()}. Get into position… ${left}`);
    $("cue").textContent = `Starting in ${left}`;
    countdownTimer = setTimeout(tick, 200);
  };
  tick();
}

function go() {
  setStage("set");
  stageMessage("");
  $("cue").textContent = "Go";
  speaker.say("Go.", "count");
}

// Frames keep the camera's own shape (a phone held upright gives a tall picture): the
// longer side is at most CAPTURE_W pixels, never stretched to 4:3 (angles are measured in it).
function fitCapture() {
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh) return;
  const scale = Math.min(1, CAPTURE_W / Math.max(vw, vh));
  const w = Math.round(vw * scale);
  const h = Math.round(vh * scale);
  if (capture.width !== w || capture.height !== h) { capture.width = w; capture.height = h; }
}

function captureLoop() {
  if (running && socket?.readyState === WebSocket.OPEN && inFlight < MAX_IN_FLIGHT && video.readyState >= 2) {
    const t_s = (performance.now() - t0) / 1000;
    fitCapture();
    capture.getContext("2d").drawImage(video, 0, 0, capture.width, capture.height);
    inFlight += 1;
    capture.toBlob((blob) => {
      if (!blob || socket?.readyState !== WebSocket.OPEN) { inFlight = Math.max(0, inFlight - 1); return; }
      socket.send(JSON.stringify({ type: "frame", t_s }));
      socket.send(blob);
    }, "image/jpeg", JPEG_QUALITY);
  }
  if (!cameraOn && !video.srcObject) { looping = false; return; }
  if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(captureLoop);
  else setTimeout(captureLoop, 33);
}

function onMessage(msg) {
  if (msg.type === "ready") {
    running = true;
    t0 = performance.now();
    if (kind === "set" && stage === "countdown") runCountdown();
  } else if (msg.type === "state") {
    inFlight = Math.max(0, inFlight - 1);
    onState(msg);
  } else if (msg.type === "error") {
    if (msg.code === "blocked") {
      stopSet("");
      showStopped(`<div class="notice stop" role="alert"><h2>Please stop</h2><p>${escapeHtml(msg.message)}</p></div>`);
      return;
    }
    if (msg.code === "bad_request" || msg.code === "unavailable") {
      stopSet(msg.message);
      return;
    }
    if (msg.code === "bad_frame") inFlight = Math.max(0, inFlight - 1);
    coachError(msg.message);
  } else if (msg.type === "summary") {
    onSummary(msg);
  }
}

function updateCounter(s) {
  $("reps").textContent = String(s.reps);
  $("reps-left").textContent = String(s.reps_by_side?.left ?? 0);
  $("reps-right").textContent = String(s.reps_by_side?.right ?? 0);
  const target = s.target_hold_s || plan.hold;
  $("hold-s").textContent = s.hold_s.toFixed(1);
  const pct = target ? Math.min(100, (100 * s.hold_s) / target) : 0;
  $("hold-ring").setAttribute("stroke-dasharray", `${pct} ${100 - pct}`);
  $("hold-ring").style.opacity = pct > 0 ? "1" : "0";
}

function showTracking(s) {
  const badge = $("tracking");
  badge.className = `badge ${s.tracking}`;
  badge.textContent = s.tracking === "ok" ? "I can see you" : s.tracking === "lost" ? "Can't see you" : "Check the camera";
  if (stage === "countdown") return;  // the countdown owns the overlay text
  if (stage === "check") speakSetup(s);
  if (stage === "check" && s.tracking === "ok") unlockStart();
  // the tracker's own words ("I can't see you. ..." when lost) come with every state
  if (s.tracking !== "ok") stageMessage(s.setup_problem || SETUP_TEXT);
  else if (stage === "check") stageMessage("Good: I can see you. Press Start set when you are ready.");
  else if (stage === "rest") stageMessage("Rest. The next set starts by itself.");
  else stageMessage("");
}

function onState(s) {
  const now = performance.now();
  stateTimes.push(now);
  while (stateTimes.length && now - stateTimes[0] > 1000) stateTimes.shift();
  $("fps").textContent = String(stateTimes.length);
  showTracking(s);
  drawSkeleton(overlay, video, s.landmarks, { warn: s.counting !== false && s.faults.length > 0 });
  if (kind !== "set" || stage !== "set" || s.counting === false) {
    if (kind === "set" && stage === "countdown") for (const e of s.events) if (e.type === "stop") onEvent(e, s);
    return;
  }
  updateCounter(s);
  if (s.tracking === "ok") lostSince = null;
  else sayLostOnce(s);
  if (s.cue && s.tracking === "ok") {
    $("cue").textContent = s.cue;
    speaker.say(s.cue, "cue");
  } else if (!s.faults.length && s.tracking === "ok" && s.phase !== "target") {
    $("cue").textContent = "";
  }
  for (const event of s.events) onEvent(event, s);
  if (s.tracking === "ok") speakHold(s);
  checkTarget(s);
}

// The camera check speaks too (the user is on the floor): what to fix, once it has lasted
// a moment, and once "I can see you" when it is right.
let setupSaid = null;
let setupSince = null;
function speakSetup(s) {
  const now = performance.now();
  const text = s.tracking === "ok" ? "Good, I can see you. Press Start set when you are ready."
    : (s.setup_problem || SETUP_TEXT);
  if (text !== setupSince?.text) setupSince = { text, at: now };
  if (text !== setupSaid && now - setupSince.at > SAY_LOST_AFTER_MS) {
    setupSaid = text;
    speaker.say(text, "count");
  }
}

function sayLostOnce(s) {
  const now = performance.now();
  if (lostSince === null) lostSince = now;
  else if (lostSince > 0 && now - lostSince > SAY_LOST_AFTER_MS) {
    speaker.say(s.setup_problem || SETUP_TEXT, "count");
    lostSince = -1; // spoken for this episode
  }
}

// The voice leads the hold: "Hold…", then "3", "2", "1", then "down" (or "rest" for a plank).
function speakHold(s) {
  const target = s.target_hold_s;
  if (!target || s.phase !== "target" || s.hold_s <= 0) { spokenHoldMark = null; return; }
  const left = Math.ceil(target - s.hold_s);
  if (spokenHoldMark === null) {
    spokenHoldMark = left + 1;
    speaker.say("Hold…", "count");
    return;
  }
  if (left <= 0) {
    if (spokenHoldMark !== 0) speaker.say(plan.reps ? "And down, slowly." : "Well done. And rest.", "count");
    spokenHoldMark = 0;
  } else if (left < spokenHoldMark && (left <= 3 || left % 5 === 0)) {
    spokenHoldMark = left;
    speaker.say(String(left), "count");
  }
}

function onEvent(event, s) {
  if (event.type === "rep") {
    speaker.say(String(plan.perSide && event.side ? s.reps_by_side[event.side] : s.reps), "count");
  } else if (event.type === "stop") {
    $("cue").textContent = event.message;
    speaker.say(event.message, "count");
  }
}

function checkTarget(s) {
  if (endRequested) return;
  let reached = false;
  if (plan.reps) {
    reached = plan.perSide
      ? (s.reps_by_side.left ?? 0) >= plan.reps && (s.reps_by_side.right ?? 0) >= plan.reps
      : s.reps >= plan.reps;
  } else if (plan.hold) {
    reached = s.hold_s >= plan.hold;
  }
  if (reached) {
    endRequested = true;
    setTimeout(() => endSet(), 800);
  }
}

function endSet() {
  if (stage === "countdown") {  // ended during the countdown: nothing counted; back to the check
    if (countdownTimer) clearTimeout(countdownTimer);
    countdownTimer = null;
    openSocket("preview");
    setStage("check");
    resetCounter();
    return;
  }
  endRequested = true;
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
  else stopSet("");
}

function stopSet(message) {
  running = false;
  if (stage === "countdown" || stage === "set") setStage("check");
  if (message) coachError(message);
}

function showStopped(html) {
  stopCamera();
  setStage("stopped");
  const result = $("set-result");
  result.insertAdjacentHTML("beforeend", `${html}
    <p><a class="button primary" id="next-exercise" href="/session/${plan.session}">Back to the session</a></p>`);
}

function holdsText(set) {
  return set.holds_s?.length ? `<p>Good-form holds: ${set.holds_s.map((h) => h.toFixed(1)).join(" s, ")} s.</p>` : "";
}

async function onSummary(msg) {
  running = false;
  closeSocket();
  const set = msg.set;
  if (set) repsDone += set.reps;
  const result = $("set-result");
  result.innerHTML = `<h2>${setLine()} done</h2>${set ? `<p><strong>${set.reps}</strong> rep${set.reps === 1 ? "" : "s"} saved.</p>${holdsText(set)}` : ""}`;
  result.dataset.reps = set ? String(set.reps) : "";
  drawSkeleton(overlay, video, null);
  $("fps").textContent = "0";
  resetCounter();  // the result card keeps this set's numbers; the counter waits for the next
  if (msg.stopped) {
    speaker.say("Set stopped.", "count");
    showStopped(`<div class="notice stop" role="alert"><h2>Set stopped</h2><p>${escapeHtml(msg.stopped.message)}</p>
      <p>Rest, and only carry on if it feels right. If this keeps happening, please ask your physiotherapist.</p></div>`);
    return;
  }
  setStage("feel");
  const carryOn = await askHowItFelt();
  if (!carryOn) return;
  if (setNo >= plan.sets) {
    complete();
    return;
  }
  setNo += 1;
  $("set-no").textContent = String(setNo);  // the header says which set comes next
  setStage("rest");
  openSocket("preview");
  await runRest(plan.rest, { section: $("rest"), output: $("rest-s"), skipButton: $("skip-rest"),
    speaker, intro: `Rest. Set ${setNo} of ${plan.sets} starts by itself.` });
  if (stage === "rest") startSet();
}

function complete() {
  stopCamera();
  setStage("complete");
  $("set-result").insertAdjacentHTML("beforeend", `<div class="notice ok" id="exercise-complete"><h2>Exercise complete</h2>
    <p>${escapeHtml(completeText(plan, root.dataset.name || "this exercise", repsDone))} The camera is off.</p></div>
    ${nextStepHtml(root, plan, "coach")}`);
  speaker.say("That was the last set. Exercise complete. Well done.", "count");
  $("next-exercise").focus();
}

// After each set: only what the stop rules need, starting from the last answers; the core
// decides whether this exercise must stop.
function askHowItFelt() {
  const section = $("set-feel");
  const form = $("checkin-form");
  for (const range of form.querySelectorAll("input[type=range]")) {
    range.dataset.answered = "false";
    range.dispatchEvent(new Event("refresh"));
  }
  for (const radio of form.querySelectorAll("input[name=spreading]")) radio.checked = false;
  $("symptom-details").hidden = true;
  $("symptom-details").dataset.changed = "false";
  showError($("checkin-error"), "");
  section.hidden = false;
  form.querySelector("input").focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const missing = unanswered(form);
      if (missing.length) { showError($("checkin-error"), unansweredMessage(missing)); return; }
      try {
        const out = await api("/api/checkins", { method: "POST", body: {
          when: "during", session_id: plan.session, exercise_id: plan.exercise, ...readCheckin(form) } });
        section.hidden = true;
        if (out.stop) {
          speaker.say("Please stop this exercise for today.", "count");
          showStopped(`<div class="notice stop" role="alert">
            <h2>Please stop this exercise for today</h2>${out.messages.map((m) => `<p>${escapeHtml(m)}</p>`).join("")}</div>`);
          resolve(false);
        } else resolve(true);
      } catch (err) {
        showError($("checkin-error"), err.message);
      }
    };
  });
}

linkRanges($("set-feel"));
linkSpreading($("checkin-form"));
setStage("check");
$("start-set").addEventListener("click", startSet);
$("end-set").addEventListener("click", endSet);
window.addEventListener("beforeunload", () => socket?.close());
startCamera();
