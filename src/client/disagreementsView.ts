import * as vscode from 'vscode';
import type { DisagreementsResult, StudyDisagreements } from '../shared/protocol';

type Node =
  | { kind: 'study'; study: StudyDisagreements }
  | { kind: 'field'; study: StudyDisagreements; item: StudyDisagreements['disagreements'][number] };

function shown(value: unknown): string {
  if (value === null || value === undefined) return '(not extracted)';
  if (typeof value === 'object') return Array.isArray(value) ? value.map(shown).join(', ') : 'present';
  return String(value);
}

/** The Disagreements view: study → field, with counts; a click opens the value in the first record. */
export class DisagreementsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: DisagreementsResult = { studies: [] };

  constructor(private readonly load: () => Promise<DisagreementsResult>) {}

  async refresh(): Promise<void> {
    this.result = await this.load();
    this.changed.fire(undefined);
  }

  /** Studies shown (for tests and the view's description). */
  get studies(): StudyDisagreements[] {
    return this.result.studies;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'study') {
      const { study } = node;
      const count = study.disagreements.length;
      const item = new vscode.TreeItem(
        study.study,
        count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.description =
        study.state === 'blinded'
          ? 'blinded until both records are complete'
          : study.state === 'single'
            ? `only ${study.reviewers[0] ?? 'one reviewer'}`
            : count > 0
              ? `${count} disagreement${count === 1 ? '' : 's'}${study.resolved > 0 ? ` · ${study.resolved} settled` : ''}`
              : study.resolved > 0
                ? `all ${study.resolved} settled`
                : 'no disagreements';
      item.iconPath = new vscode.ThemeIcon(
        count > 0 ? 'diff' : study.state === 'blinded' ? 'eye-closed' : 'pass',
      );
      item.contextValue = `study-${study.state}`;
      item.id = `${study.rootUri}#${study.study}`;
      return item;
    }
    const { study, item } = node;
    const [a, b] = study.reviewers;
    const tree = new vscode.TreeItem(item.path, vscode.TreeItemCollapsibleState.None);
    tree.description = `${a} ${shown(item.a)} · ${b} ${shown(item.b)}`;
    tree.tooltip = `${item.path}\n${a}: ${shown(item.a)}\n${b}: ${shown(item.b)}`;
    tree.iconPath = new vscode.ThemeIcon('circle-small-filled');
    tree.id = `${study.rootUri}#${study.study}#${item.path}`;
    const location = item.locations[0];
    if (location) {
      const range = new vscode.Range(
        location.range.start.line,
        location.range.start.character,
        location.range.end.line,
        location.range.end.character,
      );
      tree.command = {
        title: 'Open',
        command: 'vscode.open',
        arguments: [vscode.Uri.parse(location.uri), { selection: range }],
      };
    }
    return tree;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.result.studies.map((study) => ({ kind: 'study', study }));
    if (node.kind === 'study')
      return node.study.disagreements.map((item) => ({ kind: 'field', study: node.study, item }));
    return [];
  }
}
