// One voice, one phrase at a time. Server speech (espeak-ng) when the server has it,
// else the browser's speechSynthesis, else silence. The text is always shown on the page too.

const CUE_COOLDOWN_MS = 2500;

export class Speaker {
  constructor() {
    this.enabled = true;
    this.server = null; // unknown until /api/health answers
    this.busy = false;
    this.pending = null; // only the newest waiting phrase is kept
    this.lastCueAt = 0;
    this.audio = new Audio();
    fetch("/api/health").then((r) => r.json()).then((h) => { this.server = Boolean(h.speech); })
      .catch(() => { this.server = false; });
  }

  bindToggle(button) {
    button.addEventListener("click", () => {
      this.enabled = !this.enabled;
      button.setAttribute("aria-pressed", String(this.enabled));
      button.textContent = this.enabled ? "Sound on" : "Sound off";
      if (!this.enabled) this.stop();
    });
  }

  // kind: "count" (never skipped by the cool-down) or "cue" (cool-down applies)
  say(text, kind = "cue") {
    if (!this.enabled || !text) return;
    const now = performance.now();
    if (kind === "cue") {
      if (now - this.lastCueAt < CUE_COOLDOWN_MS) return;
      this.lastCueAt = now;
    }
    this.pending = text;
    if (!this.busy) this.next();
  }

  stop() {
    this.pending = null;
    this.audio.pause();
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  }

  async next() {
    const text = this.pending;
    this.pending = null;
    if (!text) return;
    this.busy = true;
    try {
      if (this.server !== false && await this.playServer(text)) { /* spoken */ }
      else await this.playBrowser(text);
    } finally {
      this.busy = false;
      if (this.pending) this.next();
    }
  }

  async playServer(text) {
    try {
      const response = await fetch(`/api/speech?text=${encodeURIComponent(text)}`);
      if (response.status === 503) { this.server = false; return false; }
      if (!response.ok) return false;
      const url = URL.createObjectURL(await response.blob());
      this.audio.src = url;
      await new Promise((resolve) => {
        this.audio.onended = resolve;
        this.audio.onerror = resolve;
        this.audio.play().catch(resolve);
        setTimeout(resolve, 6000);
      });
      URL.revokeObjectURL(url);
      return true;
    } catch (err) {
      return false;
    }
  }

  playBrowser(text) {
    const synth = window.speechSynthesis;
    if (!synth || synth.getVoices().length === 0 && !("onvoiceschanged" in synth)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 0.95;
      utterance.onend = resolve;
      utterance.onerror = resolve;
      synth.speak(utterance);
      setTimeout(resolve, 5000);
    });
  }
}
