"use client";

// Copies a value to the clipboard and says so. Clipboard access can be denied (an insecure
// context, permissions): then the button simply does not say "Copied" and the value stays on the
// page to select by hand.
import { useState } from "react";
import { Button, type ButtonProps } from "./button";

export function CopyButton({ value, label, size }: { value: string; label?: string; size?: ButtonProps["size"] }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="secondary"
      size={size}
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? "Copied" : "Copy"}
    </Button>
  );
}
