"use client";

import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface TabItem {
  id: string;
  label: string;
  /** A short figure beside the label, e.g. a row count. */
  badge?: string;
  content: ReactNode;
}

/**
 * WAI-ARIA tabs with automatic activation (arrow keys, Home, End). A panel is rendered the first
 * time it is shown (the server renders the first one only: a page of many big tables otherwise
 * costs every viewer all of them), then stays mounted so it keeps its filter, sort and page while
 * another is shown.
 */
export function Tabs({ label, tabs, id }: { label: string; tabs: readonly TabItem[]; /** The tab list's id, for links to it. */ id?: string }) {
  const [selected, setSelected] = useState(tabs[0]?.id);
  const [opened, setOpened] = useState<ReadonlySet<string | undefined>>(() => new Set([tabs[0]?.id]));
  if (!opened.has(selected)) setOpened(new Set([...opened, selected])); // React's "adjust state while rendering"
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const base = useId();

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.id === selected);
    const next =
      event.key === "ArrowRight" ? (index + 1) % tabs.length
      : event.key === "ArrowLeft" ? (index - 1 + tabs.length) % tabs.length
      : event.key === "Home" ? 0
      : event.key === "End" ? tabs.length - 1
      : undefined;
    const tab = next === undefined ? undefined : tabs[next];
    if (!tab) return;
    event.preventDefault();
    setSelected(tab.id);
    buttons.current.get(tab.id)?.focus();
  };

  return (
    <div className="tabs">
      <div role="tablist" id={id} aria-label={label} className="tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(el) => {
              if (el) buttons.current.set(tab.id, el);
              else buttons.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.id}`}
            aria-controls={`${base}-panel-${tab.id}`}
            aria-selected={tab.id === selected}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
            {tab.badge !== undefined && <span className="badge"> {tab.badge}</span>}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${base}-panel-${tab.id}`}
          aria-labelledby={`${base}-tab-${tab.id}`}
          hidden={tab.id !== selected}
          tabIndex={0}
          className="tabpanel"
        >
          {opened.has(tab.id) && tab.content}
        </div>
      ))}
    </div>
  );
}
