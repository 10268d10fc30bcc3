// A rest timer between sets: counts down, speaks the last seconds; "I'm ready" ends it early.
// It resolves when the rest is over either way, so the caller starts the next set by itself.
export function runRest(seconds, { section, output, skipButton, speaker, intro = "Rest" }) {
  return new Promise((resolve) => {
    section.hidden = false;
    let left = Math.round(seconds);
    output.textContent = String(left);
    speaker?.say(intro, "count");
    const finish = () => {
      clearInterval(timer);
      section.hidden = true;
      skipButton.removeEventListener("click", finish);
      resolve();
    };
    const timer = setInterval(() => {
      left -= 1;
      output.textContent = String(Math.max(left, 0));
      if (left > 0 && left <= 3) speaker?.say(String(left), "count");
      if (left <= 0) finish();
    }, 1000);
    skipButton.addEventListener("click", finish);
    skipButton.focus();
  });
}
