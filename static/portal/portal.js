// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Large selects (villages, units, talents) get type-to-search; Chinese labels for its messages.
  function enhanceSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-tom-select]").forEach(function (el) {
      if (el.tomselect) return;
      new TomSelect(el, {
        maxOptions: 200,
        allowEmptyOption: true,
        plugins: el.multiple ? ["remove_button"] : [],
        render: {
          no_results: function () { return '<div class="no-results">没有匹配的选项</div>'; },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); });
})();
