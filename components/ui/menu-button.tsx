"use client";

import { useEffect, useId, useRef, useState } from "react";

export interface MenuItem {
  label: string;
  onSelect(): void;
  /** Destructive or access-removing items are styled as such. */
  danger?: boolean;
}

/**
 * A menu button (WAI-ARIA APG): Enter, Space or ArrowDown opens the menu on its first item; ArrowUp/Down,
 * Home and End move; Escape closes it and returns focus to the button; choosing an item closes it, returns
 * focus to the button and runs the item (a dialog the item opens gives focus back to the button on closing).
 * The menu is positioned against the window, so a table's scroll box does not clip it.
 */
export function MenuButton({ label, name, items, disabled }: { label: string; name: string; items: MenuItem[]; disabled?: boolean }) {
  const [position, setPosition] = useState<{ top: number; right: number } | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const menuId = useId();
  const open = position !== null;

  const menuItems = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    menuItems()[0]?.focus();
    const close = (event: Event) => {
      if (event.type === "pointerdown" && wrapper.current?.contains(event.target as Node)) return;
      setPosition(null);
    };
    document.addEventListener("pointerdown", close);
    window.addEventListener("resize", close);
    window.addEventListener("scroll", close, true);
    return () => {
      document.removeEventListener("pointerdown", close);
      window.removeEventListener("resize", close);
      window.removeEventListener("scroll", close, true);
    };
  }, [open]);

  function show() {
    const rect = button.current?.getBoundingClientRect();
    if (rect) setPosition({ top: rect.bottom + 4, right: Math.max(8, window.innerWidth - rect.right) });
  }

  function close() {
    setPosition(null);
    button.current?.focus();
  }

  function onMenuKeyDown(event: React.KeyboardEvent) {
    const all = menuItems();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1 + all.length, Home: 0, End: all.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      all[moves[event.key] % all.length]?.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      setPosition(null);
    }
  }

  return (
    <div ref={wrapper} className="menu">
      <button
        ref={button}
        type="button"
        className="secondary"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={name}
        disabled={disabled}
        onClick={() => (open ? setPosition(null) : show())}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            show();
          }
        }}
      >
        {label}
      </button>
      {position && (
        <ul ref={menu} id={menuId} role="menu" aria-label={name} style={position} onKeyDown={onMenuKeyDown}>
          {items.map((item) => (
            <li key={item.label} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={item.danger ? "menu-item danger" : "menu-item"}
                onClick={() => {
                  close();
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
