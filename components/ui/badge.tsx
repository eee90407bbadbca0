import { cva, type VariantProps } from "class-variance-authority";
import type { HTMLAttributes } from "react";
import { cn } from "./cn";

const badgeVariants = cva("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium", {
  variants: {
    tone: {
      neutral: "bg-slate-100 text-slate-700",
      running: "bg-blue-100 text-blue-800",
      success: "bg-emerald-100 text-emerald-800",
      failure: "bg-red-100 text-red-800",
      warning: "bg-amber-100 text-amber-800",
    },
  },
  defaultVariants: { tone: "neutral" },
});

export function Badge({ className, tone, ...props }: HTMLAttributes<HTMLSpanElement> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}

export function statusTone(status: string): "neutral" | "running" | "success" | "failure" | "warning" {
  switch (status) {
    case "SUCCEEDED":
    case "LIVE":
      return "success";
    case "FAILED":
      return "failure";
    case "RUNNING":
    case "ROLLING_OUT":
      return "running";
    case "QUEUED":
    case "PENDING":
      return "warning";
    default:
      return "neutral";
  }
}
