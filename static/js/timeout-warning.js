// The GOV.UK timeout warning: a modal dialog, opened before the session ends, that lets the user
// stay signed in. The session ends data-session-seconds after the page was served (the server
// gives the time actually left: decisions/accounts/sessions.py); the dialog opens
// data-warning-seconds before that. The markup is in templates/pages/_timeout_warning.html.
// A module file (not inline): the CSP allows script-src 'self' only.

const dialog = document.getElementById("timeout-warning");

function describe(milliseconds) {
  // Coarse steps, so the live region speaks a few times, not every second.
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  if (seconds > 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  if (seconds > 20) {
    const rounded = Math.ceil(seconds / 20) * 20;
    return rounded === 60 ? "1 minute" : `${rounded} seconds`;
  }
  return "less than 20 seconds";
}

if (dialog && typeof dialog.showModal === "function") {
  const sessionMs = Number(dialog.dataset.sessionSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  const heading = dialog.querySelector("#timeout-warning-heading");
  const stay = dialog.querySelector(".app-timeout-dialog__stay");
  const signOutForm = document.getElementById("sign-out-form");
  let expiresAt = 0;
  let warnTimer = null;
  let tickTimer = null;
  let returnFocusTo = null;

  const signOut = async () => {
    clearInterval(tickTimer);
    try {
      await fetch(signOutForm.action, { method: "POST", body: new FormData(signOutForm), credentials: "same-origin" });
    } finally {
      window.location.href = dialog.dataset.signedOutUrl;
    }
  };

  const tick = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      signOut();
      return;
    }
    const text = describe(left);
    if (countdown.textContent !== text) countdown.textContent = text;
  };

  const start = (seconds) => {
    expiresAt = Date.now() + (seconds ? seconds * 1000 : sessionMs);
    clearTimeout(warnTimer);
    clearInterval(tickTimer);
    warnTimer = setTimeout(warn, Math.max(0, expiresAt - Date.now() - warningMs));
  };

  const warn = () => {
    returnFocusTo = document.activeElement;
    countdown.textContent = describe(expiresAt - Date.now());
    dialog.showModal();
    heading.focus();
    tickTimer = setInterval(tick, 1000);
  };

  const staySignedIn = async () => {
    clearInterval(tickTimer);
    let response;
    try {
      response = await fetch(dialog.dataset.keepAliveUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      response = null;
    }
    if (!response || !response.ok) {
      window.location.href = dialog.dataset.signedOutUrl;
      return;
    }
    const body = await response.json();
    dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
    start(body.seconds);
  };

  stay.addEventListener("click", staySignedIn);
  // Escape closes the dialog: as in the GOV.UK pattern, that means "stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });

  start();
}
