// Concord console: small progressive enhancements; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error so that screen readers announce it first.
  const error = document.querySelector("[role=alert]");
  if (error) {
    error.setAttribute("tabindex", "-1");
    error.focus();
  }
  // Buttons that ask before acting.
  for (const b of document.querySelectorAll("button[data-confirm]")) {
    b.addEventListener("click", (e) => {
      if (!window.confirm(b.dataset.confirm)) e.preventDefault();
    });
  }
});
