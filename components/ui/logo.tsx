import { cn } from "./cn";

/** The wordmark with a small hull-on-rails mark drawn inline (no icon font or network fetch). */
export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold", className)}>
      <svg viewBox="0 0 24 24" className="h-5 w-5" aria-hidden="true">
        <path d="M4 14h16l-3 4H7z" fill="currentColor" />
        <path d="M11 3v10M11 4l6 8h-6" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinejoin="round" />
        <path d="M2 21h20" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      Slipway
    </span>
  );
}
