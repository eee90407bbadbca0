"use client";

// A secret the server shows only once (an API token, an invitation link): a selectable field, a
// copy button and "Done". The caller says what it is and where it goes.
import type { ReactNode } from "react";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { Input } from "./input";

export interface ShownOnceProps {
  value: string;
  /** The field's accessible name, e.g. "New API token". */
  label: string;
  testId: string;
  className?: string;
  onDone: () => void;
  /** What to do with it, shown above the field. */
  children: ReactNode;
  footer?: ReactNode;
}

export function ShownOnce({ value, label, testId, className, onDone, children, footer }: ShownOnceProps) {
  return (
    <div className={`rounded-md border border-amber-200 bg-amber-50 p-3 text-sm ${className ?? ""}`} data-testid={testId}>
      <p className="mb-2 font-medium text-amber-900">{children}</p>
      <div className="flex gap-2">
        <Input readOnly value={value} aria-label={label} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={value} />
        <Button type="button" variant="ghost" onClick={onDone}>Done</Button>
      </div>
      {footer ? <p className="mt-2 text-xs text-amber-900">{footer}</p> : null}
    </div>
  );
}
