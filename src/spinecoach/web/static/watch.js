// The big screen: the live counts of this account's set whose camera is another device (the
// phone). Messages come from /ws/watch as the phone's /ws/coach gets them (docs/websocket.md).
//
// root's data-stage: waiting (no live set) | paired (a phone just signed in) | check (the
// phone's camera check) | countdown | set | done (the set's summary came) | off (closed);
// data-seen lists every stage shown so far, data-states counts the states received.
const root = document.getElementById("phone");
const $ = (id) => document.getElementById(id);
const RETRY_MAX_MS = 10_000;

let current = null;  // the ready message of the live connection shown
let states = 0;
let retryMs = 1000;

function stage(name) {
  root.dataset.stage = name;
  const seen = (root.dataset.seen || "").split(" ").filter(Boolean);
  if (!seen.includes(name)) root.dataset.seen = [...seen, name].join(" ");  // for the tests
}
function status(text) { $("watch-status").textContent = text; }

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/watch`);
  ws.onmessage = (event) => onMessage(JSON.parse(event.data));
  ws.onopen = () => { retryMs = 1000; };
  ws.onclose = () => {
    if (root.dataset.stage === "set" || root.dataset.stage === "countdown") {
      status("Lost the connection to spinecoach. Trying again…");
    }
    setTimeout(connect, retryMs);
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  };
}

function onMessage(msg) {
  if (msg.type === "paired") {
    stage("paired");
    $("watch-title").textContent = "Your phone is signed in";
    status("On the phone, open the exercise and start the camera. Its counts show here.");
  } else if (msg.type === "ready") {
    onReady(msg);
  } else if (msg.type === "state" && current && msg.live_id === current.live_id) {
    onState(msg);
  } else if (msg.type === "summary" && current && msg.live_id === current.live_id) {
    onSummary(msg);
  } else if (msg.type === "closed" && current && msg.live_id === current.live_id) {
    if (root.dataset.stage !== "done") {
      stage("off");
      status("The phone's camera is off.");
      $("watch-tracking").className = "badge";
      $("watch-tracking").textContent = "Camera off";
    }
  }
}

function onReady(msg) {
  current = msg;
  const pairing = $("pairing");
  if (pairing) pairing.hidden = true;  // the phone is the camera now: this is the big screen
  const setLine = msg.sets ? `Set ${msg.set_no} of ${msg.sets}` : `Set ${msg.set_no}`;
  $("watch-title").textContent = msg.recording ? `${msg.name}: ${setLine}` : msg.name;
  $("watch-numbers").hidden = false;
  $("watch-reps-of").textContent = msg.reps_target
    ? `of ${msg.reps_target}${msg.per_side ? " each side" : ""}` : "";
  $("watch-by-side").hidden = !msg.per_side;
  $("watch-hold").hidden = !msg.target_hold_s;
  $("watch-reps").closest(".counter").hidden = !msg.reps_target && Boolean(msg.target_hold_s);
  $("watch-cue").textContent = "";
  show({ reps: 0, reps_by_side: {}, hold_s: 0, target_hold_s: msg.target_hold_s });
  if (msg.recording) {
    stage("countdown");
    status("Get into position…");
  } else {
    stage("check");
    status("Camera check: nothing is recorded yet.");
  }
}

function show(s) {
  $("watch-reps").textContent = String(s.reps);
  $("watch-left").textContent = String(s.reps_by_side?.left ?? 0);
  $("watch-right").textContent = String(s.reps_by_side?.right ?? 0);
  $("watch-hold-s").textContent = (s.hold_s || 0).toFixed(1);
  const target = s.target_hold_s || 0;
  const pct = target ? Math.min(100, (100 * (s.hold_s || 0)) / target) : 0;
  $("watch-ring").setAttribute("stroke-dasharray", `${pct} ${100 - pct}`);
}

function showTracking(s) {
  const badge = $("watch-tracking");
  badge.className = `badge ${s.tracking}`;
  badge.textContent = s.tracking === "ok" ? "The phone can see you"
    : s.tracking === "lost" ? "The phone can't see you" : "Check the phone's camera";
}

function onState(s) {
  states += 1;
  root.dataset.states = String(states);
  showTracking(s);
  if (!current.recording) {
    status(s.tracking === "ok" ? "Camera check: the phone can see you."
      : (s.setup_problem || "Camera check: turn side-on, with your whole body in view."));
    return;
  }
  if (s.counting === false) return;  // the countdown: nothing counts yet
  if (root.dataset.stage === "countdown") { stage("set"); status("Go."); }
  show(s);
  if (s.tracking !== "ok") status(s.setup_problem || "The phone can't see you. Move into the frame.");
  else status("");
  if (s.cue && s.tracking === "ok") $("watch-cue").textContent = s.cue;
  else if (!s.faults.length && s.tracking === "ok" && s.phase !== "target") $("watch-cue").textContent = "";
  for (const event of s.events) {
    if (event.type === "stop") $("watch-cue").textContent = event.message;
  }
}

function onSummary(msg) {
  stage("done");
  const set = msg.set;
  if (msg.stopped) status(`Set stopped: ${msg.stopped.message}`);
  else if (set) status(`Set done: ${set.reps} rep${set.reps === 1 ? "" : "s"} saved.`);
  else status("Set done.");
  if (set) $("watch-reps").textContent = String(set.reps);
  $("watch-cue").textContent = "";
}

connect();
