"""What makes a page unreadable on a narrow phone, measured in the browser (tests/browser/test_phone_lists.py).

A page fails when the document itself scrolls sideways (a deliberately scrolling `.table-responsive`
may scroll inside the page: that is a choice, shown by the scrollbar), or when a visible table cell
holding text is narrower than two characters of its own font (the 1–3-characters-per-column squeeze).
"""

NARROW_JS = """() => {
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
  return problems;
}"""
