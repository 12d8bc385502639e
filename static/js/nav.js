// The main menu's drop-downs are <details> elements, so they open without JavaScript.
// With it, only one is open at a time, and a click elsewhere or Escape closes it.
(function () {
  "use strict";
  var menus = document.querySelectorAll(".nav-menu details");
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeAll(menu);
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".nav-menu details")) {
      closeAll(null);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector(".nav-menu details[open]");
      if (open) {
        open.removeAttribute("open");
        open.querySelector("summary").focus();
      }
    }
  });
})();
