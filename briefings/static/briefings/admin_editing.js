// Keeps this change form noted as open while it is (briefings/presence.py), shows who
// else has it open, and says when it closes. Without this script the note simply expires.
// The admin loads this in <head>, so it waits for the page.
document.addEventListener("DOMContentLoaded", () => {
  const note = document.getElementById("also-editing");
  if (!note) return;
  const token = () => document.querySelector("[name=csrfmiddlewaretoken]").value;
  const tell = (fields) => {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token());
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  };
  const renew = async () => {
    try {
      const response = await fetch(note.dataset.url, { method: "POST", body: tell({}) });
      const { others } = await response.json();
      note.querySelector("span").textContent = others.join(", ");
      note.hidden = others.length === 0;
    } catch {
      // Offline for a moment: the next beat tries again.
    }
  };
  setInterval(renew, 30_000);
  addEventListener("pagehide", () => navigator.sendBeacon(note.dataset.url, tell({ closed: "1" })));
});
