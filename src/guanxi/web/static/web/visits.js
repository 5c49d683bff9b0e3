// Visit plan pages: with scripts on, the chosen customer's contacts load by themselves, so the
// "show contacts" fallback button for browsers without scripts is hidden.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  document.querySelectorAll(".vp-pick").forEach((button) => {
    button.hidden = true;
  });
});
