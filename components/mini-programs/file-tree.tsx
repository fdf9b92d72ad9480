// The package's files as a folder tree with sizes; folders fold, so 2,000 files stay readable.
import { formatBytes } from "./format";

/** `claimed`: the size is what the zip header says; the file was not read (a limit stopped inspection first). */
export type TreeFile = { path: string; size: number; claimed?: boolean };

type Labels = { claimedLabel?: string; locale?: string };

type Folder = { name: string; path: string; size: number; count: number; claimed: boolean; folders: Map<string, Folder>; files: TreeFile[] };

function buildTree(files: TreeFile[]): Folder {
  const root: Folder = { name: "", path: "", size: 0, count: 0, claimed: false, folders: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split("/").filter(Boolean);
    let dir = root;
    dir.size += f.size;
    dir.count += 1;
    for (const part of parts.slice(0, -1)) {
      let next = dir.folders.get(part);
      if (!next) {
        next = { name: part, path: dir.path ? `${dir.path}/${part}` : part, size: 0, count: 0, claimed: false, folders: new Map(), files: [] };
        dir.folders.set(part, next);
      }
      next.size += f.size;
      next.count += 1;
      next.claimed ||= f.claimed === true;
      dir = next;
    }
    dir.files.push(f);
  }
  return root;
}

function Row({ name, size, mono = true, bold = false, claimed = false, labels }: { name: string; size: number; mono?: boolean; bold?: boolean; claimed?: boolean; labels: Labels }) {
  return (
    <span className="flex min-w-0 items-baseline justify-between gap-3">
      <span className={`min-w-0 truncate ${mono ? "font-mono text-xs" : ""} ${bold ? "font-medium" : ""}`} title={name}>
        {name}
      </span>
      <span className="shrink-0 text-xs tabular-nums text-muted-fg">
        {formatBytes(size, labels.locale)}
        {claimed && labels.claimedLabel ? <span className="ml-1 text-warning">({labels.claimedLabel})</span> : null}
      </span>
    </span>
  );
}

function FolderView({ folder, openDepth, depth, labels }: { folder: Folder; openDepth: number; depth: number; labels: Labels }) {
  const folders = [...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name));
  const files = [...folder.files].sort((a, b) => a.path.localeCompare(b.path));
  return (
    <ul className={depth > 0 ? "ml-3 border-l border-border pl-3" : ""}>
      {folders.map((f) => (
        <li key={f.path}>
          <details open={depth < openDepth}>
            <summary className="cursor-pointer rounded px-1 py-0.5 hover:bg-muted">
              <span className="inline-flex w-[calc(100%-1.25rem)] align-middle">
                <span className="w-full">
                  <Row name={`${f.name}/`} size={f.size} bold claimed={f.claimed} labels={labels} />
                </span>
              </span>
            </summary>
            <FolderView folder={f} openDepth={openDepth} depth={depth + 1} labels={labels} />
          </details>
        </li>
      ))}
      {files.map((f) => (
        <li key={f.path} className="px-1 py-0.5 pl-5">
          <Row name={f.path.split("/").pop() ?? f.path} size={f.size} claimed={f.claimed} labels={labels} />
        </li>
      ))}
    </ul>
  );
}

export function FileTree({ files, label, claimedLabel, locale }: { files: TreeFile[]; label: string } & Labels) {
  const root = buildTree(files);
  // Small packages open fully; large ones open only the first level.
  const openDepth = files.length <= 60 ? 10 : 1;
  return (
    <div role="group" aria-label={label} className="max-h-96 overflow-auto text-sm" data-testid="file-tree">
      <FolderView folder={root} openDepth={openDepth} depth={0} labels={{ claimedLabel, locale }} />
    </div>
  );
}
