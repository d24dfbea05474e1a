/* A table (or any frame) that scrolls sideways in a narrow window can also be scrolled with the
   keyboard (WCAG 2.1.1): it becomes a tab stop while it scrolls and has nothing focusable of its
   own. Without JavaScript the frame still scrolls with a finger or a mouse. */
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function scrolls(element) {
    var overflow = window.getComputedStyle(element).overflowX;
    return (overflow === "auto" || overflow === "scroll") &&
      element.scrollWidth > element.clientWidth + 1;
  }

  function mark() {
    var frames = document.querySelectorAll("main .data-table, main .table-scroll, main [data-scrolls]");
    Array.prototype.forEach.call(frames, function (frame) {
      var added = frame.hasAttribute("data-scrolls");
      if (scrolls(frame)) {
        if (!added && !frame.hasAttribute("tabindex") && !frame.querySelector(FOCUSABLE)) {
          frame.setAttribute("tabindex", "0");
          frame.setAttribute("data-scrolls", "");
        }
      } else if (added) {
        frame.removeAttribute("tabindex");
        frame.removeAttribute("data-scrolls");
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", later);
})();
