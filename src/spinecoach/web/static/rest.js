// A rest timer between sets: counts down, speaks the last seconds, can be skipped.
export function runRest(seconds, { section, output, skipButton, speaker }) {
  return new Promise((resolve) => {
    section.hidden = false;
    let left = Math.round(seconds);
    output.textContent = String(left);
    speaker?.say("Rest", "count");
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
