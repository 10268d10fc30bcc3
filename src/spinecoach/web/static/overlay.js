// Draw the skeleton sent by the server over the video.
const EDGES = [
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32],
  [28, 32], [0, 2], [0, 5], [2, 7], [5, 8],
];
const MIN_VISIBILITY = 0.5;

export function drawSkeleton(canvas, video, landmarks, { warn = false } = {}) {
  const rect = canvas.getBoundingClientRect();
  const scale = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(rect.width * scale)) {
    canvas.width = Math.round(rect.width * scale);
    canvas.height = Math.round(rect.height * scale);
  }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!landmarks || !video.videoWidth) return;
  // the video is drawn with object-fit: contain; place the picture box the same way
  const vr = video.videoWidth / video.videoHeight;
  const cr = canvas.width / canvas.height;
  const w = vr > cr ? canvas.width : canvas.height * vr;
  const h = vr > cr ? canvas.width / vr : canvas.height;
  const ox = (canvas.width - w) / 2;
  const oy = (canvas.height - h) / 2;
  const visible = (p) => p && p[0] !== null && p[1] !== null && (p[3] ?? 1) >= MIN_VISIBILITY;
  const at = (p) => [ox + p[0] * w, oy + p[1] * h];
  ctx.lineWidth = 4 * scale;
  ctx.lineCap = "round";
  ctx.strokeStyle = warn ? "#f2b705" : "#7fe0c8";
  for (const [a, b] of EDGES) {
    const pa = landmarks[a];
    const pb = landmarks[b];
    if (!visible(pa) || !visible(pb)) continue;
    ctx.beginPath();
    ctx.moveTo(...at(pa));
    ctx.lineTo(...at(pb));
    ctx.stroke();
  }
  ctx.fillStyle = "#ffffff";
  for (const p of landmarks) {
    if (!visible(p)) continue;
    const [x, y] = at(p);
    ctx.beginPath();
    ctx.arc(x, y, 4 * scale, 0, Math.PI * 2);
    ctx.fill();
  }
}
