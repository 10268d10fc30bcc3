// Live coaching: camera -> JPEG frames over /ws/coach -> state -> counter, hold ring, cues.
import { drawSkeleton } from "./overlay.js";
import { runRest } from "./rest.js";
import { Speaker } from "./speech.js";
import { api, escapeHtml, linkRanges, readCheckin, readPlan, showError } from "./api.js";

const root = document.getElementById("coach");
const $ = (id) => document.getElementById(id);
const plan = readPlan(root);
const MAX_IN_FLIGHT = 2;
const JPEG_QUALITY = 0.7;
const CAPTURE_W = 640;
const CAPTURE_H = 480;
const SETUP_TEXT = "Turn side-on, with your whole body in view.";  // when the server gives none

const video = $("video");
const overlay = $("overlay");
const speaker = new Speaker();
speaker.bindToggle($("sound"));
const capture = document.createElement("canvas");
capture.width = CAPTURE_W;
capture.height = CAPTURE_H;

let setNo = 1;
let socket = null;
let inFlight = 0;
let t0 = 0;
let running = false; // a socket is ready and frames are being sent
let mode = "preview"; // "preview" = camera check, nothing recorded; "set" = recording a set
let looping = false;
let lastState = null;
let spokenHoldMark = null;
let stateTimes = [];
let endRequested = false;
let lostSince = null; // when tracking was lost during a set (spoken once per episode)
const SAY_LOST_AFTER_MS = 2000;

function stageMessage(text) { $("stage-message").textContent = text || ""; }
function coachError(text) { $("coach-error").textContent = text || ""; $("coach-error").hidden = !text; }

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
    stream.getVideoTracks()[0].addEventListener("ended", () => {
      stopSet("The camera stopped. Your completed reps are saved.");
      cameraFailed("The camera was disconnected.");
    });
    stageMessage("Checking the camera…");
    $("start-set").disabled = false;
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

function cameraFailed(text) {
  $("camera-error-text").textContent = text;
  $("camera-error").hidden = false;
  $("start-set").disabled = true;
  stageMessage("Camera not available");
  $("tracking").textContent = "No camera";
}

function openSocket(kind) {
  if (socket) {
    const old = socket;
    old.onclose = null;
    old.onmessage = null;
    if (old.readyState === WebSocket.OPEN) old.send(JSON.stringify({ type: "end" }));
    old.close();
  }
  mode = kind;
  running = false;
  inFlight = 0;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const record = kind === "set" ? `&session=${plan.session}` : "";
  const url = `${scheme}://${location.host}/ws/coach?exercise=${encodeURIComponent(plan.exercise)}${record}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onmessage = (event) => onMessage(JSON.parse(event.data));
  ws.onclose = () => {
    if (socket !== ws) return;
    if (running && mode === "set") stopSet("The connection to spinecoach was lost. Your completed reps are saved.");
    running = false;
    socket = null;
  };
  ws.onerror = () => coachError("The connection to spinecoach failed. Is it still running?");
}

const GET_READY_S = 5;
let countdownTimer = null;

// A short spoken countdown first: the user is often on the floor, away from the keyboard.
function startSet() {
  coachError("");
  $("set-result").hidden = true;
  $("start-set").hidden = true;
  $("end-set").hidden = false;
  let left = GET_READY_S;
  const tick = () => {
    if (left === 0) {
      countdownTimer = null;
      beginRecording();
      return;
    }
    $("cue").textContent = `Get into position: ${left}`;
    speaker.say(String(left), "count");
    left -= 1;
    countdownTimer = setTimeout(tick, 1000);
  };
  speaker.say("Get into position", "count");
  tick();
}

function beginRecording() {
  endRequested = false;
  stateTimes = [];
  spokenHoldMark = null;
  $("cue").textContent = "Go";
  updateCounter({ reps: 0, reps_by_side: {}, hold_s: 0, target_hold_s: plan.hold });
  openSocket("set");
  speaker.say("Go", "count");
}

function captureLoop() {
  if (running && socket?.readyState === WebSocket.OPEN && inFlight < MAX_IN_FLIGHT && video.readyState >= 2) {
    const t_s = (performance.now() - t0) / 1000;
    capture.getContext("2d").drawImage(video, 0, 0, CAPTURE_W, CAPTURE_H);
    inFlight += 1;
    capture.toBlob((blob) => {
      if (!blob || socket?.readyState !== WebSocket.OPEN) { inFlight = Math.max(0, inFlight - 1); return; }
      socket.send(JSON.stringify({ type: "frame", t_s }));
      socket.send(blob);
    }, "image/jpeg", JPEG_QUALITY);
  }
  if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(captureLoop);
  else setTimeout(captureLoop, 33);
}

function onMessage(msg) {
  if (msg.type === "ready") {
    running = true;
    t0 = performance.now();
  } else if (msg.type === "state") {
    inFlight = Math.max(0, inFlight - 1);
    onState(msg);
  } else if (msg.type === "error") {
    if (msg.code === "blocked") {
      stopSet("");
      $("set-result").hidden = false;
      $("set-result").innerHTML = `<div class="notice stop" role="alert"><h2>Please stop</h2><p>${escapeHtml(msg.message)}</p></div>`;
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

function onState(s) {
  lastState = s;
  const now = performance.now();
  stateTimes.push(now);
  while (stateTimes.length && now - stateTimes[0] > 1000) stateTimes.shift();
  $("fps").textContent = String(stateTimes.length);
  if (mode === "set") updateCounter(s);
  const badge = $("tracking");
  badge.className = `badge ${s.tracking}`;
  badge.textContent = s.tracking === "ok" ? "I can see you" : s.tracking === "lost" ? "Can't see you" : "Check the camera";
  if (s.tracking === "ok") lostSince = null;
  else if (mode === "set") sayLostOnce(s);
  // the tracker's own words ("I can't see you. ..." when lost) come with every state
  if (s.tracking !== "ok") stageMessage(s.setup_problem || SETUP_TEXT);
  else stageMessage(mode === "preview" ? "Good: I can see you. Press Start set when you are ready." : "");
  drawSkeleton(overlay, video, s.landmarks, { warn: s.faults.length > 0 });
  if (mode !== "set") return;
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

function sayLostOnce(s) {
  const now = performance.now();
  if (lostSince === null) lostSince = now;
  else if (lostSince > 0 && now - lostSince > SAY_LOST_AFTER_MS) {
    speaker.say(s.setup_problem || SETUP_TEXT, "count");
    lostSince = -1; // spoken for this episode
  }
}

function speakHold(s) {
  const target = s.target_hold_s;
  if (!target || s.phase !== "target" || s.hold_s <= 0) { spokenHoldMark = null; return; }
  const left = Math.ceil(target - s.hold_s);
  if (left <= 0) {
    if (spokenHoldMark !== 0) speaker.say(plan.reps ? "And down, slowly" : "Well done", "count");
    spokenHoldMark = 0;
  } else if (left !== spokenHoldMark && (left <= 3 || left % 5 === 0)) {
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
  if (countdownTimer) {  // ended during the countdown: nothing was recorded
    clearTimeout(countdownTimer);
    countdownTimer = null;
    $("cue").textContent = "";
    $("end-set").hidden = true;
    $("start-set").hidden = false;
    return;
  }
  endRequested = true;
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
  else stopSet("");
}

function stopSet(message) {
  running = false;
  $("end-set").hidden = true;
  $("start-set").hidden = false;
  if (message) coachError(message);
}

async function onSummary(msg) {
  running = false;
  $("end-set").hidden = true;
  const set = msg.set;
  const parts = [];
  if (set) {
    parts.push(`<p><strong>${set.reps}</strong> rep${set.reps === 1 ? "" : "s"} saved.</p>`);
    if (set.holds_s?.length) parts.push(`<p>Good-form holds: ${set.holds_s.map((h) => h.toFixed(1)).join(" s, ")} s.</p>`);
  }
  if (msg.stopped) {
    parts.unshift(`<div class="notice stop" role="alert"><h2>Set stopped</h2><p>${escapeHtml(msg.stopped.message)}</p>
      <p>Rest, and only carry on if it feels right. If this keeps happening, please ask your physiotherapist.</p></div>`);
  }
  const result = $("set-result");
  result.innerHTML = `<h2>Set ${setNo} done</h2>${parts.join("")}`;
  result.hidden = false;
  result.dataset.reps = set ? String(set.reps) : "";
  if (socket) socket.close();
  socket = null;
  drawSkeleton(overlay, video, null);
  $("fps").textContent = "0";
  const carryOn = await askHowItFelt();
  if (!carryOn) return;
  if (setNo >= plan.sets || msg.stopped) {
    result.insertAdjacentHTML("beforeend", `<p><a class="button primary" id="next-exercise" href="/session/${plan.session}">Back to the session</a></p>`);
    speaker.say("Well done. That exercise is finished.", "count");
    return;
  }
  setNo += 1;
  $("set-no").textContent = String(setNo);
  openSocket("preview");
  await runRest(plan.rest, { section: $("rest"), output: $("rest-s"), skipButton: $("skip-rest"), speaker });
  $("start-set").hidden = false;
  $("start-set").focus();
}

// After each set: pain and leg symptoms; the core decides whether this exercise must stop.
function askHowItFelt() {
  const section = $("set-feel");
  const form = $("checkin-form");
  section.hidden = false;
  form.querySelector("input").focus();
  return new Promise((resolve) => {
    form.onsubmit = async (event) => {
      event.preventDefault();
      try {
        const out = await api("/api/checkins", { method: "POST", body: {
          when: "during", session_id: plan.session, exercise_id: plan.exercise, ...readCheckin(form) } });
        section.hidden = true;
        if (out.stop) {
          $("set-result").insertAdjacentHTML("beforeend", `<div class="notice stop" role="alert">
            <h2>Please stop this exercise for today</h2>${out.messages.map((m) => `<p>${escapeHtml(m)}</p>`).join("")}
            <p><a class="button primary" href="/session/${plan.session}">Back to the session</a></p></div>`);
          speaker.say("Please stop this exercise for today.", "count");
          resolve(false);
        } else resolve(true);
      } catch (err) {
        showError($("checkin-error"), err.message);
      }
    };
  });
}

linkRanges($("set-feel"));
$("start-set").addEventListener("click", startSet);
$("end-set").addEventListener("click", endSet);
window.addEventListener("beforeunload", () => socket?.close());
startCamera();
