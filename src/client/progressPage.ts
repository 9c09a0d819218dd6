// The page of the progress panel (progressPanel.ts hosts it): it draws the markup the host posts and
// reports clicks on records. It loads nothing, neither remote nor local: its one script and its stylesheet
// are inline, each allowed by the nonce of the Content Security Policy. No `vscode` here, so that a plain
// browser can run the page.

/** The page: the styles and the script that draws what the host posts and reports clicks. */
export function progressPageHtml(nonce: string): string {
  const csp = [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Extraction Progress</title>
<style nonce="${nonce}">${PAGE_CSS}</style>
</head>
<body>
<main id="app"><p class="empty">Computing the extraction progress…</p></main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>`;
}

// The markup posted is core's element tree serialized with every text and attribute escaped.
const PAGE_SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const app = document.getElementById('app');
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'render' || typeof message.html !== 'string') return;
    const focused = document.activeElement && document.activeElement.closest('[data-path]');
    const focusedPath = focused ? focused.getAttribute('data-path') : null;
    const focusedReview = focused ? focused.closest('[data-review]')?.getAttribute('data-review') : null;
    app.innerHTML = message.html;
    if (focusedPath !== null) {
      const again = [...app.querySelectorAll('[data-review]')]
        .filter((section) => section.getAttribute('data-review') === focusedReview)
        .flatMap((section) => [...section.querySelectorAll('button[data-path]')])
        .find((button) => button.getAttribute('data-path') === focusedPath);
      if (again) again.focus();
    }
    vscode.postMessage({ type: 'rendered', seq: message.seq, rows: app.querySelectorAll('tbody tr').length });
  });
  app.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-path]') : null;
    const section = button ? button.closest('[data-review]') : null;
    if (!button || !section) return;
    vscode.postMessage({
      type: 'open',
      review: Number(section.getAttribute('data-review')),
      path: button.getAttribute('data-path'),
    });
  });
  vscode.postMessage({ type: 'ready' });
})();`;

// VS Code's theme variables only: the panel follows light, dark and high-contrast themes.
const PAGE_CSS = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 12px 16px; }
h2 { font-size: 1.15em; font-weight: 600; margin: 16px 0 4px; }
.summary { margin: 0 0 10px; color: var(--vscode-descriptionForeground); }
.empty { color: var(--vscode-descriptionForeground); }
.error { color: var(--vscode-errorForeground); }
/* A narrow panel scrolls the table sideways, the study column staying in view. */
.table-wrap { overflow-x: auto; max-width: 100%; }
table.progress { border-collapse: collapse; min-width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); }
thead th { font-weight: 600; }
th.study { position: sticky; left: 0; z-index: 1; background: var(--vscode-editor-background);
  font-weight: normal; font-family: var(--vscode-editor-font-family); white-space: nowrap; }
thead th.study { font-weight: 600; font-family: inherit; }
th.consensus, td.consensus {
  border-left: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); }
td.cell { min-width: 7.5em; }
.num { text-align: right; }
.record { display: flex; flex-wrap: wrap; align-items: baseline; }
.label { white-space: nowrap; }
.mark { display: inline-block; width: 1.2em; }
button.record { font: inherit; color: inherit; background: none; border: 1px solid transparent;
  border-radius: 2px; padding: 2px 4px; margin: -3px -5px; text-align: left; cursor: pointer; }
button.record:hover { background: var(--vscode-list-hoverBackground); }
button.record:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.detail { color: var(--vscode-descriptionForeground); font-size: 0.92em; flex-basis: 100%; padding-left: 1.2em; }
.complete .mark { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.draft .mark { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.missing { color: var(--vscode-descriptionForeground); }
.has-errors .detail { color: var(--vscode-errorForeground); }
.disagreements.open { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); font-weight: 600; }
.disagreements.blinded, .disagreements.single { color: var(--vscode-descriptionForeground); }
td.left { min-width: 9em; }
@media (max-width: 480px) {
  body { padding: 0 6px 12px; }
  th, td { padding: 3px 5px; }
  th.study { white-space: normal; min-width: 6em; }
  td.left { min-width: 7em; }
}
`;
