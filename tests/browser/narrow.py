"""What makes a page unreadable on a narrow phone, measured in the browser (tests/browser/test_phone_lists.py).

A page fails when the document itself scrolls sideways (a deliberately scrolling `.table-responsive`
may scroll inside the page: that is a choice, shown by the scrollbar), or when a visible table cell
holding text is narrower than two characters of its own font (the 1–3-characters-per-column squeeze),
or when a table shown as cards (`.portal-table`) has a value without the column label beside it.
"""

NARROW_JS = r"""() => {
  const problems = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${doc.scrollWidth}px wide in ${doc.clientWidth}px`);
  }
  for (const cell of document.querySelectorAll("td, th")) {
    const text = cell.innerText.trim();
    if (!text || cell.getClientRects().length === 0) continue;
    const style = getComputedStyle(cell);
    if (style.visibility === "hidden") continue;
    const width = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (width < 2 * parseFloat(style.fontSize) - 0.5) {
      problems.push(`a cell ${Math.round(width)}px wide (font ${style.fontSize}): "${text.slice(0, 20)}"`);
    }
  }
  for (const cell of document.querySelectorAll(".portal-table td")) {
    if (window.innerWidth >= 576 || cell.hasAttribute("colspan") || cell.hasAttribute("data-label")) continue;
    const text = cell.innerText.trim();
    // An action cell (查看, 查看协议) needs no label: its links name themselves.
    const actions = [...cell.querySelectorAll("a, button")].map((a) => a.innerText).join("").replace(/\s/g, "");
    if (actions && actions === text.replace(/\s/g, "")) continue;
    if (text && cell.getClientRects().length) problems.push(`a card value without its label: "${text.slice(0, 20)}"`);
  }
  return problems;
}"""
