// The repeat details of the meeting form show only for a repeating meeting. Without
// JavaScript they stay in a folded <details> section that anyone can open.
(function () {
  "use strict";
  var kind = document.getElementById("id_repeat_kind");
  var details = document.getElementById("repeat-details");
  if (!kind || !details) {
    return;
  }
  function update() {
    var repeats = kind.value !== "none";
    details.hidden = !repeats;
    if (repeats) {
      details.open = true;
    }
  }
  kind.addEventListener("change", update);
  update();
})();
